import fc from 'fast-check';
import { BookMessage, BookInput, SyncState, initialSync, stepSync } from '../../src/book/book-sync';
import { bookState } from '../../src/book/book-state';
import { fitDelta } from '../../src/book/update-id-rule';
import { LevelChange } from '../../src/book/book-levels';

const lv = (price: number, size: number): LevelChange => ({ price, size, raw: [String(price), String(size)] });
const snapshot = (lastId: number, bids: LevelChange[], asks: LevelChange[]): BookMessage => ({
  kind: 'snapshot',
  firstId: lastId,
  lastId,
  bids,
  asks,
  timestamp: 1_000 + lastId,
});
const delta = (firstId: number, lastId: number, bids: LevelChange[], asks: LevelChange[] = []): BookMessage => ({
  kind: 'delta',
  firstId,
  lastId,
  bids,
  asks,
  timestamp: 1_000 + lastId,
});

function run(inputs: readonly BookInput[], depth = 1_000): { state: SyncState; resyncRequests: string[] } {
  let state = initialSync(depth);
  const resyncRequests: string[] = [];
  for (const input of inputs) {
    const step = stepSync(state, input);
    state = step.state;
    if (step.resync) resyncRequests.push(step.resync);
  }
  return { state, resyncRequests };
}

const levels = (state: SyncState) => ({ bids: state.book.bids.levels(), asks: state.book.asks.levels() });

describe('fitDelta (assumed rule: U <= lastU + 1 <= u)', () => {
  it.each([
    [10, 5, 10, 'stale'],
    [10, 11, 11, 'next'],
    [10, 11, 20, 'next'],
    [10, 8, 12, 'next'],
    [10, 12, 15, 'gap'],
  ] as const)('book at %i, delta %i..%i is %s', (bookId, first, last, fit) => {
    expect(fitDelta(bookId, first, last)).toBe(fit);
  });
});

