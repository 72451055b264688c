/**
 * The weex_client guide's real-time analysis: a simple moving average of the last `period`
 * prices, and a signal when the price leaves a band around it (2 % by default), on any broker.
 *
 * ```
 * trades$ (period 3, band 2 %): -a-b-c-d-|   prices 100, 100, 100, 106
 * movingAverageSignal:          -----x-y-|   x: hold (MA 100), y: buy (106 > 102 × 1.02)
 * ```
 * Averages are plain floating point.
 */
import { Observable, bufferCount, filter, map } from 'rxjs';
import { MarketFeed, Symbols } from '../../src';

export interface MovingAverageOptions {
  /** Prices in the average. Default 20. */
  readonly period?: number;
  /** Band around the average, as a fraction: 0.02 = 2 %. Default 0.02. */
  readonly band?: number;
}

export interface MaSignal {
  readonly symbol: string;
  readonly action: 'buy' | 'sell' | 'hold';
  readonly price: number;
  readonly average: number;
  readonly time: string;
}

/** One symbol's signals (a moving average mixes no symbols: call it per symbol). */
export function movingAverageSignal(
  feed: Pick<MarketFeed, 'trades$'>,
  symbol: string,
  options: MovingAverageOptions = {},
): Observable<MaSignal> {
  const period = options.period ?? 20;
  const band = options.band ?? 0.02;
  if (!Number.isInteger(period) || period < 1)
    throw new RangeError(`movingAverageSignal: period must be a positive integer, got ${period}`);
  return feed.trades$(symbol satisfies Symbols).pipe(
    bufferCount(period, 1),
    filter((window) => window.length === period),
    map((window) => {
      const last = window[window.length - 1];
      const average = window.reduce((sum, t) => sum + t.price, 0) / period;
      const action = last.price > average * (1 + band) ? 'buy' : last.price < average * (1 - band) ? 'sell' : 'hold';
      return { symbol: last.symbol, action, price: last.price, average, time: last.time };
    }),
  );
}
