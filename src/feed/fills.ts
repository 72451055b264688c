/**
 * Fills, normalized the same way on every broker: exact across reconnects.
 *
 * Brokers tell fills differently. Kiwoom and WEEX report the order's running totals (cumulative
 * filled quantity and value) on each notice; KIS reports only the quantity and price of the one
 * fill. Across a reconnect a broker may send a notice again (a duplicate) or never send one (a
 * loss). `normalizeFills` turns every broker's order events into one meaning:
 *
 * - `filledQty` is the order's cumulative filled quantity, `unfilledQty` what is left, `fillQty`
 *   and `fillPrice` this fill's own quantity and price;
 * - a fill already seen (same identity) is dropped: never counted twice;
 * - where the broker reports totals, the cumulative quantity is taken from the broker (never
 *   built by blind summing); a notice whose total did not grow is a repeat and dropped; a total
 *   that grew by more than this fill's own quantity means a fill was lost: an `inferred` fill of
 *   the missing quantity is emitted first, priced from the growth of the cumulative value, so
 *   positions and PnL stay exact;
 * - where the broker reports single fills only (KIS), fills of distinct identity add up; a lost
 *   KIS fill cannot be seen in the stream (the gap notice of the reconnect says where to look);
 * - impossible values (negative or non-finite quantities, non-positive fill prices, a total above
 *   the order quantity, a total that shrinks) are reported as `decode` errors and dropped.
 *
 * ```
 * normalizeFills(...)          Kiwoom order of 10: a = fill 3 (total 3), b = fill 4 (total 7),
 * in:  -a-a'--(gap)--c-|        c = fill 3 (total 10, b was lost), a' = a sent again
 * out: -a-------------(bc)|     b: inferred fill of 4 at the price the value growth gives
 * ```
 */
import { MonoTypeOperatorFunction, Observable, distinctUntilChanged, filter } from 'rxjs';
import { FeedStatus } from '../core/status';
import { FeedError } from '../core/errors';
import { OrderEvent } from '../model/market';

/** What a broker's notice says about the fill it reports, beside the model fields. */
export interface FillFacts {
  /**
   * The fill's identity as the broker gives it (Kiwoom: fill number; KIS: time, quantity and
   * price; WEEX: the cumulative size after it). Undefined on notices that are not fills.
   */
  readonly id?: string;
  /** The order's cumulative filled quantity after this notice, where the broker reports it. */
  readonly cumulativeQty?: number;
  /** The order's cumulative filled value (Σ price × quantity) after this notice, where reported. */
  readonly cumulativeValue?: number;
  /** The price of the latest fill, on brokers that say it beside the totals (WEEX). */
  readonly lastFillPrice?: number;
}

export interface NormalizeFillsOptions<E extends OrderEvent> {
  readonly broker: string;
  /** Reads a notice's fill facts (broker-specific; see each broker's mapping). */
  readonly facts: (event: E) => FillFacts;
  /** Where impossible notices are reported (the feed's errors$). */
  readonly report: (error: FeedError) => void;
  /**
   * Emits when a new connection starts. Identities that may legitimately repeat within one
   * connection (two KIS fills of the same size and price in the same second) are told apart
   * by their order of arrival on the connection, so a notice re-sent on the next connection
   * matches its first arrival.
   */
  readonly connections$?: Observable<unknown>;
  /** Orders remembered (oldest forgotten first). Default 10 000. */
  readonly memory?: number;
}

interface OrderFills {
  /** Cumulative quantity emitted so far. */
  qty: number;
  /** Cumulative value emitted so far (NaN when the broker reports none). */
  value: number;
  /** Fill identities seen (with their arrival ordinal). */
  readonly ids: Set<string>;
  /** Arrivals of each identity on the current connection. */
  ordinals: Map<string, number>;
  epoch: number;
  /** Status of the last notice passed on (totals brokers: repeats of it are dropped). */
  status?: OrderEvent['status'];
}