describe('stepSync', () => {
  it('stays syncing and buffers deltas until the snapshot, then applies them by update id', () => {
    const inputs: BookInput[] = [
      delta(8, 9, [lv(99, 7)]), // older than the snapshot: skipped
      delta(10, 11, [lv(98, 1)]), // straddles the snapshot id: applied
      delta(12, 12, [], [lv(101, 3)]),
    ];
    const before = run(inputs);
    expect(before.state.status).toBe('syncing');
    expect(bookState(before.state, 'BTCUSDT', 'weex').book).toBeUndefined();

    const { state } = run([...inputs, snapshot(10, [lv(99, 1)], [lv(101, 2)])]);
    expect(state.status).toBe('synced');
    expect(state.bookId).toBe(12);
    expect(levels(state)).toEqual({
      bids: [
        { price: 99, size: 1 },
        { price: 98, size: 1 },
      ],
      asks: [{ price: 101, size: 3 }],
    });
  });

  it('skips stale deltas and applies the next ones once synced', () => {
    const { state } = run([snapshot(10, [lv(99, 1)], [lv(101, 1)]), delta(9, 10, [lv(99, 5)]), delta(11, 11, [lv(99, 0), lv(97, 2)])]);
    expect(state.status).toBe('synced');
    expect(levels(state).bids).toEqual([{ price: 97, size: 2 }]);
  });

  it('a gap drops the book, counts a resync and asks for a snapshot; the next snapshot syncs again', () => {
    const { state, resyncRequests } = run([snapshot(10, [lv(99, 1)], [lv(101, 1)]), delta(13, 14, [lv(99, 5)])]);
    expect(state.status).toBe('resyncing');
    expect(state.reason).toBe('gap');
    expect(state.resyncs).toBe(1);
    expect(resyncRequests).toEqual(['gap']);
    expect(bookState(state, 'X', 'weex')).toEqual({ status: 'resyncing', resyncs: 1, reason: 'gap' });

    const again = run([
      snapshot(10, [lv(99, 1)], [lv(101, 1)]),
      delta(13, 14, [lv(99, 5)]),
      delta(15, 15, [lv(1, 1)]),
      snapshot(20, [lv(98, 1)], []),
    ]);
    expect(again.state.status).toBe('synced');
    expect(again.state.resyncs).toBe(1);
    expect(levels(again.state)).toEqual({ bids: [{ price: 98, size: 1 }], asks: [] });
  });

  it('a gap among the buffered deltas is found when the snapshot comes', () => {
    const { state, resyncRequests } = run([delta(11, 11, [lv(1, 1)]), delta(13, 13, [lv(2, 1)]), snapshot(10, [], [])]);
    expect(state.status).toBe('resyncing');
    expect(resyncRequests).toEqual(['gap']);
  });

  it('a crossed book is never shown: it resyncs', () => {
    const { state, resyncRequests } = run([snapshot(10, [lv(99, 1)], [lv(101, 1)]), delta(11, 11, [lv(102, 1)])]);
    expect(state.status).toBe('resyncing');
    expect(state.reason).toBe('crossed');
    expect(resyncRequests).toEqual(['crossed']);
  });

  it('a snapshot that is crossed, or crossed by the deltas buffered before it, is never shown either', () => {
    const crossedSnapshot = run([snapshot(10, [lv(101, 1)], [lv(100, 1)])]);
    expect([crossedSnapshot.state.status, crossedSnapshot.state.reason]).toEqual(['resyncing', 'crossed']);
    expect(crossedSnapshot.resyncRequests).toEqual(['crossed']);
    expect(bookState(crossedSnapshot.state, 'X', 'weex').book).toBeUndefined();

    const crossedByBuffer = run([delta(11, 11, [lv(102, 1)]), snapshot(10, [lv(99, 1)], [lv(101, 1)])]);
    expect([crossedByBuffer.state.status, crossedByBuffer.state.reason]).toEqual(['resyncing', 'crossed']);
    expect(crossedByBuffer.resyncRequests).toEqual(['crossed']);
  });

  it('a reset (reconnect) voids a synced book without asking for a snapshot (the resubscription brings one)', () => {
    const { state, resyncRequests } = run([snapshot(10, [lv(99, 1)], [lv(101, 1)]), { kind: 'reset' }]);
    expect(state.status).toBe('resyncing');
    expect(state.reason).toBe('reconnect');
    expect(state.resyncs).toBe(1);
    expect(resyncRequests).toEqual([]);
    // Deltas buffered before the reset belong to the old connection.
    const later = run([delta(5, 5, [lv(1, 1)]), { kind: 'reset' }, snapshot(10, [], [])]);
    expect(later.state.status).toBe('synced');
    expect(levels(later.state)).toEqual({ bids: [], asks: [] });
    expect(later.state.resyncs).toBe(0);
  });

  it('keeps at most `depth` levels a side', () => {
    const { state } = run([snapshot(1, [lv(99, 1), lv(98, 1), lv(97, 1)], [lv(101, 1), lv(102, 1)]), delta(2, 2, [lv(100, 1)])], 2);
    expect(levels(state)).toEqual({
      bids: [
        { price: 100, size: 1 },
        { price: 99, size: 1 },
      ],
      asks: [
        { price: 101, size: 1 },
        { price: 102, size: 1 },
      ],
    });
  });

  it('shows books as fresh arrays with the exact wire strings and last update id', () => {
    const { state } = run([snapshot(7, [{ price: 99.5, size: 1, raw: ['99.50', '1.000'] }], [])]);
    const view = bookState(state, 'BTCUSDT', 'weex');
    expect(view.status).toBe('synced');
    expect(view.book).toMatchObject({ kind: 'book', symbol: 'BTCUSDT', broker: 'weex', bids: [{ price: 99.5, size: 1 }], asks: [] });
    expect(view.book!.raw).toEqual({ lastUpdateId: 7, bids: [['99.50', '1.000']], asks: [] });
    expect(view.book!.timestamp).toBe(1_007);
  });
});

