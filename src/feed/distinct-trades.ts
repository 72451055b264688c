/**
 * Trades without repeats across reconnects: a print whose identity was seen among the last
 * `memory` prints of the stream is dropped. Each broker says what identifies a print (WEEX: the
 * trade id; Kiwoom and KIS: time + price + size + the day's cumulative volume, which grows with
 * every print, so two real prints never share it). Prints without an identity always pass.
 *
 * ```
 * distinctTrades(id)        a, b: prints; a' = a sent again after a reconnect
 * in:  -a-b-|-a'-c-|
 * out: -a-b---c-|
 * ```
 */
import { MonoTypeOperatorFunction, Observable } from 'rxjs';
import { Trade } from '../model/market';

export function distinctTrades<T extends Trade>(identity: (t: T) => string | undefined, memory = 10_000): MonoTypeOperatorFunction<T> {
  return (source) =>
    new Observable<T>((subscriber) => {
      // Insertion-ordered: the oldest identity is the first to forget.
      const seen = new Set<string>();
      return source.subscribe({
        next: (t) => {
          const id = identity(t);
          if (id !== undefined) {
            const key = `${t.symbol}\u0000${t.exchange ?? ''}\u0000${id}`;
            if (seen.has(key)) return;
            seen.add(key);
            if (seen.size > memory) seen.delete(seen.values().next().value as string);
          }
          subscriber.next(t);
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => subscriber.complete(),
      });
    });
}
