import { Observable, OperatorFunction } from 'rxjs';
import { positiveInteger } from './check';

export interface EmaOptions {
  /**
   * How the average starts:
   * - 'first' (default): the first value is the first average, emitted at once;
   * - 'sma': nothing until n values have arrived, then their simple mean, then the EMA.
   */
  readonly seed?: 'first' | 'sma';
}

/**
 * Exponential moving average with smoothing α = 2 / (n + 1):
 * emaₜ = emaₜ₋₁ + α × (xₜ − emaₜ₋₁).
 *
 * ```
 * ema(3)                       (α = 0.5)
 * values: -a-b-c-|             a = 10, b = 20, c = 20
 * result: -x-y-z-|             x = 10, y = 15, z = 17.5
 *
 * ema(3, { seed: 'sma' })
 * values: -a-b-c-d-|           a = 10, b = 20, c = 30, d = 40
 * result: -----x-y-|           x = 20 (mean of a, b, c), y = 30
 * ```
 * Apply it to one series: for several symbols, `groupBy` first. A non-finite value errors the
 * stream (a NaN would otherwise poison every later average).
 *
 * Numerics: binary floating point, not exact. An EMA's weights α(1 − α)^k are not decimal
 * fractions, so there is no exact decimal answer to keep; each step rounds once (relative error
 * about 1e-16 per step, not growing, because the recursion contracts by 1 − α).
 */
export function ema(n: number, options: EmaOptions = {}): OperatorFunction<number, number> {
  positiveInteger('ema', 'n', n);
  const alpha = 2 / (n + 1);
  const smaSeed = options.seed === 'sma';
  return (source) =>
    new Observable<number>((subscriber) => {
      let average: number | undefined;
      let seedSum = 0;
      let seedCount = 0;
      return source.subscribe({
        next: (x) => {
          if (!Number.isFinite(x)) return subscriber.error(new RangeError(`ema: value is not a finite number (${x})`));
          if (average === undefined) {
            if (!smaSeed) average = x;
            else {
              seedSum += x;
              if (++seedCount < n) return;
              average = seedSum / n;
            }
          } else {
            average += alpha * (x - average);
          }
          subscriber.next(average);
        },
        error: (e) => subscriber.error(e),
        complete: () => subscriber.complete(),
      });
    });
}
