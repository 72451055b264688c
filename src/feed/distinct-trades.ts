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
      // The last `memory` identities, oldest first to forget: a ring beside the Set. (Evicting
      // through `seen.values().next()` walks the Set's deleted slots: quadratic on a busy stream.)
      const seen = new Set<string>();
      const ring: string[] = [];
      let oldest = 0;
      return source.subscribe({
        next: (t) => {
          const id = identity(t);
          if (id !== undefined) {
            const key = `${t.symbol}\u0000${t.exchange ?? ''}\u0000${id}`;
            if (seen.has(key)) return;
            seen.add(key);
            if (ring.length < memory) ring.push(key);
            else if (memory < 1) seen.delete(key);
            else {
              seen.delete(ring[oldest]);
              ring[oldest] = key;
              oldest = (oldest + 1) % memory;
            }
          }
          subscriber.next(t);
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => subscriber.complete(),
      });
    });
}
