import { FeedStatus, KeyState } from '../../core/status';
import { OrderBook, OrderEvent, Position, Trade } from '../../model/market';
import { Bar } from '../../operators/bars';

/** Everything the dashboard shows; changed only by `reduce`. */
export interface DashboardState {
  readonly broker: string;
  /** Where the data comes from, e.g. 'simulator 127.0.0.1:40213 (seed 1)' or 'live'. */
  readonly source: string;
  readonly symbols: readonly string[];
  /** Index into `symbols` of the symbol whose book is shown. */
  readonly selected: number;
  readonly books: Readonly<Record<string, OrderBook>>;
  readonly lastTrade: Readonly<Record<string, Trade>>;
  /** Latest trades of every symbol, newest first. */
  readonly tape: readonly Trade[];
  /** Last closed 1-minute bar per symbol. */
  readonly bars: Readonly<Record<string, Bar>>;
  /** Session VWAP and 1-minute VWAP per symbol. */
  readonly vwap: Readonly<Record<string, { readonly session?: number; readonly minute?: number }>>;
  /** Latest order events of the account, newest first. */
  readonly orders: readonly OrderEvent[];
  readonly positions: Readonly<Record<string, Position>>;
  readonly connection: ConnectionStats;
  readonly counts: Counts;
  /** Per-second rates over the last tick interval. */
  readonly rates: Counts;
  readonly lastError?: string;
  readonly startedAt: number;
  readonly now: number;
  /** Counts and time at the last tick, for the rates. */
  readonly lastTick: { readonly at: number; readonly counts: Counts };
}

export interface ConnectionStats {
  readonly status: FeedStatus;
  /** Times the feed went to 'reconnecting'. */
  readonly reconnects: number;
  /** Keys registered again after having been active (after a reconnect). */
  readonly resubscriptions: number;
  readonly keys: readonly KeyState[];
  /** Keys that have been active, for counting re-registrations. */
  readonly wereActive: Readonly<Record<string, true>>;
}

export interface Counts {
  readonly frames: number;
  readonly trades: number;
  readonly books: number;
  readonly account: number;
  readonly other: number;
  readonly errors: number;
}

export const zeroCounts: Counts = { frames: 0, trades: 0, books: 0, account: 0, other: 0, errors: 0 };

/** Anything the dashboard reacts to. */
export type DashboardAction =
  | { readonly type: 'event'; readonly event: { readonly kind: string; readonly symbol?: unknown } }
  | { readonly type: 'bar'; readonly bar: Bar }
  | { readonly type: 'vwap'; readonly symbol: string; readonly window: 'session' | 'minute'; readonly value: number }
  | { readonly type: 'status'; readonly status: FeedStatus }
  | { readonly type: 'keys'; readonly keys: readonly KeyState[] }
  | { readonly type: 'error'; readonly message: string }
  | { readonly type: 'frame' }
  | { readonly type: 'tick'; readonly now: number }
  | { readonly type: 'select'; readonly by: number };

export const TAPE_LENGTH = 40;
export const ORDERS_KEPT = 5;

export function initialState(fields: {
  readonly broker: string;
  readonly source: string;
  readonly symbols: readonly string[];
  readonly now: number;
}): DashboardState {
  return {
    ...fields,
    selected: 0,
    books: {},
    lastTrade: {},
    tape: [],
    bars: {},
    vwap: {},
    orders: [],
    positions: {},
    connection: { status: { state: 'closed' }, reconnects: 0, resubscriptions: 0, keys: [], wereActive: {} },
    counts: zeroCounts,
    rates: zeroCounts,
    startedAt: fields.now,
    now: fields.now,
    lastTick: { at: fields.now, counts: zeroCounts },
  };
}

const bump = (counts: Counts, key: keyof Counts): Counts => ({ ...counts, [key]: counts[key] + 1 });

/** The dashboard's state machine: pure, so a screen is a function of the actions seen. */
export function reduce(state: DashboardState, action: DashboardAction): DashboardState {
  switch (action.type) {
    case 'event':
      return onEvent(state, action.event);
    case 'bar':
      return { ...state, bars: { ...state.bars, [action.bar.symbol]: action.bar } };
    case 'vwap': {
      const before = state.vwap[action.symbol] ?? {};
      return { ...state, vwap: { ...state.vwap, [action.symbol]: { ...before, [action.window]: action.value } } };
    }
    case 'status': {
      const reconnecting = action.status.state === 'reconnecting' && state.connection.status.state !== 'reconnecting';
      return {
        ...state,
        connection: {
          ...state.connection,
          status: action.status,
          reconnects: state.connection.reconnects + (reconnecting ? 1 : 0),
        },
      };
    }
    case 'keys':
      return { ...state, connection: onKeys(state.connection, action.keys) };
    case 'error':
      return { ...state, lastError: action.message, counts: bump(state.counts, 'errors') };
    case 'frame':
      return { ...state, counts: bump(state.counts, 'frames') };
    case 'tick': {
      const elapsed = action.now - state.lastTick.at;
      if (elapsed <= 0) return { ...state, now: action.now };
      const perSecond = (k: keyof Counts) => ((state.counts[k] - state.lastTick.counts[k]) * 1000) / elapsed;
      const rates = Object.fromEntries(Object.keys(zeroCounts).map((k) => [k, perSecond(k as keyof Counts)])) as unknown as Counts;
      return { ...state, now: action.now, rates, lastTick: { at: action.now, counts: state.counts } };
    }
    case 'select': {
      const n = state.symbols.length;
      return n === 0 ? state : { ...state, selected: (((state.selected + action.by) % n) + n) % n };
    }
  }
}

function onEvent(state: DashboardState, event: { readonly kind: string; readonly symbol?: unknown }): DashboardState {
  switch (event.kind) {
    case 'trade': {
      const t = event as Trade;
      return {
        ...state,
        lastTrade: { ...state.lastTrade, [t.symbol]: t },
        tape: [t, ...state.tape].slice(0, TAPE_LENGTH),
        counts: bump(state.counts, 'trades'),
      };
    }
    case 'book': {
      const b = event as OrderBook;
      return { ...state, books: { ...state.books, [b.symbol]: b }, counts: bump(state.counts, 'books') };
    }
    case 'order': {
      const o = event as OrderEvent;
      return { ...state, orders: [o, ...state.orders].slice(0, ORDERS_KEPT), counts: bump(state.counts, 'account') };
    }
    case 'position': {
      const p = event as Position;
      return { ...state, positions: { ...state.positions, [p.symbol]: p }, counts: bump(state.counts, 'account') };
    }
    case 'balance':
      return { ...state, counts: bump(state.counts, 'account') };
    default:
      return { ...state, counts: bump(state.counts, 'other') };
  }
}

function onKeys(connection: ConnectionStats, keys: readonly KeyState[]): ConnectionStats {
  let resubscriptions = connection.resubscriptions;
  const wereActive: Record<string, true> = { ...connection.wereActive };
  const present = new Set(keys.map((k) => k.key));
  for (const k of keys) {
    if (k.state === 'active') wereActive[k.key] = true;
    else if (k.state === 'requested' && wereActive[k.key]) {
      // Active before, requested again: the feed re-registered it (after a reconnect).
      resubscriptions += 1;
      delete wereActive[k.key];
    }
  }
  for (const key of Object.keys(wereActive)) if (!present.has(key)) delete wereActive[key];
  return { ...connection, keys, resubscriptions, wereActive };
}

/** The symbol whose book is shown. */
export const selectedSymbol = (state: DashboardState): string | undefined => state.symbols[state.selected];
