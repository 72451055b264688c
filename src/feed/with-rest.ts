/**
 * REST beside the socket, for any feed: the account catch-up on `orders$`, the trade backfill
 * on `trades$` (opt-in), the hybrid fallback on `quotes$`/`orderBook$`/`status$` (opt-in), or a
 * REST-only feed that never opens a socket. Each broker's factory applies it with its REST
 * client (`brokers/<name>/rest/`); the streams keep their names and signatures, and every event
 * that came by REST says so (`source: 'rest'`; its `raw` is then the REST row).
 *
 *   feed.orders$()          live ─► catchUpOrders(gaps) ─► out
 *   feed.trades$(s)         live ─► backfillTrades(gaps) ─► out          (backfill: true)
 *   feed.quotes$(s)         merge(live, fallback.quotes(s))              (fallback: {...})
 *   feed.status$            status with 'degraded' while polling
 */
import { NEVER, Observable, SchedulerLike, asyncScheduler, defer, filter, map, merge, throwError, timer } from 'rxjs';
import { FeedError } from '../core/errors';
import { KeyNotice } from '../core/notices';
import { FeedStatus } from '../core/status';
import { OrderBook, OrderEvent, Quote, Trade } from '../model/market';
import { backfillTrades } from './backfill';
import { catchUpOrders } from './catch-up';
import { Fallback, FallbackOptions, createFallback } from './fallback';
import { Gap, gapsFromStatus } from './gaps';
import { Symbols } from './market-feed';
import { MarketRest } from './rest-source';

export interface RestOptions {
  /**
   * Account catch-up on `orders$` after every gap (a baseline query at subscription, then one per
   * gap). Default true wherever the feed has an account to ask about; `false` turns it off.
   */
  readonly catchUp?: boolean;
  /** Trade backfill on `trades$` after every gap. Default false. */
  readonly backfill?: boolean;
  /** Hybrid fallback: poll REST while the socket cannot stream for longer than `afterMs`. Off by default. */
  readonly fallback?: FallbackOptions;
  /**
   * REST only, for networks that block WebSockets: no socket is ever opened; quotes, books,
   * trades and orders are polled every `pollMs` within the budget; `status$` says `degraded`.
   */
  readonly restOnly?: { readonly pollMs: number };
}

/** The streams `withRest` wraps. */
export interface RestWrappable {
  readonly broker: string;
  readonly status$: Observable<FeedStatus>;
  /** Key-level gap notices, where the feed has them (else gaps are derived from `status$`). */
  readonly gaps$?: Observable<Gap>;
  /** Key notices (gaps and staleness): a stale key is polled by the fallback until its data is back. */
  readonly notices$?: Observable<KeyNotice>;
  trades$(symbols: Symbols, ...rest: never[]): Observable<Trade>;
  /** Optional only until every feed has the contract's quotes$. */
  quotes$?(symbols: Symbols, ...rest: never[]): Observable<Quote>;
  orderBook$(symbols: Symbols, ...rest: never[]): Observable<OrderBook>;
  orders$(): Observable<OrderEvent>;
}

export interface WithRestDeps {
  readonly rest: MarketRest;
  readonly options?: RestOptions;
  /** What a live order notice's `filledQty` is (see catchUpOrders). */
  readonly liveTotals: 'broker' | 'stream';
  /** Feed-level errors (the feed's errors$). */
  readonly report: (error: FeedError) => void;
  /** The feed's clock. */
  readonly clock: () => number;
  readonly scheduler?: SchedulerLike;
  /** Gap notices; default: the feed's `gaps$`, else connection gaps derived from `status$`. */
  readonly gaps$?: Observable<Gap>;
  /** Gaps of the account stream alone, where it has its own connection (WEEX private). Default: from `gaps$`. */
  readonly accountGaps$?: Observable<Gap>;
  /** The market-data connection's status, where it is not the only one (WEEX public): decides the fallback. */
  readonly marketStatus$?: Observable<FeedStatus>;
}

/** A feed with REST beside it: the same streams, plus the REST client. */
export type WithRest<F> = F & { readonly rest: MarketRest };

function list(symbols: Symbols): readonly string[] {
  return typeof symbols === 'string' ? [symbols] : [...new Set(symbols)];
}

