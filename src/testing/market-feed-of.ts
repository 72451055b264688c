import { BehaviorSubject, NEVER, Observable, filter, of } from 'rxjs';
import { FeedStatus } from '../core/status';
import { MarketFeed, Symbols } from '../feed/market-feed';
import { symbolList } from '../feed/symbols';
import { MarketStreams } from './strategy-kit';

/**
 * The strategy kit's fake streams as a `MarketFeed`, so a strategy written against the contract
 * (the one that runs on every broker) is marble-tested as it is:
 *
 * ```ts
 * strategyTest(({ feed, expectSignals }) => {
 *   const f = marketFeedOf(feed({ trades: '-a-b|' }, { a, b }));
 *   expectSignals(myStrategy(f, '005930')).toBe('---x|', { x });
 * });
 * ```
 * Symbol streams pass the events of the symbols asked for; `status$` is 'open' until `close()`,
 * which completes every stream; errors, gaps and notices never come; the key table is empty.
 */
export function marketFeedOf(streams: MarketStreams, broker = 'test'): MarketFeed {
  const closed = new BehaviorSubject(false);
  const status$ = new BehaviorSubject<FeedStatus>({ state: 'open', connections: 1, keys: 0 });
  const untilClosed = <T>(source: Observable<T>): Observable<T> =>
    new Observable<T>((subscriber) => {
      const done = closed.pipe(filter(Boolean)).subscribe(() => subscriber.complete());
      subscriber.add(done);
      subscriber.add(source.subscribe(subscriber));
    });
  const of$ =
    <T extends { readonly symbol: string }>(events$: Observable<T>) =>
    (symbols: Symbols): Observable<T> => {
      const wanted = new Set(symbolList(symbols, broker));
      return untilClosed(events$.pipe(filter((e) => wanted.has(e.symbol))));
    };
  return {
    broker,
    status$: status$.asObservable(),
    errors$: untilClosed(NEVER),
    subscriptions$: untilClosed(of([])),
    frames$: untilClosed(NEVER),
    gaps$: untilClosed(NEVER),
    notices$: untilClosed(NEVER),
    trades$: of$(streams.trades$),
    orderBook$: of$(streams.books$),
    quotes$: of$(streams.quotes$),
    orders$: () => untilClosed(streams.orders$),
    positions$: () => untilClosed(streams.positions$),
    close: () => {
      if (closed.value) return;
      status$.next({ state: 'closed' });
      status$.complete();
      closed.next(true);
    },
  };
}
