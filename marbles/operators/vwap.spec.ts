import { groupBy, mergeMap, map } from 'rxjs';
import { uniqueTrades, vwap } from '../../src/operators';
import { strategyTest, trade } from '../../src/testing';

const a = trade({ price: 100, size: 1 });
const b = trade({ price: 110, size: 3 });
const c = trade({ price: 90, size: 1 });

describe('vwap', () => {
  it('averages over the last n trades (count window)', () =>
    strategyTest(({ feed, expectSignals }) => {
      const { trades$ } = feed({ trades: '-a--b--c-|' }, { a, b, c });
      expectSignals(trades$.pipe(vwap({ trades: 2 }))).toBe('-x--y--z-|', { x: 100, y: 107.5, z: 105 });
    }));

  it('averages over the trades of the last t ms on the scheduler clock (time window)', () =>
    strategyTest(({ feed, expectSignals }) => {
      const { trades$ } = feed({ trades: '-a--b------c|' }, { a, b, c });
      // At 11, a (1) and b (4) are older than 11 − 5: the window restarts with c alone.
      expectSignals(trades$.pipe(vwap({ ms: 5 }))).toBe('-x--y------z|', { x: 100, y: 107.5, z: 90 });
    }));

  it('keeps a trade exactly t ms old out of the window', () =>
    strategyTest(({ feed, expectSignals }) => {
      const { trades$ } = feed({ trades: 'a----c|' }, { a, c });
      expectSignals(trades$.pipe(vwap({ ms: 5 }))).toBe('x----z|', { x: 100, z: 90 });
    }));

  it('is cumulative by default (session VWAP)', () =>
    strategyTest(({ feed, expectSignals }) => {
      const { trades$ } = feed({ trades: 'abc|' }, { a, b, c });
      expectSignals(trades$.pipe(vwap())).toBe('xyz|', { x: 100, y: 107.5, z: 104 });
    }));

  it('emits nothing while the window holds no volume (zero-size prints)', () =>
    strategyTest(({ feed, expectSignals }) => {
      const zero = trade({ price: 120, size: 0 });
      const { trades$ } = feed({ trades: '0-a-0|' }, { 0: zero, a });
      expectSignals(trades$.pipe(vwap({ trades: 1 }))).toBe('--x--|', { x: 100 });
    }));

  it('does not drift over a long sliding window of decimal prices (sums are exact)', () =>
    strategyTest(({ feed, expectSignals }) => {
      const p = trade({ price: 0.1, size: 0.3 });
      const q = trade({ price: 0.2, size: 0.7 });
      const r = trade({ price: 0.3, size: 0.1 });
      const marbles = 'pq'.repeat(20) + 'r|';
      const { trades$ } = feed({ trades: marbles }, { p, q, r });
      const out = 'x' + 'y'.repeat(39) + 'z|';
      // (0.1×0.3 + 0.2×0.7) / 1 = 0.17 exactly, every time; float sums would wander off it.
      expectSignals(trades$.pipe(vwap({ trades: 2 }))).toBe(out, { x: 0.1, y: 0.17, z: 0.2125 });
    }));

  it('counts a duplicate twice unless uniqueTrades() removes it', () =>
    strategyTest(({ feed, expectSignals }) => {
      const t1 = trade({ price: 100, size: 1, tradeId: '1' });
      const t2 = trade({ price: 200, size: 1, tradeId: '2' });
      const { trades$ } = feed({ trades: 'abb|' }, { a: t1, b: t2 });
      expectSignals(trades$.pipe(vwap())).toBe('xyz|', { x: 100, y: 150, z: 500 / 3 });
      expectSignals(trades$.pipe(uniqueTrades(), vwap())).toBe('xy-|', { x: 100, y: 150 });
    }));

  it('errors on trades of two symbols, and works per symbol after groupBy', () =>
    strategyTest(({ feed, expectSignals }) => {
      const s = trade({ symbol: '000660', price: 200_000, size: 2 });
      const { trades$ } = feed({ trades: 'as|' }, { a, s });
      expectSignals(trades$.pipe(vwap())).toBe(
        'x#',
        { x: 100 },
        new Error('vwap: trades of TEST and 000660 in one stream; split them with groupBy(t => t.symbol)'),
      );
      const perSymbol = trades$.pipe(
        groupBy((t) => t.symbol),
        mergeMap((g) =>
          g.pipe(
            vwap(),
            map((v) => `${g.key}:${v}`),
          ),
        ),
      );
      expectSignals(perSymbol).toBe('xy|', { x: 'TEST:100', y: '000660:200000' });
    }));

  it('errors on a negative size', () =>
    strategyTest(({ feed, expectSignals }) => {
      const bad = trade({ price: 100, size: -1 });
      const { trades$ } = feed({ trades: 'a-n|' }, { a, n: bad });
      expectSignals(trades$.pipe(vwap())).toBe('x-#', { x: 100 }, new RangeError('vwap: trade TEST has an invalid size (-1)'));
    }));

  it('rejects a window that is not a positive count or duration', () => {
    expect(() => vwap({ trades: 0 })).toThrow('vwap: trades must be a positive integer, got 0');
    expect(() => vwap({ ms: -5 })).toThrow('vwap: ms must be a positive number of milliseconds, got -5');
  });
});
