import fc from 'fast-check';
import { BookSide } from '../../src/book/book-side';

/** The obvious book side: a Map, sorted when read. */
function naive(side: 'bid' | 'ask', ops: readonly [number, number][]): { price: number; size: number }[] {
  const m = new Map<number, number>();
  for (const [price, size] of ops) {
    if (size > 0) m.set(price, size);
    else m.delete(price);
  }
  return [...m.entries()].sort((a, b) => (side === 'ask' ? a[0] - b[0] : b[0] - a[0])).map(([price, size]) => ({ price, size }));
}

const op = fc.tuple(
  fc.integer({ min: 1, max: 300 }).map((p) => p / 4),
  fc.oneof(
    fc.constant(0),
    fc.integer({ min: 1, max: 1000 }).map((s) => s / 10),
  ),
);

describe('BookSide', () => {
  it('keeps asks ascending and bids descending, without empty levels', () => {
    const asks = new BookSide('ask');
    const bids = new BookSide('bid');
    for (const [p, s] of [
      [101, 1],
      [100, 2],
      [103, 3],
      [102, 0],
      [100, 0],
      [104, 4],
    ] as const) {
      asks.set(p, s);
      bids.set(p, s);
    }
    expect(asks.levels()).toEqual([
      { price: 101, size: 1 },
      { price: 103, size: 3 },
      { price: 104, size: 4 },
    ]);
    expect(bids.levels().map((l) => l.price)).toEqual([104, 103, 101]);
    expect(asks.bestPrice()).toBe(101);
    expect(bids.bestPrice()).toBe(104);
    expect(asks.sizeAt(103)).toBe(3);
    expect(asks.sizeAt(102)).toBe(0);
  });

  it('keeps the wire strings of each level', () => {
    const side = new BookSide('bid');
    side.set(65000.1, 0.4, ['65000.10', '0.400']);
    side.set(65000.2, 1, ['65000.2', '1.0']);
    side.set(65000.1, 0.5, ['65000.10', '0.500']);
    expect(side.rawLevels()).toEqual([
      ['65000.2', '1.0'],
      ['65000.10', '0.500'],
    ]);
  });

  it('truncates to the best levels and grows past its initial capacity', () => {
    const side = new BookSide('ask', 2);
    for (let i = 10; i > 0; i--) side.set(i, i);
    expect(side.length).toBe(10);
    side.truncate(3);
    expect(side.levels()).toEqual([
      { price: 1, size: 1 },
      { price: 2, size: 2 },
      { price: 3, size: 3 },
    ]);
    expect(side.rawLevels()).toEqual([
      ['1', '1'],
      ['2', '2'],
      ['3', '3'],
    ]);
  });

  it('equals a naive Map-based side after any sequence of changes', () => {
    fc.assert(
      fc.property(fc.constantFrom<'bid' | 'ask'>('bid', 'ask'), fc.array(op, { maxLength: 400 }), (which, ops) => {
        const side = new BookSide(which, 4);
        for (const [p, s] of ops) side.set(p, s, [String(p), String(s)]);
        const expected = naive(which, ops);
        expect(side.levels()).toEqual(expected);
        expect(side.rawLevels()).toEqual(expected.map((l) => [String(l.price), String(l.size)]));
        expect(side.length).toBe(expected.length);
      }),
      { numRuns: 300 },
    );
  });
});
