/**
 * The slow-consumer defaults on a feed's contract streams (trades$, orderBook$, quotes$, orders$,
 * positions$, balances$): each stream gets its own `slowConsumer` guard, so books and quotes
 * conflate per symbol and the other kinds are bounded losslessly for a consumer that lags (see
 * feed/slow-consumer). Broker extras (tickers, candles, conditions, ...) are passed as they are.
 *
 *   feed.trades$('A'):        -t-t-t-t-            (unchanged for a consumer that keeps up)
 *   guardFeed(feed).trades$:  -t-t-t-t-
 */
import { Observable } from 'rxjs';
import { SessionOptions } from '../core/session-types';
import { MarketFeed } from './market-feed';
import { slowConsumer } from './slow-consumer';

const GUARDED = ['trades$', 'orderBook$', 'quotes$', 'orders$', 'positions$', 'balances$'] as const;

/**
 * `feed` with the guard on its contract streams, per `options.slowConsumer` (default on; off with
 * a virtual-time `scheduler` unless given; `false` turns it off).
 */
export function guardFeed<F extends MarketFeed>(feed: F, options: Pick<SessionOptions, 'slowConsumer' | 'scheduler'> = {}): F {
  const setting = options.slowConsumer ?? (options.scheduler === undefined ? {} : false);
  if (setting === false) return feed;
  const guarded = { ...feed } as Record<string, unknown>;
  for (const name of GUARDED) {
    const open = feed[name] as ((...args: unknown[]) => Observable<unknown>) | undefined;
    if (typeof open !== 'function') continue;
    guarded[name] = (...args: unknown[]) =>
      open.apply(feed, args).pipe(slowConsumer({ ...setting, broker: feed.broker, scheduler: options.scheduler }));
  }
  return guarded as F;
}
