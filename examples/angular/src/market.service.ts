import { Injectable, InjectionToken, OnDestroy, Provider, inject } from '@angular/core';
import { Observable, map, scan, shareReplay } from 'rxjs';
import type { FeedStatus, MarketFeed, OrderBook, Trade } from 'rx-market';

/** The feed the app uses: any broker, since every feed implements `MarketFeed`. */
export const MARKET_FEED = new InjectionToken<MarketFeed>('rx-market feed');

/**
 * Provides the feed, made once per injector. In a browser, get short-lived credentials from your
 * own backend (the app secret never ships to the browser), e.g. a Kiwoom token:
 *
 *   provideMarketFeed(() => kiwoom({ appKey: '(kept by the backend)', secretKey: '(kept by the backend)', accessToken }))
 */
export function provideMarketFeed(factory: () => MarketFeed): Provider {
  return { provide: MARKET_FEED, useFactory: factory };
}

/**
 * Feed streams for components. Each stream is created once per symbol and shared:
 * `shareReplay({ bufferSize: 1, refCount: true })` gives a late subscriber (a component shown
 * later, a second `async` pipe) the latest value at once, and unsubscribes from the feed when the
 * last component goes away, so the broker key is released and the socket closes after its linger.
 */
@Injectable({ providedIn: 'root' })
export class MarketService implements OnDestroy {
  private readonly feed = inject(MARKET_FEED);
  private readonly books = new Map<string, Observable<OrderBook>>();
  private readonly tapes = new Map<string, Observable<readonly Trade[]>>();

  /** Connection state: connecting, open, reconnecting, closed. */
  readonly status$: Observable<FeedStatus['state']> = this.feed.status$.pipe(
    map((s) => s.state),
    shareReplay({ bufferSize: 1, refCount: true }),
  );

  /** The synced order book of `symbol`. */
  book$(symbol: string): Observable<OrderBook> {
    return cached(this.books, symbol, () => this.feed.orderBook$(symbol).pipe(shareReplay({ bufferSize: 1, refCount: true })));
  }

  /** The newest `size` trades of `symbol`, newest first. */
  tape$(symbol: string, size = 20): Observable<readonly Trade[]> {
    return cached(this.tapes, `${symbol}|${size}`, () =>
      this.feed.trades$(symbol).pipe(
        scan((tape: readonly Trade[], trade: Trade) => [trade, ...tape].slice(0, size), []),
        shareReplay({ bufferSize: 1, refCount: true }),
      ),
    );
  }

  /** Ends every stream and the socket when the app (the root injector) is destroyed. */
  ngOnDestroy(): void {
    this.feed.close();
  }
}

function cached<T>(cache: Map<string, T>, key: string, make: () => T): T {
  let value = cache.get(key);
  if (value === undefined) {
    value = make();
    cache.set(key, value);
  }
  return value;
}
