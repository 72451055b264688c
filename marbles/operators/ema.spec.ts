import { ema } from '../../src/operators';
import { strategyTest } from '../../src/testing';

describe('ema', () => {
  it('seeds with the first value and smooths with α = 2 / (n + 1)', () =>
    strategyTest(({ cold, expectSignals }) => {
      const values$ = cold('-a-b-c-|', { a: 10, b: 20, c: 20 });
      expectSignals(values$.pipe(ema(3))).toBe('-x-y-z-|', { x: 10, y: 15, z: 17.5 });
    }));

  it('with { seed: "sma" } waits for n values and starts from their mean', () =>
    strategyTest(({ cold, expectSignals }) => {
      const values$ = cold('-a-b-c-d-|', { a: 10, b: 20, c: 30, d: 40 });
      expectSignals(values$.pipe(ema(3, { seed: 'sma' }))).toBe('-----x-y-|', { x: 20, y: 30 });
    }));

  it('emits nothing if the source ends before the SMA seed is complete', () =>
    strategyTest(({ cold, expectSignals }) => {
      expectSignals(cold('ab|', { a: 1, b: 2 }).pipe(ema(3, { seed: 'sma' }))).toBe('--|');
    }));

  it('is the identity for n = 1', () =>
    strategyTest(({ cold, expectSignals }) => {
      expectSignals(cold('abc|', { a: 3, b: 7, c: -2 }).pipe(ema(1))).toBe('abc|', { a: 3, b: 7, c: -2 });
    }));

  it('repeats a constant input exactly (no drift)', () =>
    strategyTest(({ cold, expectSignals }) => {
      const marbles = 'a'.repeat(50) + '|';
      expectSignals(cold(marbles, { a: 70_100 }).pipe(ema(20))).toBe(marbles, { a: 70_100 });
    }));

  it('errors on NaN instead of poisoning every later average', () =>
    strategyTest(({ cold, expectSignals }) => {
      expectSignals(cold('an|', { a: 1, n: NaN }).pipe(ema(2))).toBe(
        'a#',
        { a: 1 },
        new RangeError('ema: value is not a finite number (NaN)'),
      );
    }));

  it('rejects a period that is not a positive integer', () => {
    expect(() => ema(0)).toThrow('ema: n must be a positive integer, got 0');
    expect(() => ema(2.5)).toThrow('ema: n must be a positive integer, got 2.5');
  });
});
