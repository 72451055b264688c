import { Bar, bars, uniqueTrades } from '../../src/operators';
import { strategyTest, trade } from '../../src/testing';

type BarInit = Partial<Bar> & Pick<Bar, 'start' | 'open' | 'high' | 'low' | 'close' | 'volume' | 'trades'>;

const bar = (interval: number, b: BarInit): Bar => ({
  kind: 'bar',
  broker: 'test',
  symbol: 'TEST',
  end: b.start + interval,
  ...b,
});

const a = trade({ price: 100, size: 1 });
const b = trade({ price: 102, size: 2 });
const c = trade({ price: 99, size: 1 });
const d = trade({ price: 101, size: 3 });

describe('bars', () => {
  it('closes each interval on the scheduler clock and emits the open one on completion', () =>
    strategyTest(({ feed, expectSignals }) => {
      const { trades$ } = feed({ trades: '-a-b-----c-d-|' }, { a, b, c, d });
      expectSignals(trades$.pipe(bars(5))).toBe('-----x----y--(z|)', {
        x: bar(5, { start: 0, open: 100, high: 102, low: 100, close: 102, volume: 3, trades: 2 }),
        y: bar(5, { start: 5, open: 99, high: 99, low: 99, close: 99, volume: 1, trades: 1 }),
        z: bar(5, { start: 10, open: 101, high: 101, low: 101, close: 101, volume: 3, trades: 1 }),
      });
    }));

  it('tracks high and low inside a bar, whatever the order of the prints', () =>
    strategyTest(({ feed, expectSignals }) => {
      const { trades$ } = feed({ trades: 'bcad|' }, { a, b, c, d });
      expectSignals(trades$.pipe(bars(10))).toBe('----(x|)', {
        x: bar(10, { start: 0, open: 102, high: 102, low: 99, close: 101, volume: 7, trades: 4 }),
      });
    }));

  it('skips empty intervals by default (a quiet market or a reconnect gap emits nothing)', () =>
    strategyTest(({ feed, expectSignals }) => {
      const { trades$ } = feed({ trades: '-a-----------------c--|' }, { a, c });
      expectSignals(trades$.pipe(bars(5))).toBe('-----x--------------y-|', {
        x: bar(5, { start: 0, open: 100, high: 100, low: 100, close: 100, volume: 1, trades: 1 }),
        y: bar(5, { start: 15, open: 99, high: 99, low: 99, close: 99, volume: 1, trades: 1 }),
      });
    }));

  it("fills empty intervals with flat bars at the previous close with { empty: 'flat' }", () =>
    strategyTest(({ feed, expectSignals }) => {
      // Nothing before the first trade: there is no previous close to repeat.
      const { trades$ } = feed({ trades: '------b---------c-|' }, { b, c });
      const flat = (start: number) => bar(5, { start, open: 102, high: 102, low: 102, close: 102, volume: 0, trades: 0 });
      expectSignals(trades$.pipe(bars(5, { empty: 'flat' }))).toBe('----------x----f--(y|)', {
        x: bar(5, { start: 5, open: 102, high: 102, low: 102, close: 102, volume: 2, trades: 1 }),
        f: flat(10),
        y: bar(5, { start: 15, open: 99, high: 99, low: 99, close: 99, volume: 1, trades: 1 }),
      });
    }));

  it('puts a trade that arrives exactly on a boundary into the next bar, after closing the previous one', () =>
    strategyTest(({ feed, expectSignals }) => {
      const { trades$ } = feed({ trades: 'a----b|' }, { a, b });
      expectSignals(trades$.pipe(bars(5))).toBe('-----x(y|)', {
        x: bar(5, { start: 0, open: 100, high: 100, low: 100, close: 100, volume: 1, trades: 1 }),
        y: bar(5, { start: 5, open: 102, high: 102, low: 102, close: 102, volume: 2, trades: 1 }),
      });
    }));

  it('keeps one bar per symbol, emitted together in first-trade order, flat for a quiet symbol', () =>
    strategyTest(({ feed, expectSignals }) => {
      const s1 = trade({ symbol: 'S1', price: 10, size: 1 });
      const s2 = trade({ symbol: 'S2', price: 20, size: 5 });
      const s1b = trade({ symbol: 'S1', price: 11, size: 1 });
      const { trades$ } = feed({ trades: '-pq--r---|' }, { p: s2, q: s1, r: s1b });
      expectSignals(trades$.pipe(bars(5, { empty: 'flat' }))).toBe('-----(xy)(w|)', {
        x: bar(5, { symbol: 'S2', start: 0, open: 20, high: 20, low: 20, close: 20, volume: 5, trades: 1 }),
        y: bar(5, { symbol: 'S1', start: 0, open: 10, high: 10, low: 10, close: 10, volume: 1, trades: 1 }),
        // At completion only the open interval's real bar is emitted (no flat bar for S2).
        w: bar(5, { symbol: 'S1', start: 5, open: 11, high: 11, low: 11, close: 11, volume: 1, trades: 1 }),
      });
    }));

  it('buckets by arrival: a late trade with an old timestamp lands in the bar open when it arrives', () =>
    strategyTest(({ feed, expectSignals }) => {
      const early = trade({ price: 100, timestamp: 1_000 });
      const late = trade({ price: 90, timestamp: 500 });
      const { trades$ } = feed({ trades: '-a-----l-|' }, { a: early, l: late });
      expectSignals(trades$.pipe(bars(5))).toBe('-----x---(y|)', {
        x: bar(5, { start: 0, open: 100, high: 100, low: 100, close: 100, volume: 1, trades: 1 }),
        y: bar(5, { start: 5, open: 90, high: 90, low: 90, close: 90, volume: 1, trades: 1 }),
      });
    }));

  it('counts a repeated print twice, unless uniqueTrades() drops the repeated trade id', () =>
    strategyTest(({ feed, expectSignals }) => {
      const t1 = trade({ price: 100, size: 2, tradeId: '7' });
      const { trades$ } = feed({ trades: '-aa|' }, { a: t1 });
      expectSignals(trades$.pipe(bars(10))).toBe('---(x|)', {
        x: bar(10, { start: 0, open: 100, high: 100, low: 100, close: 100, volume: 4, trades: 2 }),
      });
      expectSignals(trades$.pipe(uniqueTrades(), bars(10))).toBe('---(x|)', {
        x: bar(10, { start: 0, open: 100, high: 100, low: 100, close: 100, volume: 2, trades: 1 }),
      });
    }));

  it('sums decimal sizes exactly (0.1 + 0.2 BTC is 0.3)', () =>
    strategyTest(({ feed, expectSignals }) => {
      const p = trade({ symbol: 'BTCUSDT', price: 64_000.1, size: 0.1 });
      const q = trade({ symbol: 'BTCUSDT', price: 64_000.2, size: 0.2 });
      const { trades$ } = feed({ trades: 'pq|' }, { p, q });
      expectSignals(trades$.pipe(bars(10))).toBe('--(x|)', {
        x: bar(10, { symbol: 'BTCUSDT', start: 0, open: 64_000.1, high: 64_000.2, low: 64_000.1, close: 64_000.2, volume: 0.3, trades: 2 }),
      });
    }));

  it('aligns intervals to origin', () =>
    strategyTest(({ feed, expectSignals }) => {
      const { trades$ } = feed({ trades: '-a-b----|' }, { a, b });
      expectSignals(trades$.pipe(bars(5, { origin: 2 }))).toBe('--x----y|', {
        x: bar(5, { start: -3, open: 100, high: 100, low: 100, close: 100, volume: 1, trades: 1 }),
        y: bar(5, { start: 2, open: 102, high: 102, low: 102, close: 102, volume: 2, trades: 1 }),
      });
    }));

  it('drops the open bar and passes an error through', () =>
    strategyTest(({ feed, expectSignals }) => {
      const { trades$ } = feed({ trades: '-a-----b-#' }, { a, b });
      expectSignals(trades$.pipe(bars(5))).toBe('-----x---#', {
        x: bar(5, { start: 0, open: 100, high: 100, low: 100, close: 100, volume: 1, trades: 1 }),
      });
    }));

  it('errors on a trade with a broken price', () =>
    strategyTest(({ feed, expectSignals }) => {
      const bad = trade({ symbol: '005930', price: NaN });
      const { trades$ } = feed({ trades: '-a-n-|' }, { a, n: bad });
      expectSignals(trades$.pipe(bars(5))).toBe('---#', {}, new RangeError('bars: trade 005930 has an invalid price (NaN)'));
    }));

  it('stops its timer when unsubscribed', () =>
    strategyTest(({ feed, expectSignals, scheduler }) => {
      const { trades$ } = feed({ trades: '-a----' }, { a });
      expectSignals(trades$.pipe(bars(5, { empty: 'flat' })), '^---!').toBe('');
      scheduler.schedule(() => expect(scheduler.actions.length).toBe(0), 20);
    }));

  it('rejects a non-positive interval', () => {
    expect(() => bars(0)).toThrow('bars: intervalMs must be a positive number of milliseconds, got 0');
  });
});
