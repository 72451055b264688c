import { Observable, OperatorFunction } from 'rxjs';
import { Trade } from '../model';
import { positiveInteger } from './check';

/**
 * Drops a trade whose exchange trade id was already seen among the last `memory` ids of the
 * same broker, exchange and symbol, e.g. the last prints a venue sends again after a reconnect.
 * Trades without a `tradeId` always pass: without an id, two identical prints may be real.
 *
 * ```
 * uniqueTrades()               a = id 1, b = id 2, a' = id 1 again, n = no id (twice)
 * trades: -a-b-a'-n-n-|
 * result: -a-b----n-n-|
 * ```
 * Numerics: none; trades pass through untouched.
 */
export function uniqueTrades(memory = 10_000): OperatorFunction<Trade, Trade> {
  positiveInteger('uniqueTrades', 'memory', memory);
  return (source) =>
    new Observable<Trade>((subscriber) => {
      // The last `memory` ids, oldest first to forget: a ring beside the Set (evicting through
      // `seen.values().next()` walks the Set's deleted slots, ~16 µs per trade on a busy stream).
      const seen = new Set<string>();
      const ring: string[] = [];
      let oldest = 0;
      return source.subscribe({
        next: (t) => {
          if (t.tradeId === undefined) return subscriber.next(t);
          const id = `${t.broker}\u0000${t.exchange ?? ''}\u0000${t.symbol}\u0000${t.tradeId}`;
          if (seen.has(id)) return;
          seen.add(id);
          if (ring.length < memory) ring.push(id);
          else {
            seen.delete(ring[oldest]);
            ring[oldest] = id;
            oldest = (oldest + 1) % memory;
          }
          subscriber.next(t);
        },
        error: (e) => subscriber.error(e),
        complete: () => subscriber.complete(),
      });
    });
}
