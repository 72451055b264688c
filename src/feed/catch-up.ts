/**
 * Account catch-up: after every gap of an account stream, ask the broker's REST for the day's
 * orders and fills, emit what the stream missed (in time order, marked `source: 'rest'`), and
 * from then on drop what the socket sends again. `orders$` and `positionPnL` stay exact across
 * outages, including an order placed and completely filled inside the gap.
 *
 *   live:    -a1--f1--------(gap)------------f3'--f4-
 *   REST:                         [a1 f1 a2 f2 f3]
 *   out:     -a1--f1-----------a2ʳ f2ʳ f3ʳ---------f4-      ʳ = source 'rest'; f3' dropped
 *
 * How "missed" is decided, per order (order ids compared without leading zeros):
 * - At subscription a baseline snapshot is taken (not emitted): what the day held before the
 *   stream started is not news, and a fill made before it must not move a position.
 * - The operator keeps the order's cumulative filled quantity as emitted. A fill is new when it
 *   takes the total beyond that; only the part beyond it is emitted (never counted twice).
 * - Brokers whose live notices carry the broker's cumulative total (Kiwoom, WEEX:
 *   `liveTotals: 'broker'`) are compared by that total. Brokers whose live notices carry one
 *   fill each (KIS: `liveTotals: 'stream'`) are matched by quantity: a late live fill stamped
 *   no later than the snapshot that already counted it is dropped against the REST credit.
 * - Brokers without per-fill REST records (KIS) give per-order totals: the catch-up emits one
 *   fill for the growth, priced from the growth of the filled value.
 * - Status events (accepted, cancelled, ...) pass once per order and status.
 * - The baseline never holds back or drops a live event: what it counted is only a floor the
 *   later catch-ups start from. A notice the socket sends while the baseline is in flight (or
 *   after a baseline that already counted it) is news and passes.
 * Live events that arrive while a catch-up query is in flight wait, at most `holdMs`, then
 * follow the REST events; a query slower than that (or one that is never answered) releases
 * them, and what REST then brings is de-duplicated against them (a late REST event may then
 * come after live ones: nothing is lost or repeated, only the order across the gap is looser).
 * A query that fails (after the transport's retries) is reported on `report` and the stream
 * goes on with what the socket gives.
 *
 *   live:    -a--(gap)--f1'--f2'---------------        query answered after holdMs
 *   query:        [=========holdMs====]----(snap)
 *   out:     -a--------------------f1'f2'---gʳ--    f1', f2' released; gʳ the fill REST adds
 */
import { MonoTypeOperatorFunction, Observable, SchedulerLike, Subscription, asyncScheduler } from 'rxjs';
import { FeedError, toFeedError } from '../core/errors';
import { OrderEvent } from '../model/market';
import { Gap } from './gaps';
import { AccountSnapshot, MarketRest } from './rest-source';

export interface CatchUpOptions {
  readonly rest: Pick<MarketRest, 'account' | 'broker'>;
  /** When to query: gap notices of the account stream (or `gapsFromStatus`). */
  readonly gaps$: Observable<Gap>;
  /** What a live notice's `filledQty` is: the broker's total (Kiwoom, WEEX) or the stream's running sum (KIS). */
  readonly liveTotals: 'broker' | 'stream';
  /** Where failed queries are told (the feed's errors$). */
  readonly report: (error: FeedError) => void;
  /** Take a baseline at subscription. Default true. */
  readonly baseline?: boolean;
  /** Orders remembered (oldest forgotten first). Default 10 000. */
  readonly memory?: number;
  /** Longest a catch-up query holds back live events. Default 3 000 ms. */
  readonly holdMs?: number;
  /**
   * Per-fill live notices stamped to the second (KIS) cannot tell a fill REST just counted from
   * the next one of the same order in the same second: after each catch-up, one more query this
   * much later settles the totals (what it finds beyond what was emitted is emitted). Default
   * 2 000 ms; 0 turns it off. Only with `liveTotals: 'stream'`.
   */
  readonly settleMs?: number;
  readonly scheduler?: SchedulerLike;
}

