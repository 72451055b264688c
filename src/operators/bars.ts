import { asyncScheduler, Observable, OperatorFunction, SchedulerLike, Subscription } from 'rxjs';
import { Trade } from '../model';
import { add, exact, Exact, toNumber, ZERO } from './exact';
import { positiveDuration, tradeProblem } from './check';

/** One OHLCV bar of one symbol over [start, end) on the scheduler's clock. */
export interface Bar {
  readonly kind: 'bar';
  readonly broker: string;
  readonly symbol: string;
  /** Scheduler time (epoch ms in real time, frames in virtual time) the interval starts at. */
  readonly start: number;
  /** Exclusive end of the interval. */
  readonly end: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  /** Sum of the trade sizes, summed exactly. 0 on a flat bar. */
  readonly volume: number;
  /** Number of trades in the bar. 0 on a flat bar. */
  readonly trades: number;
}

export interface BarsOptions {
  /**
   * What an interval without trades gives:
   * - 'skip' (default): nothing; the next bar is the next interval that has a trade.
   * - 'flat': a bar with open = high = low = close = the previous close, volume 0 and trades 0,
   *   for every symbol that has traded before (never before a symbol's first trade).
   */
  readonly empty?: 'skip' | 'flat';
  /** Clock and timers; `asyncScheduler` by default (virtual in `TestScheduler.run`). */
  readonly scheduler?: SchedulerLike;
  /** Intervals start at `origin + k × intervalMs`. Default 0: epoch-aligned (minute bars on the minute). */
  readonly origin?: number;
}

interface Building {
  readonly broker: string;
  readonly open: number;
  high: number;
  low: number;
  close: number;
  volume: Exact;
  trades: number;
}

interface Known {
  broker: string;
  lastClose: number;
}

/**
 * OHLCV bars from trades, bucketed by **arrival time on the scheduler's clock** (not by the
 * trades' own timestamps), one bar per symbol per interval. A bar is emitted when its interval
 * ends — by a timer, so it closes even if no later trade comes — and bars of one interval come
 * out in the order their symbols first traded.
 *
 * ```
 * bars(5)                      (frames of 1 ms; a = 100×1, b = 102×2, c = 99×1, d = 101×3)
 * trades: -a-b-----c-d-|
 * result: -----x----y--(z|)   x = O100 H102 L100 C102 V3   [0,5)
 *                              y = O99  H99  L99  C99  V1   [5,10)
 *                              z = O101 H101 L101 C101 V3   [10,15), partial: emitted on complete
 * ```
 * With `{ empty: 'flat' }` an interval without trades still emits, at the previous close:
 * ```
 * trades: -a---------b|
 * result: -----x----f-(y|)    f = O100 H100 L100 C100 V0, trades 0   [5,10)
 * ```
 * Edge cases, all by design:
 * - A trade whose timestamp is older than the current bar (late, out of order) goes into the
 *   bar open when it *arrives*: bars describe what the consumer saw, in time order.
 * - Duplicates are counted twice: two identical prints can be real. Pipe `uniqueTrades()` first
 *   to drop repeats that carry the same exchange trade id (e.g. replayed after a reconnect).
 * - A reconnect gap is an interval without trades: skipped, or flat bars with `empty: 'flat'`
 *   (a flat bar means "no trade seen", which during a gap may not mean "no trade happened").
 * - On completion the open interval's bar is emitted as is (its `end` is still the interval
 *   end); on error it is dropped and the error passes through.
 * - With `empty: 'flat'` a timer keeps running while the source is open: in a marble test the
 *   source must complete (or be unsubscribed) for the run to end.
 * - A trade with a non-finite or non-positive price, or a negative size, errors the stream.
 *
 * Numerics: open/high/low/close are input prices unchanged (exact). Volume is summed exactly
 * (see `exact.ts`) and converted to the nearest double once, so 0.1 + 0.2 BTC is 0.3.
 */
export function bars(intervalMs: number, options: BarsOptions = {}): OperatorFunction<Trade, Bar> {
  positiveDuration('bars', 'intervalMs', intervalMs);
  const scheduler = options.scheduler ?? asyncScheduler;
  const flat = (options.empty ?? 'skip') === 'flat';
  const origin = options.origin ?? 0;
  const bucketOf = (t: number) => origin + Math.floor((t - origin) / intervalMs) * intervalMs;

  return (source) =>
    new Observable<Bar>((subscriber) => {
      /** Start of the open interval; undefined while no interval is open. */
      let bucket: number | undefined;
      const building = new Map<string, Building>();
      /** Every symbol seen, in first-trade order. */
      const known = new Map<string, Known>();
      let timer: Subscription | undefined;

      const emit = (start: number, partial: boolean) => {
        for (const [symbol, k] of known) {
          const b = building.get(symbol);
          if (b) {
            k.lastClose = b.close;
            subscriber.next({
              kind: 'bar',
              broker: b.broker,
              symbol,
              start,
              end: start + intervalMs,
              open: b.open,
              high: b.high,
              low: b.low,
              close: b.close,
              volume: toNumber(b.volume),
              trades: b.trades,
            });
          } else if (flat && !partial) {
            const p = k.lastClose;
            subscriber.next({
              kind: 'bar',
              broker: k.broker,
              symbol,
              start,
              end: start + intervalMs,
              open: p,
              high: p,
              low: p,
              close: p,
              volume: 0,
              trades: 0,
            });
          }
        }
        building.clear();
      };

      /** Emits every interval that has ended by `now`; in flat mode the next one opens at once. */
      const closeThrough = (now: number) => {
        while (bucket !== undefined && bucket + intervalMs <= now) {
          emit(bucket, false);
          bucket = flat ? bucket + intervalMs : undefined;
        }
      };

      const arm = () => {
        timer?.unsubscribe();
        timer = undefined;
        if (bucket === undefined) return;
        const due = bucket + intervalMs;
        // Real timers may fire a little early: closeThrough is then a no-op and we re-arm.
        timer = scheduler.schedule(
          () => {
            closeThrough(scheduler.now());
            arm();
          },
          Math.max(0, due - scheduler.now()),
        );
      };

      const sub = source.subscribe({
        next: (t) => {
          const problem = tradeProblem('bars', t);
          if (problem) {
            subscriber.error(new RangeError(problem));
            return;
          }
          const now = scheduler.now();
          const before = bucket;
          closeThrough(now);
          if (bucket === undefined) bucket = bucketOf(now);
          if (bucket !== before) arm();
          if (!known.has(t.symbol)) known.set(t.symbol, { broker: t.broker, lastClose: t.price });
          const b = building.get(t.symbol);
          if (b) {
            if (t.price > b.high) b.high = t.price;
            if (t.price < b.low) b.low = t.price;
            b.close = t.price;
            b.volume = add(b.volume, exact(t.size));
            b.trades++;
          } else {
            building.set(t.symbol, {
              broker: t.broker,
              open: t.price,
              high: t.price,
              low: t.price,
              close: t.price,
              volume: add(ZERO, exact(t.size)),
              trades: 1,
            });
          }
        },
        error: (e) => subscriber.error(e),
        complete: () => {
          closeThrough(scheduler.now());
          if (bucket !== undefined) emit(bucket, true);
          subscriber.complete();
        },
      });

      return () => {
        timer?.unsubscribe();
        sub.unsubscribe();
      };
    });
}