/** The event as a status change: no fill of its own. */
function withoutFill<E extends OrderEvent>(e: E): E {
  if (e.fillQty === undefined && e.fillPrice === undefined) return e;
  const copy: { -readonly [K in keyof E]: E[K] } = { ...e };
  delete copy.fillQty;
  delete copy.fillPrice;
  return copy;
}

const finiteAtLeast = (x: number | undefined, min: number): boolean => x === undefined || (Number.isFinite(x) && x >= min);

/** Why a notice is impossible, or undefined when it is not. */
export function impossibleFill(e: OrderEvent, facts: FillFacts): string | undefined {
  if (!finiteAtLeast(e.orderQty, 0)) return `order quantity ${e.orderQty}`;
  if (!finiteAtLeast(e.filledQty, 0)) return `filled quantity ${e.filledQty}`;
  if (!finiteAtLeast(e.unfilledQty, 0)) return `unfilled quantity ${e.unfilledQty}`;
  if (e.orderQty > 0 && e.unfilledQty > e.orderQty) return `unfilled quantity ${e.unfilledQty} above the order quantity ${e.orderQty}`;
  if (e.fillQty !== undefined && !(Number.isFinite(e.fillQty) && e.fillQty > 0)) return `fill quantity ${e.fillQty}`;
  if (e.fillPrice !== undefined && !(Number.isFinite(e.fillPrice) && e.fillPrice > 0)) return `fill price ${e.fillPrice}`;
  if (!finiteAtLeast(facts.cumulativeQty, 0)) return `cumulative quantity ${facts.cumulativeQty}`;
  if (!finiteAtLeast(facts.cumulativeValue, 0)) return `cumulative value ${facts.cumulativeValue}`;
  if (facts.cumulativeQty !== undefined && e.orderQty > 0 && facts.cumulativeQty > e.orderQty) {
    return `cumulative quantity ${facts.cumulativeQty} above the order quantity ${e.orderQty}`;
  }
  return undefined;
}

/** Relative tolerance when checking a reported price against value growth (decimal strings as doubles). */
const PRICE_TOLERANCE = 1e-9;

/**
 * One shared normalizer of order events, used by every broker feed (see the file comment).
 * State lives per subscription.
 */
