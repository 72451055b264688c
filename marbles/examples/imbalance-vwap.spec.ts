import { book, marketFeedOf, strategyTest, trade } from '../../src/testing';
import { imbalanceVwapOn } from '../../examples/imbalance-vwap/on-feed';
import { imbalanceVwap, Signal } from '../../examples/imbalance-vwap/strategy';

const px = (price: number) => trade({ symbol: '005930', price, size: 1 });
// Imbalances over 5 levels: bids-heavy (8 − 2) / 10 = 0.6; asks-heavy −0.6; balanced 0;
// exactly at the threshold (6 − 4) / 10 = 0.2; one-sided (bids only) 1.
const bidsHeavy = book({
  symbol: '005930',
  bids: [
    [99, 5],
    [98, 3],
  ],
  asks: [
    [101, 1],
    [102, 1],
  ],
});
const asksHeavy = book({
  symbol: '005930',
  bids: [
    [99, 1],
    [98, 1],
  ],
  asks: [
    [101, 5],
    [102, 3],
  ],
});
const balanced = book({ symbol: '005930', bids: [[99, 2]], asks: [[101, 2]] });
const atThreshold = book({ symbol: '005930', bids: [[99, 6]], asks: [[101, 4]] });
const justUnder = book({ symbol: '005930', bids: [[99, 59]], asks: [[101, 41]] }); // (59 − 41) / 100 = 0.18
const bidsOnly = book({ symbol: '005930', bids: [[99, 2]] });
const deepAsks = book({
  symbol: '005930',
  bids: [
    [99, 3],
    [98, 1],
  ],
  asks: [
    [101, 1],
    [102, 1],
    [103, 1],
    [104, 1],
    [105, 1],
    [106, 9],
  ],
});

const signal = (side: Signal['side'], price: number, vwap: number, imbalance: number): Signal => ({
  side,
  symbol: '005930',
  price,
  vwap,
  imbalance,
});

// Prices 100, 100, 98, 104: equal, equal, below VWAP (99.33…), above VWAP (100.5): one 'up'.
const up = { a: px(100), b: px(100), c: px(98), d: px(104) };
// Prices 100, 102, 96: above VWAP (101), then below (99.33…): one 'down'.
const down = { a: px(100), b: px(102), c: px(96) };

