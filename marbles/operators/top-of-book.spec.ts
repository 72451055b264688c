import { bookImbalance, microPrice, midPrice, spread } from '../../src/operators';
import { book, quote, strategyTest } from '../../src/testing';

const normal = book({
  bids: [
    [100, 3],
    [99, 1],
    [98, 5],
  ],
  asks: [
    [101, 1],
    [102, 1],
  ],
});
const bidsOnly = book({ bids: [[100, 2]] });
const asksOnly = book({ asks: [[101, 2]] });
const empty = book({});
const crossed = book({ bids: [[102, 1]], asks: [[101, 1]] });
const locked = book({ bids: [[101, 1]], asks: [[101, 4]] });
const values = { n: normal, b: bidsOnly, a: asksOnly, e: empty, c: crossed, l: locked };

describe('spread', () => {
  it('is ask − bid, nothing for one-sided or empty books, negative for a crossed book', () =>
    strategyTest(({ feed, expectSignals }) => {
      const { books$ } = feed({ books: '-n-b-a-e-c-l-|' }, values);
      expectSignals(books$.pipe(spread())).toBe('-x-------y-z-|', { x: 1, y: -1, z: 0 });
    }));

  it("drops crossed and locked books with { crossed: 'skip' }", () =>
    strategyTest(({ feed, expectSignals }) => {
      const { books$ } = feed({ books: '-n-c-l-|' }, values);
      expectSignals(books$.pipe(spread({ crossed: 'skip' }))).toBe('-x-----|', { x: 1 });
    }));

  it('is exact on decimal prices (0.3 − 0.1 is 0.2)', () =>
    strategyTest(({ feed, expectSignals }) => {
      const d = book({ bids: [[0.1, 1]], asks: [[0.3, 1]] });
      expectSignals(feed({ books: 'd|' }, { d }).books$.pipe(spread())).toBe('x|', { x: 0.2 });
    }));

  it('reads quotes too, skipping a quote without an ask', () =>
    strategyTest(({ feed, expectSignals }) => {
      const q = quote({ bid: 70_000, ask: 70_100 });
      const h = quote({ bid: 70_000 });
      expectSignals(feed({ quotes: 'qh|' }, { q, h }).quotes$.pipe(spread())).toBe('x-|', { x: 100 });
    }));
});

describe('midPrice', () => {
  it('is (bid + ask) / 2, nothing for one-sided books, averaged as is for crossed ones', () =>
    strategyTest(({ feed, expectSignals }) => {
      const { books$ } = feed({ books: '-n-b-a-e-c-|' }, values);
      expectSignals(books$.pipe(midPrice())).toBe('-x-------y-|', { x: 100.5, y: 101.5 });
    }));

  it('is exact on decimals ((0.1 + 0.2) / 2 is 0.15)', () =>
    strategyTest(({ feed, expectSignals }) => {
      const d = book({ bids: [[0.1, 1]], asks: [[0.2, 1]] });
      expectSignals(feed({ books: 'd|' }, { d }).books$.pipe(midPrice())).toBe('x|', { x: 0.15 });
    }));

  it("skips crossed books with { crossed: 'skip' }", () =>
    strategyTest(({ feed, expectSignals }) => {
      expectSignals(feed({ books: 'cn|' }, values).books$.pipe(midPrice({ crossed: 'skip' }))).toBe('-x|', { x: 100.5 });
    }));
});

describe('microPrice', () => {
  it('leans toward the thinner side', () =>
    strategyTest(({ feed, expectSignals }) => {
      const even = book({ bids: [[100, 1]], asks: [[101, 1]] });
      const { books$ } = feed({ books: '-n-v-b-|' }, { ...values, v: even });
      // n: 100 × 1 (ask size) + 101 × 3 (bid size) over 4 = 100.75: more bids, price leans up.
      expectSignals(books$.pipe(microPrice())).toBe('-x-y---|', { x: 100.75, y: 100.5 });
    }));

  it('skips quotes without sizes', () =>
    strategyTest(({ feed, expectSignals }) => {
      const bare = quote({ bid: 100, ask: 102 });
      const sized = quote({ bid: 100, ask: 102, bidSize: 1, askSize: 3 });
      expectSignals(feed({ quotes: 'bs|' }, { b: bare, s: sized }).quotes$.pipe(microPrice())).toBe('-x|', { x: 100.5 });
    }));

  it('is exact on decimal prices and sizes', () =>
    strategyTest(({ feed, expectSignals }) => {
      const d = book({ bids: [[0.1, 0.2]], asks: [[0.2, 0.1]] });
      // (0.1 × 0.1 + 0.2 × 0.2) / 0.3 = 0.05 / 0.3 = 1/6
      expectSignals(feed({ books: 'd|' }, { d }).books$.pipe(microPrice())).toBe('x|', { x: 1 / 6 });
    }));
});

describe('bookImbalance', () => {
  it('compares the best n levels of each side, ±1 for one-sided books, nothing for an empty one', () =>
    strategyTest(({ feed, expectSignals }) => {
      const { books$ } = feed({ books: '-n-b-a-e-|' }, values);
      expectSignals(books$.pipe(bookImbalance(2))).toBe('-x-y-z---|', { x: 2 / 6, y: 1, z: -1 });
    }));

  it('uses only the best level by default, and as many levels as there are when fewer', () =>
    strategyTest(({ feed, expectSignals }) => {
      const { books$ } = feed({ books: 'n|' }, values);
      expectSignals(books$.pipe(bookImbalance())).toBe('x|', { x: 0.5 });
      expectSignals(books$.pipe(bookImbalance(10))).toBe('y|', { y: 7 / 11 });
    }));

  it('measures crossed books as is', () =>
    strategyTest(({ feed, expectSignals }) => {
      expectSignals(feed({ books: 'l|' }, values).books$.pipe(bookImbalance())).toBe('x|', { x: -0.6 });
    }));

  it('reads a quote as a one-level book', () =>
    strategyTest(({ feed, expectSignals }) => {
      const q = quote({ bid: 100, ask: 101, bidSize: 0.3, askSize: 0.1 });
      expectSignals(feed({ quotes: 'q|' }, { q }).quotes$.pipe(bookImbalance(5))).toBe('x|', { x: 0.5 });
    }));

  it('rejects a level count that is not a positive integer', () => {
    expect(() => bookImbalance(0)).toThrow('bookImbalance: levels must be a positive integer, got 0');
  });
});
