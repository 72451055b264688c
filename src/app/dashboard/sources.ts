import {
  asyncScheduler,
  catchError,
  defer,
  EMPTY,
  groupBy,
  interval,
  map,
  merge,
  mergeMap,
  Observable,
  of,
  SchedulerLike,
  share,
} from 'rxjs';
import { MarketFeed } from '../../feed/market-feed';
import { MarketEvent } from '../../model/market';
import { bars } from '../../operators/bars';
import { vwap } from '../../operators/vwap';
import { DashboardAction } from './state';

export interface SourceOptions {
  readonly scheduler?: SchedulerLike;
  /** How often rates are recomputed. Default 1 000 ms. */
  readonly tickMs?: number;
}

const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/**
 * Everything the dashboard listens to, as actions, through `MarketFeed` only: trades and books
 * of the symbols, the account streams the feed has (`orders$`, and `positions$`/`balances$`
 * where it has them), the feed's status, key table, errors and frames, 1-minute bars and VWAPs
 * computed from the trades by the operators, and a clock tick for the rates. A stream that fails
 * shows up as an error action; the others go on.
 */
export function dashboardActions(feed: MarketFeed, symbols: readonly string[], options: SourceOptions = {}): Observable<DashboardAction> {
  const scheduler = options.scheduler ?? asyncScheduler;
  const failed = (what: string) => (err: unknown) => of<DashboardAction>({ type: 'error', message: `${what}: ${messageOf(err)}` });
  const events = (name: string, open: () => Observable<MarketEvent>): Observable<DashboardAction> =>
    defer(open).pipe(
      map((event): DashboardAction => ({ type: 'event', event })),
      catchError(failed(name)),
    );

  const trades$ = (symbols.length > 0 ? defer(() => feed.trades$(symbols)) : EMPTY).pipe(share());
  const tradeEvents$ = trades$.pipe(
    map((event): DashboardAction => ({ type: 'event', event })),
    catchError(failed('trades')),
  );
  const bars$ = trades$.pipe(
    bars(60_000, { scheduler }),
    map((bar): DashboardAction => ({ type: 'bar', bar })),
    catchError(failed('bars')),
  );
  const vwaps$ = trades$.pipe(
    groupBy((t) => t.symbol),
    mergeMap((one) =>
      merge(
        one.pipe(
          vwap('session'),
          map((value): DashboardAction => ({ type: 'vwap', symbol: one.key, window: 'session', value })),
        ),
        one.pipe(
          vwap({ ms: 60_000, scheduler }),
          map((value): DashboardAction => ({ type: 'vwap', symbol: one.key, window: 'minute', value })),
        ),
      ),
    ),
    catchError(failed('vwap')),
  );
  const { positions$, balances$ } = feed;

  return merge(
    feed.frames$.pipe(map((): DashboardAction => ({ type: 'frame' }))),
    feed.status$.pipe(map((status): DashboardAction => ({ type: 'status', status }))),
    feed.subscriptions$.pipe(map((keys): DashboardAction => ({ type: 'keys', keys }))),
    feed.errors$.pipe(map((e): DashboardAction => ({ type: 'error', message: `${e.kind}: ${e.message}` }))),
    tradeEvents$,
    bars$,
    vwaps$,
    symbols.length > 0 ? events('book', () => feed.orderBook$(symbols)) : EMPTY,
    events('orders', () => feed.orders$()),
    positions$ ? events('positions', () => positions$()) : EMPTY,
    balances$ ? events('balances', () => balances$()) : EMPTY,
    interval(options.tickMs ?? 1_000, scheduler).pipe(map((): DashboardAction => ({ type: 'tick', now: scheduler.now() }))),
  );
}
