/**
 * KIS fill notices carry the quantity and price of one fill, not the order's running total, and
 * no fill number. `normalizeFills` (src/feed/fills.ts) adds distinct fills up per order; these
 * are the identities it tells them apart by.
 *
 * Assumed identity of a fill (KIS sends no fill number): order number + time (HHMMSS) + quantity
 * + price, with its order of arrival on the connection, so two real fills of the same size and
 * price in the same second count twice and a notice sent again on a later connection once.
 * A lost KIS fill cannot be seen in the stream (no totals): the reconnect's gap tells where.
 */
import { FillFacts } from '../../feed/fills';
import { OrderEvent, Trade } from '../../model';
import { KisRecord } from './wire/record';

/** Fill facts of an H0STCNI0/9 notice: an identity on fills, nothing on receipts. */
export function orderFillFacts(e: OrderEvent<KisRecord<string>>): FillFacts {
  if (e.fillQty === undefined) return {};
  const f = e.raw.fields as Readonly<Record<string, string | undefined>>;
  return { id: `${f.STCK_CNTG_HOUR ?? e.time}|${e.fillQty}|${e.fillPrice}` };
}

/**
 * The identity of a print (KIS sends no trade id) within its symbol and venue: the day's
 * cumulative volume (ACML_VOL), which grows with every print. Undefined when the record has no
 * volume.
 */
export function tradeIdentity(t: Trade<KisRecord<string>>): string | number | undefined {
  // ACML_VOL as the trade carries it: a number, cheap to remember; distinctTrades compares
  // price, size and time as well, so a volume seen on another day is another print.
  return t.cumulativeVolume;
}

/**
 * Running totals per order, kept by the codec for its notices' `filledQty` (superseded by
 * `normalizeFills` in the feed, which de-duplicates first).
 */
export class FillBook {
  private readonly filled = new Map<string, number>();

  /** The event with running totals; forgets orders that are done. */
  apply<E extends OrderEvent>(event: E): E {
    const id = `${event.account ?? ''}/${event.orderId}`;
    if (event.fillQty === undefined) {
      if (event.status === 'cancelled' || event.status === 'rejected') this.filled.delete(id);
      return event;
    }
    const total = (this.filled.get(id) ?? 0) + event.fillQty;
    const unfilledQty = Math.max(0, event.orderQty - total);
    if (unfilledQty === 0) this.filled.delete(id);
    else this.filled.set(id, total);
    return { ...event, filledQty: total, unfilledQty, status: unfilledQty === 0 ? 'filled' : 'partiallyFilled' };
  }
}
