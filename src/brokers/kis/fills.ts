/**
 * KIS fill notices carry the quantity of one fill, not the order's running total. A FillBook
 * adds fills up per order for the life of a feed, so `filledQty`/`unfilledQty`/`status` mean
 * the same as on brokers that send totals. Fills before the feed started are not known to it.
 */
import { OrderEvent } from '../../model';

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
