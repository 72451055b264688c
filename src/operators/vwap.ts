import { asyncScheduler, Observable, OperatorFunction, SchedulerLike } from 'rxjs';
import { Trade } from '../model';
import { add, div, exact, Exact, mul, sign, sub, toNumber, ZERO } from './exact';
import { positiveDuration, positiveInteger, tradeProblem } from './check';

/**
 * Which trades a VWAP averages over:
 * - `{ trades: n }`: the last n trades (count window);
 * - `{ ms: t }`: trades that arrived in the last t ms on the scheduler's clock, i.e. arrival
 *   time in (now − t, now] (time window);
 * - `'session'`: every trade since subscription (cumulative).
 */
export type VwapWindow = { readonly trades: number } | { readonly ms: number; readonly scheduler?: SchedulerLike } | 'session';

interface Entry {
  readonly at: number;
  readonly notional: Exact;
  readonly size: Exact;
}

/**
 * Volume-weighted average price, Σ(price × size) / Σ size over a window of trades of **one**
 * symbol, emitted after every trade.
 *
 * ```
 * vwap({ trades: 2 })          (a = 100×1, b = 110×3, c = 90×1)
 * trades: -a--b--c-|
 * result: -x--y--z-|           x = 100, y = 107.5, z = 105 (b and c)
 * ```
 * ```
 * vwap({ ms: 5 })
 * trades: -a--b------c|
 * result: -x--y------z|        z = 90: a and b left the window before c arrived
 * ```
 * Edge cases, all by design:
 * - It emits only on a trade, so the window is never empty when it emits; a time window that
 *   emptied during a gap (quiet market, reconnect) restarts with the next trade.
 * - While the window's volume is 0 (zero-size prints) nothing is emitted.
 * - Trades are windowed by arrival order and scheduler time, not by their timestamps; an
 *   out-of-order trade counts when it arrives. Duplicates count twice: pipe `uniqueTrades()`
 *   first to drop repeats with the same exchange trade id.
 * - Trades of two symbols in one stream error the stream: split with `groupBy(t => t.symbol)`.
 * - A trade with a non-finite or non-positive price, or a negative size, errors the stream.
 *
 * Numerics: exact. Notional and volume are exact fractions (see `exact.ts`), so a sliding window
 * that adds and removes trades never drifts; the quotient is rounded to the nearest double once.
 * The result is therefore always between the window's lowest and highest price.
 */
export function vwap(window: VwapWindow = 'session'): OperatorFunction<Trade, number> {
  const maxTrades = typeof window === 'object' && 'trades' in window ? positiveInteger('vwap', 'trades', window.trades) : Infinity;
  const timed = typeof window === 'object' && 'ms' in window ? window : undefined;
  if (timed) positiveDuration('vwap', 'ms', timed.ms);
  const scheduler = timed?.scheduler ?? asyncScheduler;

  return (source) =>
    new Observable<number>((subscriber) => {
      const entries: Entry[] = [];
      let head = 0;
      let notional = ZERO;
      let volume = ZERO;
      let symbol: string | undefined;

      const drop = () => {
        const e = entries[head++];
        notional = sub(notional, e.notional);
        volume = sub(volume, e.size);
        // Compact the queue now and then instead of shifting on every trade.
        if (head > 1024 && head * 2 > entries.length) {
          entries.splice(0, head);
          head = 0;
        }
      };

      return source.subscribe({
        next: (t) => {
          const problem = tradeProblem('vwap', t);
          if (problem) return subscriber.error(new RangeError(problem));
          if (symbol === undefined) symbol = t.symbol;
          else if (t.symbol !== symbol) {
            return subscriber.error(
              new Error(`vwap: trades of ${symbol} and ${t.symbol} in one stream; split them with groupBy(t => t.symbol)`),
            );
          }
          const now = timed ? scheduler.now() : 0;
          const size = exact(t.size);
          const entry = { at: now, notional: mul(exact(t.price), size), size };
          notional = add(notional, entry.notional);
          volume = add(volume, entry.size);
          if (window !== 'session') entries.push(entry);
          while (entries.length - head > maxTrades) drop();
          if (timed) while (head < entries.length && entries[head].at <= now - timed.ms) drop();
          if (sign(volume) > 0) subscriber.next(toNumber(div(notional, volume)));
        },
        error: (e) => subscriber.error(e),
        complete: () => subscriber.complete(),
      });
    });
}
