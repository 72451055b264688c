/**
 * What a broker's REST client gives the streams, with the same shape on every broker: a
 * snapshot of quotes and books for the fallback, a window of recent trades for the backfill,
 * and the account's orders and fills of the day for the catch-up. Every event is the shared
 * model, marked `source: 'rest'`.
 *
 * Each broker implements it in `brokers/<name>/rest/` over its own TRs and paths (see the
 * broker READMEs for the sources and assumptions); every call goes through the credential's
 * REST budget.
 */
import { Observable } from 'rxjs';
import { RestBudget } from '../core/rest-budget';
import { OrderBook, OrderEvent, Quote, Trade } from '../model/market';

/** Recent trades of one symbol. */
export interface TradeWindow {
  /** Oldest first. */
  readonly trades: readonly Trade[];
  /**
   * Whether the window reaches back to the `since` asked for. False when the broker serves only
   * the latest N trades and the gap held more: the oldest part of the gap is not available.
   */
  readonly complete: boolean;
}

/** The account's day as the broker's REST tells it. */
export interface AccountSnapshot {
  /**
   * Today's orders as they stand now: status, cumulative `filledQty`, `unfilledQty`; `timestamp`
   * is when the order was placed (accepted).
   */
  readonly orders: readonly OrderEvent[];
  /**
   * Today's fills, oldest first; each carries `fillQty`/`fillPrice` and the order's cumulative
   * `filledQty` after it. Brokers without per-fill records (KIS) give one fill per order that
   * sums all of its fills (`fillPrice` the average): the catch-up takes what it has not seen yet.
   */
  readonly fills: readonly OrderEvent[];
  /** Whether `fills` holds single fills (Kiwoom, WEEX) or per-order totals (KIS). */
  readonly perFill: boolean;
  /** When the snapshot was taken (the budget grant of its first call), epoch ms. */
  readonly asOf: number;
}

/** The REST side of a broker, as the streams use it. */
export interface MarketRest {
  readonly broker: string;
  /** The credential's budget every call goes through. */
  readonly budget: RestBudget;
  /** Best bid/ask (and sizes) of some symbols, one call per broker batch. */
  quotes(symbols: readonly string[]): Observable<readonly Quote[]>;
  /** A book snapshot of one symbol. */
  orderBook(symbol: string): Observable<OrderBook>;
  /**
   * Trades of one symbol since `since` (epoch ms), as far back as the broker serves them; with
   * `limit`, at most the latest `limit` of them (paging stops once it has them).
   */
  trades(symbol: string, since: number, limit?: number): Observable<TradeWindow>;
  /**
   * Today's orders and fills. `since` (epoch ms) is the earliest fill the caller needs; brokers
   * that answer by trading day (Kiwoom, KIS) ignore it, WEEX (24/7) asks for fills since then.
   */
  account(since?: number): Observable<AccountSnapshot>;
  /** The orders still working now. */
  openOrders(): Observable<readonly OrderEvent[]>;
}

/** Marks an event as fetched by REST. */
export function fromRest<E extends { readonly source?: 'ws' | 'rest' }>(event: E): E {
  return { ...event, source: 'rest' };
}
