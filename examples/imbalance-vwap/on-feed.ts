/**
 * The imbalance + VWAP strategy on any broker's feed: it asks `MarketFeed` for one symbol's trades
 * and order book and nothing else, so the compiler checks that it runs unchanged on Kiwoom, KIS,
 * WEEX, a NATS gateway feed, or a feed of your own (__tests__/examples/strategy-on-every-broker
 * runs it on each broker's loopback server).
 *
 * ```ts
 * import { kis } from 'rx-market';
 * imbalanceVwapOn(kisFromEnv(), '005930').subscribe((s) => console.log(s.side, s.price));
 * ```
 */
import { Observable } from 'rxjs';
import { MarketFeed } from '../../src/feed/market-feed';
import { ImbalanceVwapOptions, Signal, imbalanceVwap } from './strategy';

export function imbalanceVwapOn(feed: MarketFeed, symbol: string, options?: ImbalanceVwapOptions): Observable<Signal> {
  return imbalanceVwap({ trades$: feed.trades$(symbol), books$: feed.orderBook$(symbol) }, options);
}
