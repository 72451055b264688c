/**
 * The hybrid fallback: while the socket cannot stream for longer than `afterMs`, poll REST
 * snapshots of the subscribed symbols every `pollMs`, within the credential's budget, and emit
 * them as quotes and books marked `source: 'rest'`; stop the moment the socket is open again.
 *
 *   status$:   open ──── reconnecting ─────────────────────────── open ───
 *   degraded:  ───────────────────── afterMs ─► true ────────────► false
 *   polls:     ─────────────────────────────── q ─── q ─── q ─────|
 *   status$':  open ──── reconnecting ──────── degraded ───────── open ───
 *
 * One poller serves every subscriber. A round is one batched quote call (where the broker
 * batches) and one book call per symbol with book subscribers, highest subscriber count first
 * (the budget's priority); a round that outlasts `pollMs` delays the next (exhaustMap), so the
 * poller never queues more than one round in the budget. Stopping cancels calls still waiting
 * in the budget's queue.
 */
import {
  BehaviorSubject,
  EMPTY,
  Observable,
  SchedulerLike,
  Subject,
  asyncScheduler,
  catchError,
  combineLatest,
  concat,
  defer,
  distinctUntilChanged,
  exhaustMap,
  filter,
  finalize,
  ignoreElements,
  map,
  merge,
  of,
  share,
  startWith,
  switchMap,
  timer,
} from 'rxjs';
import { FeedError, toFeedError } from '../core/errors';
import { FeedStatus } from '../core/status';
import { OrderBook, Quote } from '../model/market';
import { MarketRest } from './rest-source';

export interface FallbackOptions {
  /** Poll once the socket has not streamed for this long. */
  readonly afterMs: number;
  /** Time between polls. */
  readonly pollMs: number;
}

export interface Fallback {
  /** REST quotes of `symbol` while degraded (nothing otherwise); subscribing registers interest. */
  quotes(symbol: string): Observable<Quote>;
  /** REST books of `symbol` while degraded. */
  books(symbol: string): Observable<OrderBook>;
  /** The feed's status with `degraded` while polling. */
  readonly status$: Observable<FeedStatus>;
  /** Whether the fallback polls now. */
  readonly degraded$: Observable<boolean>;
}

export interface FallbackDeps {
  readonly rest: Pick<MarketRest, 'quotes' | 'orderBook' | 'broker'>;
  readonly status$: Observable<FeedStatus>;
  /** The status that decides `degraded` (the market-data connection, where a feed has several). Default `status$`. */
  readonly watch$?: Observable<FeedStatus>;
  readonly options: FallbackOptions;
  readonly report: (error: FeedError) => void;
  readonly scheduler?: SchedulerLike;
  /** REST only: degraded from the start, whatever the status says. */
  readonly always?: boolean;
  /**
   * Stale keys: a symbol whose key went quiet while the socket stays open (`stale: true`) is
   * polled alone until its data is back (`stale: false`), without `degraded` on status$.
   */
  readonly stale$?: Observable<{ readonly symbol: string; readonly stale: boolean }>;
}

interface Interest {
  quotes: number;
  books: number;
}

