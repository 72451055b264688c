import { processEnv } from '../../core/process-env';
import {
  Observable,
  ReplaySubject,
  defer,
  distinctUntilChanged,
  filter,
  map,
  mergeMap,
  pairwise,
  share,
  switchMap,
  take,
  tap,
  throwError,
} from 'rxjs';
import { budgetFor } from '../../core/rest-budget';
import { gapsFromStatus } from '../../feed/gaps';
import { withRest } from '../../feed/with-rest';
import { WeexRest, weexRest, weexRestLimits } from './rest';
import { Key } from '../../core/key';
import { FeedError } from '../../core/errors';
import { createSession } from '../../core/session';
import { Session, SessionOptions } from '../../core/session-types';
import { FeedStatus } from '../../core/status';
import { feedControls } from '../../feed/controls';
import { guardFeed } from '../../feed/guard-feed';
import { MarketFeed, Symbols } from '../../feed/market-feed';
import { perSymbol } from '../../feed/symbols';
import { Balance, OrderBook, OrderEvent, Position, Quote, Trade } from '../../model/market';
import { BookRaw, BookState } from '../../book/book-state';
import { syncedBook } from '../../book/synced-book';
import { WeexCandle, WeexFill, WeexTicker } from './events';
import { boundary } from '../../feed/boundary';
import { connectionsOf, normalizeFills } from '../../feed/fills';
import { distinctTrades } from '../../feed/distinct-trades';
import { WeexMarket, WeexOptions, resolveWeexConfig, weexOptionsFromEnv } from './options';
import { WeexPush } from './codec';
import {
  orderFillFacts,
  toBalances,
  toBookMessage,
  toCandles,
  toFills,
  toOrders,
  toPositions,
  toQuote,
  toTickers,
  toTrades,
} from './mapping';
import { missingCredentials, weexV3Protocol } from './protocol';
import { PositionValuation, ValuationPrice, valuationPrice, withUnrealizedPnl } from './valuation';
import {
  PriceType,
  bookTickerStream,
  checkBookLevels,
  depthStream,
  klineStream,
  normalizeSymbol,
  privateStreams,
  tickerStream,
  streamSymbol,
  tradeStream,
} from './keys';

/**
 * WEEX does not document its ping interval; a quiet private socket hears nothing but pings, so
 * silence is only taken for death after a minute (the core's default is 30 s).
 */
export const WEEX_LIVENESS_MS = 60_000;

export interface OrderBookOptions {
  /**
   * Levels a side, 1–200 (default 15). WEEX serves 15 and 200 levels: 15 and 200 are the wire's
   * books as sent; any other depth (the guide's 5) is trimmed locally from the 15-level stream
   * (16–199 from the 200-level one). Every depth of one symbol shares one wire subscription.
   */
  readonly depth?: number;
}

export interface PositionOptions {
  /**
   * What open positions are valued at for `lastPrice` and `unrealizedPnl`: the public ticker's
   * mark price ('mark', the default; its last price where no mark is sent), its last price
   * ('last'), or nothing ('none': the private pushes only, no public subscription).
   */
  readonly valuation?: PositionValuation;
}

/** WEEX streams: public market data on one connection, the user's account on a signed one. */
export interface WeexFeed extends MarketFeed {
  readonly broker: 'weex';
  /** 'contract' or 'spot'. */
  readonly market: WeexMarket;
  /** 24h tickers. */
  tickers$(symbols: Symbols): Observable<WeexTicker>;
  /** Trades, aggressor side from WEEX's buyer-is-maker flag. */
  trades$(symbols: Symbols): Observable<Trade>;
  /**
   * Synced books only: a book is emitted while it is known to be right (kept in sync from a
   * snapshot and update-id-checked deltas); while it resyncs nothing is emitted. The sync state
   * itself is on `bookSync$`.
   */
  orderBook$(symbols: Symbols, options?: OrderBookOptions): Observable<OrderBook<BookRaw>>;
  /**
   * The book's sync state: syncing, synced (with the book), resyncing (with why). Gaps, crossed
   * books and reconnects resync automatically. Shares its book with `orderBook$`.
   */
  bookSync$(symbol: string, options?: OrderBookOptions): Observable<BookState>;
  /** Best bid and ask (spot market only). */
  quotes$(symbols: Symbols): Observable<Quote>;
  /** Candles of `interval` ('1m', '5m', ... '1M'). */
  candles$(symbols: Symbols, interval: string, priceType?: PriceType): Observable<WeexCandle>;
  /** Balances after each change, one per coin (private). */
  balances$(): Observable<Balance>;
  /**
   * Position changes (private, contract market), valued: each open position carries `lastPrice`
   * and `unrealizedPnl` = (price − avgPrice) × qty (qty < 0 short) at its symbol's ticker mark
   * price, and is emitted again when that price changes (see valuation.ts). The tickers of held
   * symbols are subscribed on the public connection while positions are open.
   */
  positions$(options?: PositionOptions): Observable<Position>;
  /** Order changes, with the fill each one reports (private). */
  orders$(): Observable<OrderEvent>;
  /** Executions of the user's orders (private). */
  fills$(): Observable<WeexFill>;
  /** The V3 REST client the feed's catch-up, backfill and fallback use (README, "REST"). */
  readonly rest: WeexRest;
  /** Each connection's own status (`status$` merges them). */
  readonly publicStatus$: Observable<FeedStatus>;
  readonly privateStatus$: Observable<FeedStatus>;
}

