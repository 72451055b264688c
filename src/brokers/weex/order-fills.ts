import { MonoTypeOperatorFunction, Observable } from 'rxjs';
import { OrderEvent } from '../../model/market';
import { WireOrder } from './wire/private-pushes';

/** What is known of an order's fills so far. */
export interface CumulativeFill {
  readonly qty: number;
  readonly value: number;
}

/**
 * The fill an order push reports, from the growth of its cumulative fill size and value.
 * An order seen for the first time counts from zero (orders normally arrive first as PENDING).
 * The price is the venue's `latestFillPrice` when sent, else value growth / size growth (absent
 * when neither is known).
 */
export function fillFromCumulative(
  previous: CumulativeFill | undefined,
  now: CumulativeFill,
  latestFillPrice?: number,
): { readonly fillQty: number; readonly fillPrice?: number } | undefined {
  const qty = now.qty - (previous?.qty ?? 0);
  if (!(qty > 0)) return undefined;
  const value = now.value - (previous?.value ?? 0);
  const fillPrice = latestFillPrice !== undefined && latestFillPrice > 0 ? latestFillPrice : value / qty;
  return Number.isFinite(fillPrice) ? { fillQty: qty, fillPrice } : { fillQty: qty };
}

const TERMINAL = new Set(['filled', 'cancelled', 'rejected']);

/**
 * Adds `fillQty`/`fillPrice` to order events whose cumulative fill grew since the order's
 * previous event. State lives per subscription and forgets orders once they are done.
 *
 *   in:   a(PENDING, cum 0) -- a(PENDING, cum 2) -- a(FILLED, cum 5)
 *   out:  a(accepted)       -- a(partial, fill 2) -- a(filled, fill 3)
 */
export function withFillDetails(): MonoTypeOperatorFunction<OrderEvent<WireOrder>> {
  return (source) =>
    new Observable((subscriber) => {
      const seen = new Map<string, CumulativeFill>();
      return source.subscribe({
        next: (order) => {
          const now = { qty: order.filledQty, value: Number(order.raw.cumFillValue ?? NaN) };
          const latest = order.raw.latestFillPrice === undefined ? undefined : Number(order.raw.latestFillPrice);
          const fill = fillFromCumulative(seen.get(order.orderId), now, latest);
          if (TERMINAL.has(order.status)) seen.delete(order.orderId);
          else seen.set(order.orderId, now);
          subscriber.next(fill ? { ...order, ...fill } : order);
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => subscriber.complete(),
      });
    });
}
