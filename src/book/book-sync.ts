import { BookLevels, LevelChange } from './book-levels';
import { fitDelta } from './update-id-rule';

/** A depth message, parsed: a full snapshot or a change covering update ids firstId..lastId. */
export interface BookMessage {
  readonly kind: 'snapshot' | 'delta';
  readonly firstId: number;
  readonly lastId: number;
  readonly bids: readonly LevelChange[];
  readonly asks: readonly LevelChange[];
  /** Epoch ms of the event. */
  readonly timestamp: number;
}

/** What the sync machine consumes: depth messages, and `reset` when the connection was lost. */
export type BookInput = BookMessage | { readonly kind: 'reset' };

/** Why a synced book was thrown away. */
export type ResyncReason = 'gap' | 'crossed' | 'reconnect';

export type SyncStatus = 'syncing' | 'synced' | 'resyncing';

/**
 * The sync machine's state. Linear: `stepSync` may update it in place (the book, the buffer, and
 * `bookId`/`timestamp` on the hot path, so a delta allocates nothing), so keep only the latest.
 */
export interface SyncState {
  readonly status: SyncStatus;
  /** Levels kept per side. */
  readonly depth: number;
  /** The book; meaningful only while synced. Updated in place (see `stepSync`). */
  readonly book: BookLevels;
  /** Last update id the book includes. */
  bookId: number;
  /** Deltas that came before the snapshot, oldest first. */
  readonly buffer: BookMessage[];
  /** How many times a synced book had to be rebuilt. */
  readonly resyncs: number;
  readonly reason?: ResyncReason;
  /** Event time of the last message applied. */
  timestamp: number;
  /** The two steps that leave this state in place, made once (a delta then allocates nothing). */
  readonly inPlace?: { readonly changed: SyncStep; readonly unchanged: SyncStep };
}

export interface SyncStep {
  readonly state: SyncState;
  /** Something subscribers should see changed: the status, or the levels of a synced book. */
  readonly changed: boolean;
  /** Ask the venue for a fresh snapshot. */
  readonly resync?: ResyncReason;
}

/** Deltas kept while waiting for a snapshot; older ones are dropped (they would be stale or a gap anyway). */
export const MAX_BUFFERED_DELTAS = 1_000;

export function initialSync(depth: number): SyncState {
  return { status: 'syncing', depth, book: new BookLevels(), bookId: 0, buffer: [], resyncs: 0, timestamp: 0 };
}

/**
 * The order-book sync state machine.
 *
 *            snapshot (+ buffered deltas fit)
 *   syncing ─────────────────────────────────► synced ──delta fits──► synced
 *      ▲ deltas buffered                         │
 *      │                   gap | crossed | reset │ (resyncs + 1; gap/crossed ask for a snapshot)
 *   resyncing ◄──────────────────────────────────┘
 *      └──── snapshot (+ buffered deltas fit) ──► synced
 *
 * Deterministic and free of I/O and clocks. For speed the state is updated in place where only
 * the book moves on (see SyncState); status changes return a new state. Keep only the returned one.
 */
export function stepSync(state: SyncState, input: BookInput): SyncStep {
  switch (input.kind) {
    case 'reset':
      return onReset(state);
    case 'snapshot':
      return onSnapshot(state, input);
    case 'delta':
      return onDelta(state, input);
  }
}

function onReset(state: SyncState): SyncStep {
  state.buffer.length = 0;
  if (state.status !== 'synced') return { state, changed: false };
  state.book.clear();
  return { state: { ...state, status: 'resyncing', reason: 'reconnect', resyncs: state.resyncs + 1 }, changed: true };
}

function onSnapshot(state: SyncState, snapshot: BookMessage): SyncStep {
  const book = state.book;
  book.clear();
  book.apply(snapshot.bids, snapshot.asks);
  let bookId = snapshot.lastId;
  let timestamp = snapshot.timestamp;
  let failure: 'gap' | 'crossed' | undefined;
  for (const delta of state.buffer) {
    const fit = fitDelta(bookId, delta.firstId, delta.lastId);
    if (fit === 'stale') continue;
    if (fit === 'gap') {
      failure = 'gap';
      break;
    }
    book.apply(delta.bids, delta.asks);
    bookId = delta.lastId;
    timestamp = delta.timestamp;
  }
  state.buffer.length = 0;
  book.bids.truncate(state.depth);
  book.asks.truncate(state.depth);
  if (failure === undefined && book.isCrossed()) failure = 'crossed';
  if (failure !== undefined) return lose(state, failure);
  return { state: { ...state, status: 'synced', reason: undefined, bookId, timestamp }, changed: true };
}

function onDelta(state: SyncState, delta: BookMessage): SyncStep {
  if (state.status !== 'synced') {
    if (state.buffer.length >= MAX_BUFFERED_DELTAS) state.buffer.shift();
    state.buffer.push(delta);
    return stay(state, false);
  }
  const fit = fitDelta(state.bookId, delta.firstId, delta.lastId);
  if (fit === 'stale') return stay(state, false);
  if (fit === 'gap') return lose(state, 'gap');
  const book = state.book;
  book.apply(delta.bids, delta.asks);
  book.bids.truncate(state.depth);
  book.asks.truncate(state.depth);
  if (book.isCrossed()) return lose(state, 'crossed');
  state.bookId = delta.lastId;
  state.timestamp = delta.timestamp;
  return stay(state, delta.bids.length > 0 || delta.asks.length > 0);
}

/**
 * A step that keeps `state`: one of its two steps, made on first use and kept on the state as a
 * non-enumerable property (so spreading a state into the next one never carries it over).
 */
function stay(state: SyncState, changed: boolean): SyncStep {
  let steps = state.inPlace;
  if (steps === undefined) {
    steps = { changed: { state, changed: true }, unchanged: { state, changed: false } };
    Object.defineProperty(state, 'inPlace', { value: steps, enumerable: false });
  }
  return changed ? steps.changed : steps.unchanged;
}

/** The book can no longer be trusted: drop it and ask for a snapshot. */
function lose(state: SyncState, reason: 'gap' | 'crossed'): SyncStep {
  state.book.clear();
  state.buffer.length = 0;
  return { state: { ...state, status: 'resyncing', reason, resyncs: state.resyncs + 1 }, changed: true, resync: reason };
}