interface OrderState {
  /** Cumulative filled quantity as emitted (the broker's truth). */
  qty: number;
  /** What the baseline counted before the stream ('broker' totals): catch-ups start above it; live notices do not. */
  floor: number;
  /** 'broker' totals: the cumulative-quantity ranges (a, b] emitted (live or REST), merged. */
  readonly ranges: Ranges;
  /** Cumulative filled value as emitted. */
  value: number;
  /** Statuses emitted; `~status`: seen by the baseline only (catch-ups do not emit it, live notices pass). */
  readonly statuses: Set<string>;
  /** KIS: quantity REST emitted that live notices may still bring (dropped against it). */
  credit: number;
  creditAsOf: number;
  /** The order id and account as the socket spells them, once seen there. */
  liveId?: string;
  account?: string;
}

/** Order ids as brokers pad them differently (`0000069` on REST, `69` elsewhere). */
export const canonicalOrderId = (id: string): string => id.replace(/^0+(?=.)/, '');

const isFill = (e: OrderEvent): boolean => e.fillQty !== undefined && e.fillQty > 0;

export function catchUpOrders<E extends OrderEvent>(options: CatchUpOptions): MonoTypeOperatorFunction<E | OrderEvent> {
  const memory = options.memory ?? 10_000;
  const holdMs = options.holdMs ?? 3_000;
  const settleMs = options.liveTotals === 'stream' ? (options.settleMs ?? 2_000) : 0;
  const scheduler = options.scheduler ?? asyncScheduler;
  const broker = options.rest.broker;
  return (source) =>
    new Observable<E | OrderEvent>((subscriber) => {
      const orders = new Map<string, OrderState>();
      let buffer: (E | OrderEvent)[] = [];
      /** Live fills emitted while the baseline was in flight (KIS: the snapshot may count them). */
      let early: OrderEvent[] = [];
      let querying = false;
      /** Set while live events wait (a catch-up query in flight, for at most holdMs). */
      let hold: Subscription | undefined;
      let again = false;
      /** The pending settling query, and the `from` of the catch-up it settles. */
      let settle: Subscription | undefined;
      let lastFrom: number | undefined;
      let settling = false;
      let baselinePending = options.baseline ?? true;
      const subscriptions = new Subscription();
      subscriber.add(subscriptions);

      const stateOf = (id: string): OrderState => {
        const key = canonicalOrderId(id);
        let s = orders.get(key);
        if (s) {
          orders.delete(key);
        } else {
          s = { qty: 0, floor: 0, ranges: [], value: 0, statuses: new Set(), credit: 0, creditAsOf: -Infinity };
        }
        orders.set(key, s);
        if (orders.size > memory) orders.delete(orders.keys().next().value as string);
        return s;
      };

      /** The newest event emitted, and the earliest gap start not asked about yet: what `since` is. */
      let lastAt: number | undefined;
      let gapFrom: number | undefined;
      const emit = (e: E | OrderEvent): void => {
        lastAt = Math.max(lastAt ?? e.timestamp, e.timestamp);
        subscriber.next(e);
      };
      /** The account the socket names, for REST rows that do not (Kiwoom, KIS). */
      let streamAccount: string | undefined;
      /** A REST event spelled as the socket spells it (order id padding, account), so consumers keyed by them match. */
      const asLive = (e: OrderEvent): OrderEvent => {
        const s = orders.get(canonicalOrderId(e.orderId));
        const account = e.account ?? s?.account ?? streamAccount;
        return { ...e, orderId: s?.liveId ?? e.orderId, ...(account !== undefined ? { account } : {}) };
      };

      /** A live event, de-duplicated against what was emitted (REST included). */
      const onLive = (e: E | OrderEvent): void => {
        const s = stateOf(e.orderId);
        s.liveId ??= e.orderId;
        if (e.account !== undefined) {
          s.account ??= e.account;
          streamAccount = e.account;
        }
        if (!isFill(e)) {
          if (s.statuses.has(e.status)) return;
          if (e.status === 'accepted' && s.qty > 0) return;
          s.statuses.add(e.status);
          emit(
            options.liveTotals === 'broker' && e.filledQty < s.qty
              ? { ...e, filledQty: s.qty, unfilledQty: Math.max(0, e.orderQty - s.qty) }
              : e,
          );
          return;
        }
        const fillQty = e.fillQty as number;
        if (options.liveTotals === 'broker') {
          // The notice covers (total − fill, total]; only what no earlier event covered is new.
          const a = e.filledQty - fillQty;
          const q = fillQty - overlap(s.ranges, a, e.filledQty);
          if (!(q > EPSILON)) return; // counted already (a repeat, or REST had it)
          addRange(s.ranges, a, e.filledQty);
          s.qty = Math.max(s.qty, e.filledQty);
          s.value += q * (e.fillPrice ?? 0);
          s.statuses.add(e.status);
          emit(q >= fillQty - EPSILON ? e : { ...e, fillQty: q });
          return;
        }
        if (s.credit >= fillQty && e.timestamp <= s.creditAsOf) {
          s.credit -= fillQty; // REST counted this fill already
          return;
        }
        s.qty += fillQty;
        s.value += fillQty * (e.fillPrice ?? 0);
        const unfilledQty = Math.max(0, e.orderQty - s.qty);
        const status = unfilledQty === 0 ? 'filled' : 'partiallyFilled';
        s.statuses.add(status);
        emit({ ...e, filledQty: s.qty, unfilledQty, status });
      };

      /** The baseline: the day before the stream, not emitted; it holds back no live notice. */
      const applyBaseline = (snap: AccountSnapshot): void => {
        for (const o of snap.orders) {
          const s = stateOf(o.orderId);
          const total = o.filledQty;
          if (options.liveTotals === 'broker') {
            // Live notices carry the broker's total: they are compared with what was emitted, never with the floor.
            s.floor = Math.max(s.floor, total);
          } else {
            // Live fills emitted while the baseline was in flight, up to the snapshot: it counts them already.
            const key = canonicalOrderId(o.orderId);
            const sum = early.reduce(
              (n, e) => n + (e.timestamp <= snap.asOf && canonicalOrderId(e.orderId) === key ? (e.fillQty as number) : 0),
              0,
            );
            const before = Math.max(0, total - sum);
            // Per-order totals (KIS): the fill's price is the order's average.
            s.value += before * (snap.fills.find((f) => canonicalOrderId(f.orderId) === key)?.fillPrice ?? 0);
            s.qty += before;
          }
          s.statuses.add('~accepted').add(`~${o.status}`);
        }
      };

      /** What the stream missed, in time order. */
      const applyCatchUp = (snap: AccountSnapshot): void => {
        const out: { at: number; seq: number; event: OrderEvent }[] = [];
        let seq = 0;
        const push = (event: OrderEvent): void => {
          out.push({ at: event.timestamp, seq: seq++, event: { ...asLive(event), source: 'rest' } });
        };
        const known = new Set(orders.keys());
        for (const o of snap.orders) {
          const key = canonicalOrderId(o.orderId);
          if (known.has(key) && stateOf(o.orderId).statuses.size > 0) continue;
          const s = stateOf(o.orderId);
          s.statuses.add('accepted');
          push({ ...o, status: 'accepted', filledQty: 0, unfilledQty: o.orderQty, ...noFill });
        }
        for (const f of snap.fills) {
          const s = stateOf(f.orderId);
          // A fill covers (total − fill, total]; a per-order total covers (0, total]. The baseline's
          // floor and what was emitted are not news: the ranges emitted ('broker'), or (0, running sum] ('stream').
          const b = f.filledQty;
          const a = Math.max(snap.perFill ? b - (f.fillQty ?? 0) : 0, s.floor);
          const q = b > a ? b - a - overlap(options.liveTotals === 'broker' ? s.ranges : [[0, s.qty]], a, b) : 0;
          if (!(q > EPSILON)) continue;
          addRange(s.ranges, a, b);
          const price = snap.perFill ? f.fillPrice : grownPrice(s, f, q);
          if (options.liveTotals === 'stream') {
            // Live notices of what REST just counted are dropped against this credit.
            s.credit += q;
            s.creditAsOf = snap.asOf;
          }
          s.qty = Math.max(s.qty, f.filledQty);
          s.value += q * (price ?? 0);
          s.statuses.add(f.status);
          push({ ...f, fillQty: q, ...(price !== undefined ? { fillPrice: price } : {}) });
        }
        for (const o of snap.orders) {
          if (o.status !== 'cancelled' && o.status !== 'rejected') continue;
          const s = stateOf(o.orderId);
          if (s.statuses.has(o.status) || s.statuses.has(`~${o.status}`)) continue;
          s.statuses.add(o.status);
          push({ ...o, filledQty: Math.max(s.qty, s.floor), unfilledQty: 0, ...noFill });
        }
        out.sort((a, b) => a.at - b.at || a.seq - b.seq);
        for (const x of out) emit(x.event);
      };

      const release = (): void => {
        hold?.unsubscribe();
        hold = undefined;
        const waiting = buffer;
        buffer = [];
        for (const e of waiting) onLive(e);
      };

      const query = (baseline: boolean, settles = false): void => {
        querying = true;
        settling = settles;
        settle?.unsubscribe();
        settle = undefined;
        // A settling query holds nothing back: its catch-up already released what waited.
        if (!baseline && !settles) hold = scheduler.schedule(release, holdMs);
        // Fills since the last event seen (or the gap's start), with a margin for notices lost in flight.
        const from = settles ? lastFrom : gapFrom === undefined ? undefined : Math.min(gapFrom, lastAt ?? gapFrom) - SINCE_MARGIN_MS;
        if (!baseline) lastFrom = from;
        gapFrom = undefined;
        subscriptions.add(
          options.rest.account(baseline ? undefined : from).subscribe({
            next: (snap) => (baseline ? applyBaseline(snap) : applyCatchUp(snap)),
            error: (err: unknown) => {
              const e = toFeedError(err, { kind: 'connection', broker });
              options.report(e.with({ message: `${broker}: account query failed; fills of the gap may be missing (${e.message})` }));
              done();
            },
            complete: () => done(),
          }),
        );
      };
      const done = (): void => {
        querying = false;
        early = [];
        release();
        const settled = settling;
        settling = false;
        if (again) {
          again = false;
          query(false);
        } else if (settleMs > 0 && lastFrom !== undefined && !settled) {
          settle = scheduler.schedule(() => {
            settle = undefined;
            if (!querying) query(false, true);
          }, settleMs);
        }
      };
      subscriptions.add(() => hold?.unsubscribe());
      subscriptions.add(() => settle?.unsubscribe());

      subscriptions.add(
        options.gaps$.subscribe((gap) => {
          gapFrom = Math.min(gapFrom ?? gap.from, gap.from);
          if (querying) again = true;
          else query(false);
        }),
      );
      subscriptions.add(
        source.subscribe({
          next: (e) => {
            if (hold) return void buffer.push(e);
            if (querying && isFill(e)) early.push(e);
            onLive(e);
          },
          error: (err: unknown) => subscriber.error(err),
          complete: () => subscriber.complete(),
        }),
      );
      if (baselinePending) {
        baselinePending = false;
        query(true);
      }
    });
}

