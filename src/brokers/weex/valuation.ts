import { Observable, OperatorFunction, Subscription } from 'rxjs';
import { Position } from '../../model/market';
import { utcTime } from '../../model/time';
import { WeexTicker } from './events';

/**
 * Unrealized PnL for WEEX positions. WEEX's position pushes carry no mark price and no PnL (only
 * its REST position endpoint does), so the feed values each open position at the price its public
 * ticker already sends:
 *
 *   unrealizedPnl = (price − avgPrice) × qty        qty signed: long > 0, short < 0
 *
 * so a long gains when the price rises and a short when it falls (a short of 2 @ 3000 valued at
 * 2990 is +20). With avgPrice = openValue / size this is `price × qty − openValue` for a long and
 * `openValue − price × |qty|` for a short. The price is the ticker's mark price (`m`, contract
 * market: what WEEX values positions and liquidations at) or, when asked or where no mark price is
 * sent, its last price (`c`). Results are rounded to the decimals the operands carry (no binary
 * noise such as 500.15000000000146). A flat position (qty 0) has an unrealized PnL of 0.
 */

/** Which ticker price positions are valued at: 'mark' (default; last where no mark is sent), 'last', or 'none' (no valuation). */
export type PositionValuation = 'mark' | 'last' | 'none';

/** A price to value a symbol's position at, and when it was true. */
export interface ValuationPrice {
  readonly price: number;
  readonly source: 'mark' | 'last';
  readonly timestamp: number;
}

/** The valuation price of a ticker: its mark price when asked for and sent, else its last price. */
export function valuationPrice(ticker: WeexTicker, valuation: Exclude<PositionValuation, 'none'> = 'mark'): ValuationPrice {
  const mark = ticker.markPrice;
  return valuation === 'mark' && mark !== undefined && mark > 0
    ? { price: mark, source: 'mark', timestamp: ticker.timestamp }
    : { price: ticker.last, source: 'last', timestamp: ticker.timestamp };
}

/** Decimal places of a number as JavaScript prints it (exponent form: 12). */
function decimals(n: number): number {
  const s = String(n);
  if (/e/i.test(s)) return 12;
  const dot = s.indexOf('.');
  return dot < 0 ? 0 : s.length - dot - 1;
}

/** (price − avgPrice) × qty, rounded to the operands' decimals (at most 12). */
export function unrealizedPnl(qty: number, avgPrice: number, price: number): number {
  if (qty === 0) return 0;
  const places = Math.min(12, Math.max(decimals(price), decimals(avgPrice)) + decimals(qty));
  const value = Number(((price - avgPrice) * qty).toFixed(places));
  return value === 0 ? 0 : value; // no -0
}

/** A position valued at `price`: `lastPrice` and `unrealizedPnl` set. */
export function valued<R>(position: Position<R>, price: ValuationPrice): Position<R> {
  return { ...position, lastPrice: price.price, unrealizedPnl: unrealizedPnl(position.qty, position.avgPrice, price.price) };
}

/**
 * Values every position with the latest price of its symbol, and values it again whenever that
 * price changes while the position is open. Prices are watched only for open positions: the
 * first push of a symbol with qty ≠ 0 subscribes `prices(symbol)`, a push with qty 0 releases it.
 * A position pushed before its first price is emitted without PnL (absent, not zero) and emitted
 * valued once the price arrives. A price stream that fails is reported and only that symbol goes
 * unvalued; the positions go on.
 *
 *   positions ─a─────────b──────   a: BTCUSDT long 0.5 @ 64000, b: the same closed (qty 0)
 *   prices    ───x──x──y───z───   x: mark 65000 (sent twice), y: 64000, z: after release (not seen)
 *   output    ─a─A─────B─C──────   A: +500, B: 0 at 64000, C: b with pnl 0 (price released)
 */
export function withUnrealizedPnl<R>(
  prices: (symbol: string) => Observable<ValuationPrice>,
  report: (error: unknown, symbol: string) => void = () => undefined,
): OperatorFunction<Position<R>, Position<R>> {
  return (source) =>
    new Observable<Position<R>>((subscriber) => {
      const latest = new Map<string, Position<R>>();
      const price = new Map<string, ValuationPrice>();
      const watching = new Map<string, Subscription>();
      const release = (symbol: string): void => {
        watching.get(symbol)?.unsubscribe();
        watching.delete(symbol);
        price.delete(symbol);
      };
      // Teardown first: every price subscription ends with the output.
      const teardown = new Subscription(() => [...watching.keys()].forEach(release));
      const onPrice = (symbol: string, next: ValuationPrice): void => {
        const before = price.get(symbol);
        price.set(symbol, next);
        const position = latest.get(symbol);
        if (position === undefined || position.qty === 0 || before?.price === next.price) return;
        subscriber.next({ ...valued(position, next), ...utcTime(Math.max(position.timestamp, next.timestamp)) });
      };
      const watch = (symbol: string): void => {
        // A subscriber that left inside `next` (take(n)) must not leave a price subscription behind.
        if (watching.has(symbol) || subscriber.closed) return;
        const subscription = new Subscription();
        watching.set(symbol, subscription);
        subscription.add(
          prices(symbol).subscribe({
            next: (p) => onPrice(symbol, p),
            error: (e: unknown) => {
              watching.delete(symbol);
              price.delete(symbol);
              report(e, symbol);
            },
          }),
        );
      };
      teardown.add(
        source.subscribe({
          next: (position) => {
            latest.set(position.symbol, position);
            if (position.qty === 0) {
              release(position.symbol);
              subscriber.next({ ...position, unrealizedPnl: 0 });
              return;
            }
            const known = price.get(position.symbol);
            subscriber.next(known ? valued(position, known) : position);
            watch(position.symbol);
          },
          error: (e: unknown) => subscriber.error(e),
          complete: () => subscriber.complete(),
        }),
      );
      return teardown;
    });
}
