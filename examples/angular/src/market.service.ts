import { Injectable, InjectionToken, OnDestroy, Provider, inject } from '@angular/core';
import { Observable, map, scan, share, shareReplay } from 'rxjs';
import type { FeedStatus, MarketFeed, OrderBook, Trade } from 'rx-market';
import { natsFeed, type NatsFeedOptions } from 'rx-market/nats';

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
 * Gateway mode: the feed comes from an `rx-market gateway` through nats-server's WebSocket
 * listener (`rx-market/nats`, whose `browser` build uses the WebSocket transport), not from a
 * broker session of the page's own. The page holds a NATS consumer login only (it may read market
 * subjects and publish its interest, nothing else) and no broker secret at all; every tab shares
 * the gateway's one broker session. Same `MarketFeed`, so `MarketService` does not change:
 *
 *   provideGatewayFeed({ servers: 'wss://md.example.com:8080', broker: 'kiwoom', user: 'consumer', pass })
 */
export function provideGatewayFeed(options: NatsFeedOptions): Provider {
  return provideMarketFeed(() => natsFeed(options));
}

/** Where the feed comes from: a broker directly, or a gateway over NATS (e.g. from the app's environment). */
export type MarketSource =
  { readonly mode: 'broker'; readonly feed: () => MarketFeed } | { readonly mode: 'gateway'; readonly gateway: NatsFeedOptions };

/** One provider for either mode: `provideMarket(environment.market)`. */
export function provideMarket(source: MarketSource): Provider {
  return source.mode === 'gateway' ? provideGatewayFeed(source.gateway) : provideMarketFeed(source.feed);
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

  /**
   * Where data may be missing: the broker session reconnected or resynced, and in gateway mode also
   * a standby gateway taking over (`reason: 'failover'`) or this page's NATS connection coming back
   * (`reason: 'reconnect'`). Streams go on after a gap; show it, or refetch what matters. Shared
   * without replay: a component shown later must not take an old gap for a new one.
   */
  readonly gaps$ = this.feed.gaps$.pipe(share());

  /** The synced order book of `symbol` (in gateway mode, the gateway's kept book first, then updates). */
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
