import { map, queueScheduler, share } from 'rxjs';
import { crossover, ema } from '../../src/operators';
import { strategyTest } from '../../src/testing';

const n = { 1: 1, 2: 2, 3: 3, 4: 4, 5: 5 };

describe('crossover', () => {
  it("emits 'up' and 'down' when fast crosses slow", () =>
    strategyTest(({ hot, expectSignals }) => {
      const fast$ = hot('-1---3---3---1---|', n);
      const slow$ = hot('-2-------2-4-----|', n);
      expectSignals(crossover(fast$, slow$)).toBe('-----u-----d-----|', { u: 'up', d: 'down' });
    }));

  it('does not count a touch, and counts a cross through equality once', () =>
    strategyTest(({ hot, expectSignals }) => {
      const slow$ = hot('2-------------|', n);
      const fast$ = hot('1-2-1-2-3-2-3-|', n);
      // 1 → 2 → 1: touch and back. 2 → 3: up (from below). 3 → 2 → 3: touch and back.
      expectSignals(crossover(fast$, slow$)).toBe('--------u-----|', { u: 'up' });
    }));

  it('signals nothing for the first comparison: a side is not a crossing', () =>
    strategyTest(({ hot, expectSignals }) => {
      expectSignals(crossover(hot('5-5|', n), hot('-1-|', n))).toBe('---|');
    }));

  it('is glitch-free when fast and slow derive from one source', () =>
    strategyTest(({ hot, expectSignals }) => {
      // fast is always above slow; updating them one after the other would show a false pair.
      const price$ = hot('-a-b-c-|', { a: 10, b: 5, c: 12 }).pipe(share());
      const fast$ = price$.pipe(map((p) => p));
      const slow$ = price$.pipe(map((p) => p - 1));
      expectSignals(crossover(fast$, slow$)).toBe('-------|');
      // The same comparison made synchronously on every update sees (new fast, stale slow).
      expectSignals(crossover(fast$, slow$, { scheduler: queueScheduler })).toBe('---(du)|', { u: 'up', d: 'down' });
    }));

  it('compares a burst of updates in one instant (one decoded frame) update by update', () =>
    strategyTest(({ hot, expectSignals }) => {
      // price vs its EMA(3): 100 = 100, 100 = 100, 98 < 99, 104 > 101.5: an 'up' inside the burst.
      const price$ = hot('-(abcd)-|', { a: 100, b: 100, c: 98, d: 104 }).pipe(share());
      expectSignals(crossover(price$, price$.pipe(ema(3)))).toBe('-u------|', { u: 'up' });
    }));

  it('counts a there-and-back move of one input within an instant while the other stands still', () =>
    strategyTest(({ hot, expectSignals }) => {
      const fast$ = hot('1-(31)-|', n);
      const slow$ = hot('2------|', n);
      expectSignals(crossover(fast$, slow$)).toBe('--(ud)-|', { u: 'up', d: 'down' });
    }));

  it('works on two EMAs of one price series', () =>
    strategyTest(({ hot, expectSignals }) => {
      // fast (α = 2/3) vs slow (α = 1/3): equal, below, above (u), above, above, below (d), ...
      const price$ = hot('-a-b-c-c-c-a-a-a-|', { a: 100, b: 95, c: 110 }).pipe(share());
      const signals$ = crossover(price$.pipe(ema(2)), price$.pipe(ema(5)));
      expectSignals(signals$).toBe('-----u-----d-----|', { u: 'up', d: 'down' });
    }));

  it('compares an update landing with completion before completing', () =>
    strategyTest(({ hot, expectSignals }) => {
      expectSignals(crossover(hot('1-(3|)', n), hot('2-|', n))).toBe('--(u|)', { u: 'up' });
    }));

  it('completes when both inputs complete, or when one completes without a value', () =>
    strategyTest(({ hot, expectSignals }) => {
      expectSignals(crossover(hot('1--|', n), hot('2-----|', n))).toBe('------|');
      expectSignals(crossover(hot('--|', n), hot('2-----', n))).toBe('--|');
    }));

  it('passes an error from either input, and errors on NaN', () =>
    strategyTest(({ hot, expectSignals }) => {
      expectSignals(crossover(hot('1-#', n), hot('2---', n))).toBe('--#');
      expectSignals(crossover(hot('1--', n), hot('2-x', { ...n, x: NaN }))).toBe('--#', {}, new RangeError('crossover: slow$ emitted NaN'));
    }));
});