/**
 * A WEEX feed (V3 protocol). Nothing connects until a stream is subscribed; the private
 * connection opens only for private streams.
 *
 * ```ts
 * const feed = weex({ apiKey, secretKey, passphrase });
 * feed.orderBook$('BTCUSDT', { depth: 15 }).pipe(filter((s) => s.status === 'synced'))
 * ```
 */
export function weex(options: WeexOptions = {}, sessionOptions: SessionOptions = {}): WeexFeed {
  const config = resolveWeexConfig(options);
  sessionOptions = { livenessMs: WEEX_LIVENESS_MS, ...sessionOptions };
  const pub: Session<WeexPush> = createSession(
    weexV3Protocol({ url: config.publicUrl, side: 'public', userAgent: config.userAgent, credentials: config.credentials }),
    sessionOptions,
  );
  const priv: Session<WeexPush> = createSession(
    weexV3Protocol({
      url: config.privateUrl,
      side: 'private',
      userAgent: config.userAgent,
      credentials: config.credentials,
      now: config.now,
    }),
    sessionOptions,
  );

  // Mapping runs inside the error boundary: a record the model cannot hold is reported, skipped.
  const mapped = boundary('weex');

  /** Typed messages of public streams; bad symbols fail the subscription with a config error. */
  const publicStream = <T>(symbols: Symbols, key: (s: string) => Key<WeexPush>, read: (p: WeexPush) => readonly T[]): Observable<T> =>
    perSymbol(symbols, 'weex', (symbol) => defer(() => pub.stream(key(normalizeSymbol(symbol)))), mapped.report).pipe(mapped.map(read));

  const privateStream = <T>(key: Key<WeexPush>, read: (p: WeexPush) => readonly T[]): Observable<T> =>
    defer(() => (config.credentials ? priv.stream(key) : throwError(() => missingCredentials()))).pipe(mapped.map(read));

  const books = new Map<string, Observable<BookState>>();
  const bookSync$ = (symbol: string, bookOptions: OrderBookOptions = {}): Observable<BookState> =>
    defer(() => {
      const s = normalizeSymbol(symbol);
      const { wire: depth, levels } = checkBookLevels(bookOptions.depth ?? 15);
      const key = depthStream(s, depth);
      let book = books.get(key);
      if (!book) {
        book = syncedBook(
          {
            // A key still in the table (lingering after an earlier subscriber) would be reused
            // without a new SUBSCRIBE, hence no snapshot: wait until it is released.
            open: () =>
              pub.subscriptions$.pipe(
                filter((table) => !table.some((k) => k.key === key)),
                take(1),
                switchMap(() => pub.stream(key)),
                mapped.map((p: WeexPush) => (p.e === 'depth' || p.e === 'depthSnapshot' ? [toBookMessage(p)] : [])),
              ),
            refresh: () => pub.refresh(key),
            resets$: connectionLost(pub.status$),
          },
          { symbol: s, depth, broker: 'weex' },
        ).pipe(share({ connector: () => new ReplaySubject<BookState>(1), resetOnRefCountZero: true }));
        books.set(key, book);
      }
      return levels < depth ? book.pipe(map((state) => trimmedState(state, levels))) : book;
    });

  /** A held symbol's valuation prices: its ticker's mark (or last) price. */
  const valuationPrices =
    (valuation: Exclude<PositionValuation, 'none'>) =>
    (symbol: string): Observable<ValuationPrice> =>
      publicStream(symbol, tickerStream, (p) => (p.e === 'ticker' ? toTickers(p).map((t) => valuationPrice(t, valuation)) : []));

  const scheduler = sessionOptions.scheduler;
  const clock = scheduler ? () => scheduler.now() : config.now;
  // Spot fills are asked per symbol: the configured ones and those the order stream names.
  const accountSymbols = new Set<string>(options.accountSymbols ?? []);
  const budget =
    options.restBudget ?? budgetFor(`weex:${config.market}:${config.credentials?.apiKey ?? 'public'}`, { ...weexRestLimits, scheduler });
  const rest = weexRest({
    market: config.market,
    restUrl: config.restUrl,
    credentials: config.credentials,
    budget,
    fetch: options.fetch,
    userAgent: config.userAgent,
    now: config.now,
    scheduler,
    report: (e) => mapped.report(e),
    accountSymbols: () => accountSymbols,
  });

  const feed: WeexFeed = {
    rest,
    ...feedControls({
      broker: 'weex',
      sessions: [pub, priv],
      errors: [mapped.errors$],
      symbolOf: (key) => streamSymbol(key) || undefined,
      onClose: () => books.clear(),
    }),
    broker: 'weex',
    market: config.market,
    tickers$: (symbols) => publicStream(symbols, tickerStream, (p) => (p.e === 'ticker' ? toTickers(p) : [])),
    // Trade ids make repeats visible: the snapshot a re-subscription gets holds prints seen already.
    trades$: (symbols) =>
      publicStream(symbols, tradeStream, (p) => (p.e === 'trade' || p.e === 'tradeSnapshot' ? toTrades(p) : [])).pipe(
        distinctTrades((t) => t.tradeId),
      ),
    quotes$: (symbols) => publicStream(symbols, bookTickerStream, (p) => (p.e === 'bookTicker' ? [toQuote(p)] : [])),
    candles$: (symbols, interval, priceType = 'LAST_PRICE') =>
      publicStream(
        symbols,
        (s) => klineStream(s, interval, priceType),
        (p) => (p.e === 'kline' || p.e === 'klineSnapshot' ? toCandles(p) : []),
      ),
    orderBook$: (symbols, bookOptions) =>
      perSymbol(symbols, 'weex', (symbol) => bookSync$(symbol, bookOptions), mapped.report).pipe(
        mergeMap((state) => (state.status === 'synced' ? [state.book] : [])),
      ),
    bookSync$,
    balances$: () => privateStream(privateStreams.account, (p) => (p.e === 'account' ? toBalances(p) : [])),
    positions$: (positionOptions = {}) => {
      const positions = privateStream(privateStreams.positions, (p) => (p.e === 'positions' ? toPositions(p) : []));
      const valuation = positionOptions.valuation ?? 'mark';
      if (valuation === 'none') return positions;
      // A ticker that cannot be had leaves its symbol unvalued; the positions go on.
      const unvalued = (e: unknown, symbol: string): void =>
        mapped.report(
          e instanceof FeedError
            ? e
            : new FeedError({
                kind: 'notice',
                broker: 'weex',
                message: `weex: positions of ${symbol} cannot be valued: ${(e as Error)?.message ?? String(e)}`,
              }),
        );
      return positions.pipe(withUnrealizedPnl(valuationPrices(valuation), unvalued));
    },
    orders$: () =>
      privateStream(privateStreams.orders, (p) => (p.e === 'orders' ? toOrders(p) : [])).pipe(
        tap((o) => accountSymbols.add(o.symbol)),
        normalizeFills({ broker: 'weex', facts: orderFillFacts, report: mapped.report, connections$: connectionsOf(priv.status$) }),
      ),
    fills$: () => privateStream(privateStreams.fills, (p) => (p.e === 'fill' ? toFills(p) : [])),
    publicStatus$: pub.status$,
    privateStatus$: priv.status$,
  };
  // Each side's gaps from its own connection: a private drop catches the account up, a public one backfills trades.
  const withBeside = withRest(feed, {
    rest,
    // Catch-up is the default with credentials (left unsaid, so the browser build, which has no REST, does not refuse it); without, there is no account to ask.
    options: config.credentials ? options.rest : { catchUp: false, ...options.rest },
    liveTotals: 'broker',
    report: (e) => mapped.report(e),
    clock,
    scheduler,
    gaps$: gapsFromStatus(pub.status$, clock),
    accountGaps$: gapsFromStatus(priv.status$, clock),
    marketStatus$: pub.status$,
  });
  return guardFeed<WeexFeed>(withBeside, sessionOptions);
}

