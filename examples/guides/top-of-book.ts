/**
 * The guides' order-book handler (pyheroapi: "best 3 levels" of 0D; KIS: H0STASP0 quotes), on any
 * broker: the top N levels of each symbol's synced book.
 *
 * ```
 * orderBook$: -a---b---c-|
 * topLevels:  -x---y---z-|     x = a's best 3 asks and bids, ...
 * ```
 */
import { Observable, map } from 'rxjs';
import { MarketFeed, PriceLevel, Symbols } from '../../src';

export interface TopLevels {
  readonly symbol: string;
  readonly time: string;
  /** Best first. */
  readonly asks: readonly PriceLevel[];
  readonly bids: readonly PriceLevel[];
  /** Best ask − best bid, when both sides have a level. */
  readonly spread?: number;
}

export function topLevels(feed: Pick<MarketFeed, 'orderBook$'>, symbols: Symbols, levels = 3): Observable<TopLevels> {
  return feed.orderBook$(symbols).pipe(
    map((book) => {
      const asks = book.asks.slice(0, levels);
      const bids = book.bids.slice(0, levels);
      const spread = asks.length > 0 && bids.length > 0 ? asks[0].price - bids[0].price : undefined;
      return { symbol: book.symbol, time: book.time, asks, bids, ...(spread === undefined ? {} : { spread }) };
    }),
  );
}