export function withRest<F extends RestWrappable>(feed: F, deps: WithRestDeps): WithRest<F> {
  const o = deps.options ?? {};
  const scheduler = deps.scheduler ?? asyncScheduler;
  const rest = deps.rest;
  const all$ = deps.gaps$ ?? feed.gaps$ ?? gapsFromStatus(feed.status$, deps.clock);
  const keyed = deps.gaps$ === undefined && feed.gaps$ !== undefined;
  // Key-level notices: the account keys name no symbol; market keys name theirs.
  const gaps$ = deps.accountGaps$ ?? (keyed ? all$.pipe(filter((g) => !g.symbol)) : all$);
  const marketGaps$ = keyed ? all$.pipe(filter((g) => !!g.symbol)) : all$;

  if (o.restOnly) return restOnly(feed, deps, o.restOnly.pollMs, scheduler);

  const fallback: Fallback | undefined = o.fallback
    ? createFallback({
        rest,
        status$: feed.status$,
        watch$: deps.marketStatus$,
        options: o.fallback,
        report: deps.report,
        scheduler,
        // A stale market key (quiet while its market is open): poll its symbol until a gap notice says it is live again.
        ...(feed.notices$
          ? {
              stale$: feed.notices$.pipe(
                filter((n) => n.symbol !== undefined && n.symbol !== ''),
                map((n) => ({ symbol: n.symbol as string, stale: n.type === 'stale' })),
              ),
            }
          : {}),
      })
    : undefined;

  const orders$ = (): Observable<OrderEvent> =>
    o.catchUp === false
      ? feed.orders$()
      : feed.orders$().pipe(catchUpOrders({ rest, gaps$, liveTotals: deps.liveTotals, report: deps.report, scheduler }));

  const trades$ = (symbols: Symbols, ...more: never[]): Observable<Trade> =>
    o.backfill
      ? feed.trades$(symbols, ...more).pipe(backfillTrades({ rest, gaps$: marketGaps$, symbols: list(symbols), report: deps.report }))
      : feed.trades$(symbols, ...more);

  const liveQuotes = (symbols: Symbols, ...more: never[]): Observable<Quote> => (feed.quotes$ ? feed.quotes$(symbols, ...more) : NEVER);
  const quotes$ = (symbols: Symbols, ...more: never[]): Observable<Quote> =>
    fallback ? merge(liveQuotes(symbols, ...more), ...list(symbols).map((s) => fallback.quotes(s))) : liveQuotes(symbols, ...more);

  const orderBook$ = (symbols: Symbols, ...more: never[]): Observable<OrderBook> =>
    fallback ? merge(feed.orderBook$(symbols, ...more), ...list(symbols).map((s) => fallback.books(s))) : feed.orderBook$(symbols, ...more);

  return {
    ...feed,
    rest,
    status$: fallback ? fallback.status$ : feed.status$,
    orders$: orders$ as F['orders$'],
    trades$: trades$ as unknown as F['trades$'],
    ...(feed.quotes$ || fallback ? { quotes$: quotes$ as unknown as F['quotes$'] } : {}),
    orderBook$: orderBook$ as unknown as F['orderBook$'],
  };
}

/** Every stream by REST polling; no socket. */
function restOnly<F extends RestWrappable>(feed: F, deps: WithRestDeps, pollMs: number, scheduler: SchedulerLike): WithRest<F> {
  const rest = deps.rest;
  const fallback = createFallback({
    rest,
    status$: feed.status$,
    options: { afterMs: 0, pollMs },
    report: deps.report,
    scheduler,
    always: true,
  });
  const ticks = (): Observable<Gap> =>
    defer(() => {
      let last = deps.clock();
      return timer(pollMs, pollMs, scheduler).pipe(
        map(() => {
          const gap: Gap = { from: last - pollMs, to: deps.clock(), reason: 'poll' };
          last = gap.to;
          return gap;
        }),
      );
    });
  const unsupported = (what: string) =>
    throwError(
      () => new FeedError({ kind: 'config', broker: feed.broker, message: `${feed.broker}: ${what} is not available in REST-only mode` }),
    );
  const trades$ = (symbols: Symbols): Observable<Trade> =>
    (NEVER as Observable<Trade>).pipe(backfillTrades({ rest, gaps$: ticks(), symbols: list(symbols), report: deps.report }));
  return {
    ...feed,
    rest,
    status$: fallback.status$,
    orders$: (() =>
      (NEVER as Observable<OrderEvent>).pipe(
        catchUpOrders({ rest, gaps$: ticks(), liveTotals: deps.liveTotals, report: deps.report, scheduler }),
      )) as F['orders$'],
    trades$: trades$ as unknown as F['trades$'],
    quotes$: ((symbols: Symbols) => merge(...list(symbols).map((s) => fallback.quotes(s)))) as unknown as F['quotes$'],
    orderBook$: ((symbols: Symbols) => merge(...list(symbols).map((s) => fallback.books(s)))) as unknown as F['orderBook$'],
    ...('positions$' in feed ? { positions$: () => unsupported('positions$') } : {}),
    ...('balances$' in feed ? { balances$: () => unsupported('balances$') } : {}),
  };
}
