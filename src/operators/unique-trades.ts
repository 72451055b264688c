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
      // Insertion-ordered: the oldest id is the first to forget.
      const seen = new Set<string>();
      return source.subscribe({
        next: (t) => {
          if (t.tradeId === undefined) return subscriber.next(t);
          const id = `${t.broker}\u0000${t.exchange ?? ''}\u0000${t.symbol}\u0000${t.tradeId}`;
          if (seen.has(id)) return;
          seen.add(id);
          if (seen.size > memory) seen.delete(seen.values().next().value as string);
          subscriber.next(t);
        },
        error: (e) => subscriber.error(e),
        complete: () => subscriber.complete(),
      });
    });
}