export function normalizeFills<E extends OrderEvent>(options: NormalizeFillsOptions<E>): MonoTypeOperatorFunction<E> {
  const memory = options.memory ?? 10_000;
  return (source) =>
    new Observable<E>((subscriber) => {
      const orders = new Map<string, OrderFills>();
      let epoch = 0;
      const teardown = options.connections$?.subscribe(() => (epoch += 1));
      if (teardown) subscriber.add(teardown);

      const reject = (e: E, why: string): void =>
        options.report(
          new FeedError({
            kind: 'decode',
            broker: options.broker,
            message: `${options.broker}: impossible order notice for ${e.orderId} (${why}); dropped`,
          }),
        );

      const stateOf = (id: string): OrderFills => {
        let s = orders.get(id);
        if (s) {
          // Most recently used last: the oldest order is the first to forget.
          orders.delete(id);
        } else {
          s = { qty: 0, value: 0, ids: new Set(), ordinals: new Map(), epoch };
        }
        orders.set(id, s);
        if (orders.size > memory) orders.delete(orders.keys().next().value as string);
        return s;
      };

      /** The identity with its arrival ordinal on the current connection. */
      const identity = (s: OrderFills, id: string): string => {
        if (s.epoch !== epoch) {
          s.epoch = epoch;
          s.ordinals = new Map();
        }
        const n = (s.ordinals.get(id) ?? 0) + 1;
        s.ordinals.set(id, n);
        return `${id}#${n}`;
      };

      const onEvent = (e: E): void => {
        const facts = options.facts(e);
        const why = impossibleFill(e, facts);
        if (why !== undefined) return reject(e, why);
        const key = `${e.account ?? ''}\u0000${e.orderId}`;
        if (facts.cumulativeQty !== undefined)
          return fromTotals(e, stateOf(key), facts.cumulativeQty, facts.cumulativeValue, facts.lastFillPrice);
        if (e.fillQty === undefined) {
          const known = orders.get(key);
          // Receipts (cancel, modify) say nothing of fills on some brokers: keep the known total.
          subscriber.next(known && known.qty > e.filledQty ? { ...e, filledQty: known.qty } : e);
          return;
        }
        const s = stateOf(key);
        if (facts.id !== undefined) {
          const id = identity(s, facts.id);
          if (s.ids.has(id)) return; // the same fill again
          s.ids.add(id);
        }
        fromSingle(e, s);
      };

      /** Brokers that report totals: the growth of the total is what was filled since. */
      const fromTotals = (e: E, s: OrderFills, cumQty: number, cumValue: number | undefined, lastPrice: number | undefined): void => {
        const growth = cumQty - s.qty;
        if (!(growth > 0)) {
          // A fill counted already, an older notice, or the same notice again: nothing moves.
          if (e.fillQty !== undefined || cumQty < s.qty || (s.status === e.status && cumQty === s.qty)) return;
          s.status = e.status;
          subscriber.next(withoutFill(e));
          return;
        }
        s.status = e.status;
        const valueGrowth = cumValue === undefined ? NaN : cumValue - s.value;
        const own = e.fillQty !== undefined && e.fillQty < growth ? e.fillQty : growth;
        const lost = growth - own;
        const reported = e.fillPrice ?? (lastPrice !== undefined && lastPrice > 0 ? lastPrice : undefined);
        let ownPrice = reported;
        if (lost > 0) {
          // Price of the lost part: the value growth minus this fill's own value.
          const lostValue = valueGrowth - (reported ?? NaN) * own;
          const lostPrice = lostValue / lost;
          const priced = Number.isFinite(lostPrice) && lostPrice > 0;
          const qty = s.qty + lost;
          subscriber.next({
            ...e,
            status: 'partiallyFilled',
            filledQty: qty,
            unfilledQty: Math.max(0, e.orderQty - qty),
            fillQty: lost,
            ...(priced ? { fillPrice: lostPrice } : reported !== undefined ? { fillPrice: reported } : {}),
            inferred: true,
          });
        } else if (Number.isFinite(valueGrowth) && valueGrowth > 0) {
          // Without a single-fill price, or when the reported one disagrees with the totals
          // (several fills in one notice), the average the totals give is the truth.
          const average = valueGrowth / growth;
          if (reported === undefined || Math.abs(reported * growth - valueGrowth) > PRICE_TOLERANCE * valueGrowth) ownPrice = average;
        }
        s.qty = cumQty;
        s.value = cumValue ?? NaN;
        subscriber.next({
          ...e,
          filledQty: cumQty,
          unfilledQty: e.orderQty > 0 ? Math.max(0, e.orderQty - cumQty) : e.unfilledQty,
          fillQty: own,
          ...(ownPrice !== undefined ? { fillPrice: ownPrice } : {}),
        });
      };

      /** Brokers that report single fills: distinct fills add up, bounded by the order quantity. */
      const fromSingle = (e: E, s: OrderFills): void => {
        const fillQty = e.fillQty as number;
        const qty = s.qty + fillQty;
        if (e.orderQty > 0 && qty > e.orderQty) {
          return reject(e, `fills would total ${qty}, above the order quantity ${e.orderQty}`);
        }
        s.qty = qty;
        const unfilledQty = e.orderQty > 0 ? e.orderQty - qty : 0;
        subscriber.next({ ...e, filledQty: qty, unfilledQty, status: unfilledQty === 0 ? 'filled' : 'partiallyFilled' });
      };

      subscriber.add(
        source.subscribe({
          next: onEvent,
          error: (err: unknown) => subscriber.error(err),
          complete: () => subscriber.complete(),
        }),
      );
    });
}

/** Emits each time a connection opens (for `connections$`). */
export function connectionsOf(status$: Observable<FeedStatus>): Observable<FeedStatus> {
  return status$.pipe(
    distinctUntilChanged((a, b) => (a.state === 'open') === (b.state === 'open')),
    filter((s) => s.state === 'open'),
  );
}
