import {
  asyncScheduler,
  catchError,
  defer,
  EMPTY,
  filter,
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
import { BrokerModule, Feed, StreamLine } from '../broker-module';
import { Trade } from '../../model/market';
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
 * Everything the dashboard listens to, as actions, through the public API only: the module's
 * `trades` and `book` streams for the symbols, its account streams (`orders`, and `balance` or
 * `positions`) where it has them, the feed's status, key table, errors and frames, 1-minute bars
 * and VWAPs computed from the trades by the operators, and a clock tick for the rates.
 * A stream that fails shows up as an error action; the others go on.
 */
export function dashboardActions(
  module: Pick<BrokerModule, 'streams'>,
  feed: Feed,
  symbols: readonly string[],
  options: SourceOptions = {},
): Observable<DashboardAction> {
  const scheduler = options.scheduler ?? asyncScheduler;
  const failed = (what: string) => (err: unknown) => of<DashboardAction>({ type: 'error', message: `${what}: ${messageOf(err)}` });
  const open = (name: string, withSymbols: boolean): Observable<StreamLine> => {
    const stream = module.streams[name];
    if (!stream) return EMPTY;
    return defer(() => stream.open(feed, withSymbols ? symbols : [], {}));
  };
  const events = (name: string, withSymbols: boolean): Observable<DashboardAction> =>
    open(name, withSymbols).pipe(
      map((event): DashboardAction => ({ type: 'event', event })),
      catchError(failed(name)),
    );

  const trades$ = open('trades', true).pipe(
    filter((e): e is Trade => e.kind === 'trade'),
    share(),
  );
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
        one.pipe(vwap('session'), map((value): DashboardAction => ({ type: 'vwap', symbol: one.key, window: 'session', value }))),
        one.pipe(vwap({ ms: 60_000, scheduler }), map((value): DashboardAction => ({ type: 'vwap', symbol: one.key, window: 'minute', value }))),
      ),
    ),
    catchError(failed('vwap')),
  );
  const positions = module.streams.balance ? 'balance' : 'positions';

  return merge(
    feed.frames$.pipe(map((): DashboardAction => ({ type: 'frame' }))),
    feed.status$.pipe(map((status): DashboardAction => ({ type: 'status', status }))),
    feed.subscriptions$.pipe(map((keys): DashboardAction => ({ type: 'keys', keys }))),
    feed.errors$.pipe(map((e): DashboardAction => ({ type: 'error', message: `${e.kind}: ${e.message}` }))),
    tradeEvents$,
    bars$,
    vwaps$,
    events('book', true),
    events('orders', false),
    events(positions, false),
    interval(options.tickMs ?? 1_000, scheduler).pipe(map((): DashboardAction => ({ type: 'tick', now: scheduler.now() }))),
  );
}