const noFill = { fillQty: undefined, fillPrice: undefined } as const;

/** How far before the last event seen a catch-up asks (a notice may have been lost in flight before the gap showed). */
const SINCE_MARGIN_MS = 60_000;

/** Crypto sizes are decimals: differences below this are rounding, not quantity. */
const EPSILON = 1e-9;

/** Cumulative-quantity ranges (a, b], ascending and merged. */
type Ranges = [number, number][];

/** How much of (a, b] the ranges cover. */
function overlap(ranges: Ranges, a: number, b: number): number {
  let n = 0;
  for (const [x, y] of ranges) n += Math.max(0, Math.min(b, y) - Math.max(a, x));
  return n;
}

/** Adds (a, b], merging what touches. */
function addRange(ranges: Ranges, a: number, b: number): void {
  if (!(b > a)) return;
  ranges.push([a, b]);
  ranges.sort((p, q) => p[0] - q[0]);
  let w = 0;
  for (let i = 1; i < ranges.length; i++) {
    if (ranges[i][0] <= ranges[w][1] + EPSILON) ranges[w][1] = Math.max(ranges[w][1], ranges[i][1]);
    else ranges[++w] = ranges[i];
  }
  ranges.length = w + 1;
}

/** A per-order total's growth priced from the growth of the filled value (its fillPrice is the average). */
function grownPrice(s: { value: number }, f: OrderEvent, q: number): number | undefined {
  const grown = ((f.fillPrice ?? 0) * f.filledQty - s.value) / q;
  return Number.isFinite(grown) && grown > 0 ? grown : f.fillPrice;
}