describe('example: imbalance + VWAP crossover', () => {
  it('runs as it is on a MarketFeed (the form that runs on every broker), only its symbol', () =>
    strategyTest(({ feed, expectSignals }) => {
      const other = trade({ symbol: '000660', price: 50, size: 1000 }); // would drag the VWAP down if it were read
      const f = marketFeedOf(feed({ trades: '-a-b-o-c-d-|', books: 'p----------|' }, { ...up, o: other, p: bidsHeavy }));
      expectSignals(imbalanceVwapOn(f, '005930')).toBe('---------x-|', { x: signal('buy', 104, 100.5, 0.6) });
    }));

  it('a MarketFeed closed mid-run completes the strategy', () =>
    strategyTest(({ feed, expectSignals, cold }) => {
      const f = marketFeedOf(feed({ trades: '-a-b-c-d-', books: 'p--------' }, { ...up, p: bidsHeavy }));
      cold('-----x').subscribe(() => f.close());
      expectSignals(imbalanceVwapOn(f, '005930')).toBe('-----|');
    }));

  it('buys when the price crosses above VWAP on a bid-heavy book', () =>
    strategyTest(({ feed, expectSignals }) => {
      const f = feed({ trades: '-a-b-c-d-|', books: 'p--------|' }, { ...up, p: bidsHeavy });
      expectSignals(imbalanceVwap(f)).toBe('-------x-|', { x: signal('buy', 104, 100.5, 0.6) });
    }));

  it('does not buy on the same cross when the book is balanced or leans to the asks', () =>
    strategyTest(({ feed, expectSignals }) => {
      const f1 = feed({ trades: '-a-b-c-d-|', books: 'p--------|' }, { ...up, p: balanced });
      expectSignals(imbalanceVwap(f1)).toBe('---------|');
      const f2 = feed({ trades: '-a-b-c-d-|', books: 'q--------|' }, { ...up, q: asksHeavy });
      expectSignals(imbalanceVwap(f2)).toBe('---------|');
    }));

  it('sells when the price crosses below VWAP on an ask-heavy book, not on a bid-heavy one', () =>
    strategyTest(({ feed, expectSignals }) => {
      const f1 = feed({ trades: '-a-b-c-|', books: 'q------|' }, { ...down, q: asksHeavy });
      expectSignals(imbalanceVwap(f1)).toBe('-----x-|', { x: signal('sell', 96, 298 / 3, -0.6) });
      const f2 = feed({ trades: '-a-b-c-|', books: 'p------|' }, { ...down, p: bidsHeavy });
      expectSignals(imbalanceVwap(f2)).toBe('-------|');
    }));

  it('uses the book as it is at the cross (the latest one)', () =>
    strategyTest(({ feed, expectSignals }) => {
      const f = feed({ trades: '-a-b-c-d-|', books: 'p----q---|' }, { ...up, p: bidsHeavy, q: asksHeavy });
      expectSignals(imbalanceVwap(f)).toBe('---------|');
    }));

  it('says nothing before the first book', () =>
    strategyTest(({ feed, expectSignals }) => {
      const f = feed({ trades: '-a-b-c-d-|', books: '--------p|' }, { ...up, p: bidsHeavy });
      expectSignals(imbalanceVwap(f)).toBe('---------|');
    }));

  it('does not buy just under the default threshold of 0.2', () =>
    strategyTest(({ feed, expectSignals }) => {
      const f = feed({ trades: '-a-b-c-d-|', books: 'p--------|' }, { ...up, p: justUnder });
      expectSignals(imbalanceVwap(f)).toBe('---------|');
      expectSignals(imbalanceVwap(f, { threshold: 0.18 })).toBe('-------x-|', { x: signal('buy', 104, 100.5, 0.18) });
    }));

  it('buys at exactly the threshold, and on a one-sided bid book', () =>
    strategyTest(({ feed, expectSignals }) => {
      const f1 = feed({ trades: '-a-b-c-d-|', books: 'p--------|' }, { ...up, p: atThreshold });
      expectSignals(imbalanceVwap(f1)).toBe('-------x-|', { x: signal('buy', 104, 100.5, 0.2) });
      const f2 = feed({ trades: '-a-b-c-d-|', books: 'p--------|' }, { ...up, p: bidsOnly });
      expectSignals(imbalanceVwap(f2)).toBe('-------x-|', { x: signal('buy', 104, 100.5, 1) });
    }));

  it('weighs the number of levels it is given: 5 by default, fewer on request', () =>
    strategyTest(({ feed, expectSignals }) => {
      const f = feed({ trades: '-a-b-c-d-|', books: 'p--------|' }, { ...up, p: deepAsks });
      // 5 levels: (4 − 5) / 9 < 0.2, no buy; 2 levels: (4 − 2) / 6 = 1/3, buy. The 6th level never counts.
      expectSignals(imbalanceVwap(f)).toBe('---------|');
      expectSignals(imbalanceVwap(f, { levels: 2 })).toBe('-------x-|', { x: signal('buy', 104, 100.5, 1 / 3) });
    }));

  it('does not signal when the price only touches VWAP', () =>
    strategyTest(({ feed, expectSignals }) => {
      // 100, 98 (below), 99 (= VWAP 99), 98 (below again): no cross.
      const touch = { a: px(100), b: px(98), c: px(99), d: px(98) };
      const f = feed({ trades: '-a-b-c-d-|', books: 'p--------|' }, { ...touch, p: bidsHeavy });
      expectSignals(imbalanceVwap(f, { vwapTrades: 3 })).toBe('---------|');
    }));

  it('follows its VWAP window: with 2 trades the same prices cross earlier', () =>
    strategyTest(({ feed, expectSignals }) => {
      // Window 2: 100 (=), 102 (above 101), 96 (below 99) → sell only; 104 → above 100 → buy.
      const f = feed(
        { trades: '-a-b-c-d-|', books: 'p-----q--|' },
        { a: px(100), b: px(102), c: px(96), d: px(104), p: asksHeavy, q: bidsHeavy },
      );
      expectSignals(imbalanceVwap(f, { vwapTrades: 2 })).toBe('-----x-y-|', {
        x: signal('sell', 96, 99, -0.6),
        y: signal('buy', 104, 100, 0.6),
      });
    }));

  it('rejects a threshold outside [0, 1]', () => {
    expect(() => imbalanceVwap({ trades$: undefined!, books$: undefined! }, { threshold: 1.5 })).toThrow(
      'imbalanceVwap: threshold must be in [0, 1], got 1.5',
    );
  });
});