/** A feed configured from WEEX_* environment variables (see `weexEnvVars`). */
export function weexFromEnv(
  env: Readonly<Record<string, string | undefined>> = processEnv('weex', 'the options in code (keys belong on a server)'),
  sessionOptions?: SessionOptions,
): WeexFeed {
  return weex(weexOptionsFromEnv(env), sessionOptions);
}

/** A synced book cut to its best `levels` a side (the exact strings in `raw` too); other states as they are. */
export function trimmedState(state: BookState, levels: number): BookState {
  if (state.status !== 'synced') return state;
  const { book } = state;
  return {
    ...state,
    book: {
      ...book,
      bids: book.bids.slice(0, levels),
      asks: book.asks.slice(0, levels),
      raw: { ...book.raw, bids: book.raw.bids.slice(0, levels), asks: book.raw.asks.slice(0, levels) },
    },
  };
}

/** Emits each time an open connection stops being open: every book on it is void. */
export function connectionLost(status$: Observable<FeedStatus>): Observable<FeedStatus> {
  return status$.pipe(
    distinctUntilChanged((a, b) => (a.state === 'open') === (b.state === 'open')),
    pairwise(),
    filter(([before, after]) => before.state === 'open' && after.state !== 'open'),
    map(([, after]) => after),
  );
}