/** Random server-side history: each delta changes a few levels; ids are contiguous. */
const history = fc
  .array(
    fc.record({
      bids: fc.array(fc.tuple(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 5 })), { maxLength: 4 }),
      asks: fc.array(fc.tuple(fc.integer({ min: 60, max: 100 }), fc.integer({ min: 0, max: 5 })), { maxLength: 4 }),
      ids: fc.integer({ min: 1, max: 3 }),
    }),
    { minLength: 1, maxLength: 60 },
  )
  .map((changes) => {
    let id = 100;
    return changes.map((c) => {
      const d = delta(
        id + 1,
        id + c.ids,
        c.bids.map(([p, s]) => lv(p, s)),
        c.asks.map(([p, s]) => lv(p, s)),
      );
      id += c.ids;
      return d;
    });
  });

function naiveBook(deltas: readonly BookMessage[]) {
  const bids = new Map<number, number>();
  const asks = new Map<number, number>();
  for (const d of deltas) {
    for (const l of d.bids) l.size > 0 ? bids.set(l.price, l.size) : bids.delete(l.price);
    for (const l of d.asks) l.size > 0 ? asks.set(l.price, l.size) : asks.delete(l.price);
  }
  const sorted = (m: Map<number, number>, dir: 1 | -1) =>
    [...m.entries()].sort((a, b) => dir * (a[0] - b[0])).map(([price, size]) => ({ price, size }));
  return { bids: sorted(bids, -1), asks: sorted(asks, 1) };
}

function snapshotAfter(deltas: readonly BookMessage[], lastId: number): BookMessage {
  const book = naiveBook(deltas);
  return snapshot(
    lastId,
    book.bids.map((l) => lv(l.price, l.size)),
    book.asks.map((l) => lv(l.price, l.size)),
  );
}

describe('stepSync properties', () => {
  it('any snapshot point, with stale and early deltas around it, ends equal to a naive Map book', () => {
    fc.assert(
      fc.property(history, fc.nat(), fc.nat(), fc.nat(), (deltas, at, staleCount, earlyCount) => {
        const j = at % deltas.length; // the snapshot includes deltas[0..j]
        const snap = snapshotAfter(deltas.slice(0, j + 1), deltas[j].lastId);
        const stale = deltas.slice(Math.max(0, j + 1 - (staleCount % 4)), j + 1);
        const rest = deltas.slice(j + 1);
        const early = rest.slice(0, earlyCount % (rest.length + 1));
        const late = rest.slice(early.length);
        const { state, resyncRequests } = run([...stale, ...early, snap, ...late, ...stale]);
        expect(resyncRequests).toEqual([]);
        expect(state.status).toBe('synced');
        expect(state.bookId).toBe(deltas[deltas.length - 1].lastId);
        expect(levels(state)).toEqual(naiveBook(deltas));
      }),
      { numRuns: 300 },
    );
  });

  it('a lost delta after the snapshot is always detected, and no book is shown until a new snapshot', () => {
    fc.assert(
      fc.property(
        history.filter((d) => d.length >= 2),
        fc.nat(),
        (deltas, k) => {
          const lost = k % (deltas.length - 1); // any but the last: a later delta must reveal it
          let state = initialSync(1_000);
          const inputs: BookInput[] = [snapshot(100, [], []), ...deltas.filter((_, i) => i !== lost)];
          const shown: number[] = [];
          let requests = 0;
          for (const input of inputs) {
            const step = stepSync(state, input);
            state = step.state;
            if (step.resync) requests += 1;
            const view = bookState(state, 'X', 'weex');
            if (view.book) shown.push(view.book.raw.lastUpdateId);
          }
          expect(requests).toBe(1);
          expect(state.status).toBe('resyncing');
          // Every book shown came before the loss.
          expect(shown.every((id) => id < deltas[lost].firstId)).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });
});
