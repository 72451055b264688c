/**
 * Trades without repeats across reconnects: a print whose identity was seen among the last
 * `memory` prints of the stream is dropped. Each broker says what identifies a print within its
 * symbol and venue (WEEX: the trade id; Kiwoom and KIS: the day's cumulative volume, which
 * grows with every print), at the same price, size and time. Prints without an identity always
 * pass.
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
      // Ring slots of the remembered identities, per symbol, then per venue: a composite string
      // key would be built and hashed anew for every print (about 1 µs in V8); these lookups hash
      // short strings or numbers.
      const bySymbol = new Map<string, Map<string, Map<string | number, number>>>();
      // The last `memory` prints, oldest first to forget: where each is remembered, its identity,
      // price, size and time. A print is a repeat when its identity is known with the same price,
      // size and time; the same identity with another of those (never a resent print) is
      // remembered apart, under its full description, in `others`.
      const slotMaps: (Map<string | number, number> | undefined)[] = [];
      const slotIds: (string | number)[] = [];
      const slotPrice: number[] = [];
      const slotSize: number[] = [];
      const slotTime: number[] = [];
      const others = new Set<string>();
      let oldest = 0;

      const mapOf = (t: T): Map<string | number, number> => {
        let venues = bySymbol.get(t.symbol);
        if (venues === undefined) bySymbol.set(t.symbol, (venues = new Map()));
        const venue = t.exchange ?? '';
        let ids = venues.get(venue);
        if (ids === undefined) venues.set(venue, (ids = new Map()));
        return ids;
      };
      const otherKey = (t: T, id: string | number): string =>
        `${t.symbol}\u0000${t.exchange ?? ''}\u0000${id}\u0000${t.price}\u0000${t.size}\u0000${t.timestamp}`;

      /** Takes the next ring slot (forgetting what it held); -1 when nothing is remembered. */
      const take = (): number => {
        if (memory < 1) return -1;
        if (slotIds.length < memory) return slotIds.length;
        const slot = oldest;
        oldest = (oldest + 1) % memory;
        const held = slotMaps[slot];
        const id = slotIds[slot];
        if (held === undefined) others.delete(id as string);
        else if (held.get(id) === slot) held.delete(id);
        return slot;
      };
      const fill = (slot: number, ids: Map<string | number, number> | undefined, id: string | number, t: T): void => {
        slotMaps[slot] = ids;
        slotIds[slot] = id;
        slotPrice[slot] = t.price;
        slotSize[slot] = t.size;
        slotTime[slot] = t.timestamp;
      };

      return source.subscribe({
        next: (t) => {
          const id = identity(t);
          if (id !== undefined) {
            const ids = mapOf(t);
            const known = ids.get(id);
            if (known === undefined) {
              // Its first print may be forgotten while another one of its identity is not.
              if (others.size > 0 && others.has(otherKey(t, id))) return;
              const slot = take();
              if (slot >= 0) {
                ids.set(id, slot);
                fill(slot, ids, id, t);
              }
            } else if (slotPrice[known] === t.price && slotSize[known] === t.size && slotTime[known] === t.timestamp) {
              return;
            } else {
              const key = otherKey(t, id);
              if (others.has(key)) return;
              const slot = take();
              if (slot >= 0) {
                others.add(key);
                fill(slot, undefined, key, t);
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