export function createFallback(deps: FallbackDeps): Fallback {
  const scheduler = deps.scheduler ?? asyncScheduler;
  const { afterMs, pollMs } = deps.options;
  const broker = deps.rest.broker;
  const interest = new Map<string, Interest>();
  const interestChanged = new BehaviorSubject<void>(undefined);
  const quotes = new Subject<Quote>();
  const books = new Subject<OrderBook>();

  const degraded$: Observable<boolean> = deps.always
    ? of(true)
    : (deps.watch$ ?? deps.status$).pipe(
        map((s) => s.state === 'open'),
        distinctUntilChanged(),
        switchMap((open) => (open ? of(false) : concat(of(false), timer(afterMs, scheduler).pipe(map(() => true))))),
        distinctUntilChanged(),
        share({ resetOnRefCountZero: true }),
      );

  /** Symbols of stale keys now (polled while the socket is open). */
  const staleNow = new Set<string>();
  const ranked = (kind: keyof Interest, only?: ReadonlySet<string>): string[] =>
    [...interest.entries()]
      .filter(([s, i]) => i[kind] > 0 && (only === undefined || only.has(s)))
      .sort((a, b) => b[1].quotes + b[1].books - (a[1].quotes + a[1].books))
      .map(([s]) => s);

  const guard = <T>(what: string) =>
    catchError<T, Observable<never>>((err: unknown) => {
      deps.report(
        toFeedError(err, { kind: 'connection', broker }).with({
          message: `${broker}: fallback ${what} failed (${err instanceof Error ? err.message : String(err)}); next poll in ${pollMs} ms`,
        }),
      );
      return EMPTY;
    });

  /** One round: the batched quotes, then books by subscriber count (only stale symbols' when not degraded). */
  const round = (only?: ReadonlySet<string>): Observable<never> =>
    defer(() => {
      const q = ranked('quotes', only);
      const b = ranked('books', only);
      const quoteCall = q.length === 0 ? EMPTY : deps.rest.quotes(q).pipe(guard<readonly Quote[]>('quote poll'));
      const bookCalls = b.map((symbol) => deps.rest.orderBook(symbol).pipe(guard<OrderBook>(`book poll of ${symbol}`)));
      return merge(
        quoteCall.pipe(map((list) => list.forEach((x) => quotes.next({ ...x, source: 'rest' })))),
        ...bookCalls.map((call) => call.pipe(map((x) => books.next({ ...x, source: 'rest' })))),
      ).pipe(ignoreElements());
    });

  // Which symbols are stale now: a set that changes with each notice (none without stale$).
  const stale$: Observable<number> = (deps.stale$ ?? EMPTY).pipe(
    map((n) => {
      if (n.stale) staleNow.add(n.symbol);
      else staleNow.delete(n.symbol);
      return staleNow.size;
    }),
    distinctUntilChanged(),
    startWith(0),
  );
  const poller$: Observable<never> = combineLatest([degraded$, stale$]).pipe(
    map(([on, stale]) => (on ? 'all' : stale > 0 ? 'stale' : 'none')),
    distinctUntilChanged(),
    switchMap((mode) => {
      if (mode === 'none') return EMPTY;
      return timer(0, pollMs, scheduler).pipe(exhaustMap(() => round(mode === 'all' ? undefined : staleNow)));
    }),
    ignoreElements(),
    share({ resetOnRefCountZero: true }),
  );

  const register = <T extends { readonly symbol: string }>(symbol: string, kind: keyof Interest, out: Observable<T>): Observable<T> =>
    defer(() => {
      const i = interest.get(symbol) ?? { quotes: 0, books: 0 };
      i[kind] += 1;
      interest.set(symbol, i);
      interestChanged.next();
      return merge(poller$, out.pipe(filter((x) => x.symbol === symbol))).pipe(
        finalize(() => {
          i[kind] -= 1;
          if (i.quotes + i.books === 0) interest.delete(symbol);
        }),
      );
    });

  const status$: Observable<FeedStatus> = deps.always
    ? of<FeedStatus>({ state: 'degraded', since: scheduler.now(), pollMs, socket: 'none', reason: 'REST-only mode' })
    : defer(() => {
        let since = 0;
        let was = false;
        // The status shown, the status watched (the market connection), and whether polling is on.
        return combineLatest([deps.status$, deps.watch$ ?? deps.status$, degraded$]).pipe(
          map(([s, w, degraded]): FeedStatus => {
            const now = degraded && w.state !== 'open';
            if (now && !was) since = scheduler.now();
            was = now;
            return now
              ? {
                  state: 'degraded',
                  since,
                  pollMs,
                  socket: w.state === 'degraded' ? 'none' : w.state,
                  reason:
                    w.state === 'reconnecting'
                      ? w.reason
                      : w.state === 'closed' && w.error
                        ? w.error.message
                        : `socket ${w.state} for over ${afterMs} ms`,
                }
              : s;
          }),
        );
      });

  return {
    quotes: (symbol) => register(symbol, 'quotes', quotes),
    books: (symbol) => register(symbol, 'books', books),
    status$,
    degraded$,
  };
}
