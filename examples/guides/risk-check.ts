/**
 * The weex_client guide's risk-monitored trading: watch positions and raise an alert when the
 * exposure (|qty| × price, summed over symbols) or the loss (unrealized PnL summed) passes a
 * limit, on any broker that pushes positions (`positions$`).
 *
 * ```
 * positions$ (limit 1 000): -a---b---c-|   a: 2 @ 300 (600), b: +3 @ 150 in another symbol (1 050), c: a closes (450)
 * riskAlerts:               -----x-----|   x: exposure 1 050 > 1 000; nothing again until it breaches anew
 * ```
 */
import { EMPTY, Observable, distinctUntilChanged, filter, map, scan } from 'rxjs';
import { MarketFeed, Position } from '../../src';

export interface RiskLimits {
  /** Largest total |qty| × price, in the quote currency. */
  readonly maxExposure: number;
  /** Largest total unrealized loss, as a positive amount. */
  readonly maxLoss: number;
}

export interface RiskState {
  readonly exposure: number;
  readonly unrealizedPnl: number;
  readonly breaches: readonly ('exposure' | 'loss')[];
}

/** Exposure and PnL over the latest position of every symbol. */
export function riskState(positions$: Observable<Position>, limits: RiskLimits): Observable<RiskState> {
  return positions$.pipe(
    scan((book, p) => ({ ...book, [p.symbol]: p }), {} as Readonly<Record<string, Position>>),
    map((book) => {
      const all = Object.values(book);
      const exposure = all.reduce((sum, p) => sum + Math.abs(p.qty) * (p.lastPrice ?? p.avgPrice), 0);
      const unrealizedPnl = all.reduce((sum, p) => sum + (p.unrealizedPnl ?? 0), 0);
      const breaches: ('exposure' | 'loss')[] = [];
      if (exposure > limits.maxExposure) breaches.push('exposure');
      if (-unrealizedPnl > limits.maxLoss) breaches.push('loss');
      return { exposure, unrealizedPnl, breaches };
    }),
  );
}

/** Each new breach once, when it starts (not on every position update while it lasts). */
export function riskAlerts(feed: Pick<MarketFeed, 'positions$'>, limits: RiskLimits): Observable<RiskState> {
  // KIS pushes no positions: there is nothing to watch.
  if (!feed.positions$) return EMPTY;
  return riskState(feed.positions$(), limits).pipe(
    distinctUntilChanged((a, b) => a.breaches.join() === b.breaches.join()),
    filter((s) => s.breaches.length > 0),
  );
}
