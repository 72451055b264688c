/**
 * Trades without repeats across reconnects: a print whose identity was seen among the last
 * `memory` prints of the stream is dropped. Each broker says what identifies a print within its
 * symbol and venue (WEEX: the trade id; Kiwoom and KIS: the day's cumulative volume on the
 * trade's date, which grows with every print, so two real prints never share it). Prints
 * without an identity always pass.
 *
 * ```
 * distinctTrades(id)        a, b: prints; a' = a sent again after a reconnect
 * in:  -a-b-|-a'-c-|
 * out: -a-b---c-|
 * ```
 */
import { MonoTypeOperatorFunction, Observable } from 'rxjs';
import { Trade } from '../model/market';

/** What identifies a print within its symbol and venue; numbers are the cheapest to remember. */
export type TradeIdentity<T> = (t: T) => string | number | undefined;

export function distinctTrades<T extends Trade>(identity: TradeIdentity<T>, memory = 10_000): MonoTypeOperatorFunction<T> {
  return (source) =>
    new Observable<T>((subscriber) => {
      // Identities per symbol, then per venue: a composite string key would be built and hashed
      // anew for every print (about 1 µs in V8); these lookups hash short strings or numbers.
      const bySymbol = new Map<string, Map<string, Set<string | number>>>();
      // The last `memory` identities and their sets, oldest first to forget. (Evicting through
      // `set.values().next()` walks a Set's deleted slots: quadratic on a busy stream.)
      const ringSets: Set<string | number>[] = [];
      const ringIds: (string | number)[] = [];
      let oldest = 0;

      const setOf = (t: T): Set<string | number> => {
        let venues = bySymbol.get(t.symbol);
        if (venues === undefined) bySymbol.set(t.symbol, (venues = new Map()));
        const venue = t.exchange ?? '';
        let ids = venues.get(venue);
        if (ids === undefined) venues.set(venue, (ids = new Set()));
        return ids;
      };

      return source.subscribe({
        next: (t) => {
          const id = identity(t);
          if (id !== undefined) {
            const ids = setOf(t);
            if (ids.has(id)) return;
            if (memory >= 1) {
              ids.add(id);
              if (ringIds.length < memory) {
                ringSets.push(ids);
                ringIds.push(id);
              } else {
                ringSets[oldest].delete(ringIds[oldest]);
                ringSets[oldest] = ids;
                ringIds[oldest] = id;
                oldest = (oldest + 1) % memory;
              }
            }
          }
          subscriber.next(t);
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => subscriber.complete(),
      });
    });
}

const DAY_MS = 86_400_000;
const KST_MS = 9 * 3_600_000;

/**
 * The identity of a print on a venue that sends no trade id but the day's cumulative volume (KRX
 * via Kiwoom and KIS): (KST date, cumulative volume) as one exact number while the volume stays
 * below 10^12 shares. A print of size 0 leaves the volume as it was: it is told apart by time,
 * price and size as well (a string).
 */
export function dayVolumeIdentity(t: Trade, cumulative: number | undefined): string | number | undefined {
  if (cumulative === undefined) return undefined;
  if (t.size > 0 && Number.isInteger(cumulative) && cumulative >= 0 && cumulative < 1e12) {
    // Days mod 1000: a repeat is looked for among recent prints, never a thousand days apart.
    const day = Math.floor((t.timestamp + KST_MS) / DAY_MS) % 1000;
    if (day >= 0) return day * 1e12 + cumulative;
  }
  return `${t.time}|${t.price}|${t.size}|${cumulative}`;
}
