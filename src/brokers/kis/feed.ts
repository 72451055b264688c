/** The KIS feed: typed market and account streams over one KIS session. */
import { processEnv } from '../../core/process-env';
import { Observable, Subject, defer, map, throwError } from 'rxjs';
import { budgetFor, budgeted } from '../../core/rest-budget';
import { HttpFetch, globalFetch } from '../../core/rest';
import { withRest } from '../../feed/with-rest';
import { KisRest, kisRest, kisRestLimits } from './rest';
import { FetchLike } from './auth';
import { createSessionPool } from '../../core/session-pool';
import { SessionOptions } from '../../core/session-types';
import { FeedError } from '../../core/errors';
import { feedControls } from '../../feed/controls';
import { guardFeed } from '../../feed/guard-feed';
import { MarketFeed, Symbols } from '../../feed/market-feed';
import { perSymbol } from '../../feed/symbols';
import { Quote } from '../../model';
import { KisOptions, optionsFromEnv, resolveConfig } from './options';
import { kisProtocol } from './protocol';
import { KisMarketKind, KisMarketMessages, marketKey, noticeKey } from './keys';
import { quoteOfBook, toModel } from './mapping';
import { KisWireRecord } from './wire/message';
import { KisEnv, KisExchange, KisVenue, noticeTrId, parseExchange } from './wire/tr-ids';
import { KisTrade } from './wire/trade';
import { KisOrderBook } from './wire/book';
import { KisExpectedTrade } from './wire/expected';
import { KisMarketStatus } from './wire/market-status';
import { KisOrderEvent } from './wire/notice';
import { boundary } from '../../feed/boundary';
import { connectionsOf, normalizeFills } from '../../feed/fills';
import { distinctTrades } from '../../feed/distinct-trades';
import { FillBook, orderFillFacts, tradeIdentity } from './fills';
import { parseKey } from './wire/control';

export interface KisStreamOptions {
  /** Venue: 'KRX', 'NXT' or 'UN' (integrated, the default in real; 'KRX' in paper); 'SOR' streams 'UN'. */
  readonly exchange?: KisVenue;
}

export interface KisBookOptions extends KisStreamOptions {
  /** Keep the best N levels a side (KIS sends 10). */
  readonly depth?: number;
}

export interface KisFeed extends MarketFeed {
  readonly broker: 'kis';
  readonly env: KisEnv;
  /** The REST client of the feed's app key (quotations, daily orders and fills). */
  readonly rest: KisRest;
  /** Trades (H0STCNT0 / H0NXCNT0 / H0UNCNT0): aggressor side, direction vs. previous close. */
  trades$(symbols: Symbols, options?: KisStreamOptions): Observable<KisTrade>;
  /** Ten-level order books, best first (H0STASP0 / H0NXASP0 / H0UNASP0); every push is a full book. */
  orderBook$(symbols: Symbols, options?: KisBookOptions): Observable<KisOrderBook>;
  /**
   * Best bid and ask with their sizes. KIS has no quote stream of its own: these are the best
   * levels of the order book (the same H0**ASP0 registration as `orderBook$`).
   */
  quotes$(symbols: Symbols, options?: KisStreamOptions): Observable<Quote<KisOrderBook['raw']>>;
  /**
   * Expected auction matches (H0STANC0 / H0NXANC0 / H0UNANC0) as the shared `ExpectedTrade`:
   * indicative price and size, change and change percent, expected cumulative volume.
   */
  expected$(symbols: Symbols, options?: KisStreamOptions): Observable<KisExpectedTrade>;
  /**
   * Market-operation notices: session changes, halts, VI (H0STMKO0 / H0NXMKO0 / H0UNMKO0). KIS
   * sends them per stock, so symbols are required (a config error without); the same signature
   * as Kiwoom's `marketStatus$`.
   */
  marketStatus$(symbols?: Symbols, options?: KisStreamOptions): Observable<KisMarketStatus>;
  /** The user's order receipts and fills, decrypted (H0STCNI0, paper H0STCNI9); needs `htsId`. */
  orders$(): Observable<KisOrderEvent>;
}

const configError = (message: string): FeedError => new FeedError({ kind: 'config', broker: 'kis', message });

/** A stock code as KIS keys it: six characters (`005930`), seven for ETNs (`Q500001`). */
function checkSymbol(symbol: string): string {
  const s = typeof symbol === 'string' ? symbol.trim().toUpperCase() : '';
  if (!/^[0-9A-Z]{6,7}$/.test(s)) {
    throw configError(`KIS symbol must be a 6-character stock code such as 005930 (7 for ETNs), got ${JSON.stringify(symbol)}`);
  }
  return s;
}

/**
 * A KIS (Korea Investment & Securities) real-time feed. Nothing connects until a stream is
 * subscribed; all streams share one session (KIS allows one per app key, 41 registrations).
 *
 * ```ts
 * const feed = kis({ appKey, appSecret, htsId, env: 'real' });
 * feed.trades$('005930', { exchange: 'KRX' }).subscribe((t) => console.log(t.price, t.side));
 * ```
 */
export function kis(options: KisOptions, sessionOptions: SessionOptions = {}): KisFeed {
  // Records that carry only a time are dated by the session's clock (virtual in marble tests).
  const scheduler = sessionOptions.scheduler;
  const clock = options.clock ?? (scheduler ? () => scheduler.now() : Date.now);
  const env = options.env ?? 'real';
  const budget =
    options.restBudget ?? budgetFor(`kis:${env}:${options.appKey}`, { ...kisRestLimits[env === 'paper' ? 'paper' : 'real'], scheduler });
  const baseFetch = (options.fetch as HttpFetch | undefined) ?? globalFetch;
  // The approval key is issued through the app key's REST budget like every other call.
  const config = resolveConfig({ ...options, clock, fetch: budgeted(baseFetch, budget, 'Approval') as unknown as FetchLike });
  // One session per credential set (KIS: one per app key, 41 registrations each); keys spread.
  const more = (options.moreKeys ?? []).map((k) =>
    resolveConfig({
      ...options,
      ...k,
      approvalKey: k.approvalKey, // never the first set's
      clock,
      fetch: budgeted(
        baseFetch,
        budgetFor(`kis:${env}:${k.appKey}`, { ...kisRestLimits[env === 'paper' ? 'paper' : 'real'], scheduler }),
        'Approval',
      ) as unknown as FetchLike,
    } as KisOptions),
  );
  // Order notices are the first set's account: they stay on its session.
  const noticeTr = noticeTrId(config.env);
  const session = createSessionPool([config, ...more].map(kisProtocol), sessionOptions, { home: (key) => key.startsWith(`${noticeTr}|`) });
  const localErrors = new Subject<FeedError>();
  const rest = kisRest({
    restUrl: config.restUrl,
    appKey: config.appKey,
    appSecret: config.appSecret,
    env: config.env,
    budget,
    account: options.account,
    custType: config.custType,
    fetch: baseFetch,
    clock,
    scheduler,
    report: (e) => localErrors.next(e),
  });
  // Every event is checked against the model's domains; what fails is reported, skipped.
  const mapped = boundary('kis');

  const venue = (o: KisStreamOptions = {}): KisExchange => {
    const exchange = o.exchange === undefined ? config.exchange : parseExchange(o.exchange);
    if (exchange === undefined) throw configError(`KIS exchange must be KRX, NXT or UN, got ${JSON.stringify(o.exchange)}`);
    return exchange;
  };

  /** A decoded record as its model event, dated by the feed's clock; what cannot be mapped is reported, skipped. */
  const toEvent = <E>(wire: KisWireRecord): E | undefined => {
    const result = toModel(wire, clock());
    if (result.ok) return result.event as E;
    mapped.report(new FeedError({ kind: 'decode', broker: 'kis', message: `kis: ${wire.record.trId}: ${result.reason}; skipped` }));
    return undefined;
  };
  // Running fill totals per order (KIS notices carry one fill each), kept for the life of the feed.
  const fills = new FillBook();

  const market = <K extends KisMarketKind>(kind: K, symbols: Symbols, o?: KisStreamOptions): Observable<KisMarketMessages[K]> =>
    perSymbol(symbols, 'kis', (symbol) => defer(() => session.stream(marketKey(kind, venue(o), checkSymbol(symbol)))), mapped.report).pipe(
      mapped.map((w: KisWireRecord) => toEvent<KisMarketMessages[K]>(w)),
    );

  const orderBook$ = (symbols: Symbols, o?: KisBookOptions): Observable<KisOrderBook> => {
    const books = market('book', symbols, o);
    const depth = o?.depth;
    if (depth === undefined) return books;
    if (!Number.isInteger(depth) || depth < 1) return throwError(() => configError(`book depth must be a positive integer, got ${depth}`));
    return books.pipe(map((b) => ({ ...b, asks: b.asks.slice(0, depth), bids: b.bids.slice(0, depth) })));
  };

  const feed: KisFeed = {
    // Market keys name a stock; the notice key names the HTS ID, which is not a symbol.
    ...feedControls({
      broker: 'kis',
      sessions: [session],
      errors: [mapped.errors$, localErrors],
      symbolOf: (key) => {
        const k = parseKey(key);
        return k && k.trId !== noticeTrId(config.env) ? k.trKey : undefined;
      },
    }),
    broker: 'kis',
    env: config.env,
    rest,
    trades$: (symbols, o) => market('trade', symbols, o).pipe(distinctTrades(tradeIdentity)),
    orderBook$,
    quotes$: (symbols, o) => market('book', symbols, o).pipe(map(quoteOfBook)),
    expected$: (symbols, o) => market('expected', symbols, o),
    marketStatus$: (symbols, o) =>
      symbols === undefined
        ? throwError(() => configError('KIS market status is per stock: name the symbols, e.g. marketStatus$("005930")'))
        : market('status', symbols, o),
    orders$: () =>
      defer(() =>
        config.htsId === undefined
          ? throwError(() => configError('KIS orders$ needs the HTS ID (option htsId, env KIS_HTS_ID)'))
          : session.stream(noticeKey(config.env, config.htsId)),
      ).pipe(
        mapped.map((w: KisWireRecord) => {
          const event = toEvent<KisOrderEvent>(w);
          return event && fills.apply(event);
        }),
        normalizeFills({ broker: 'kis', facts: orderFillFacts, report: mapped.report, connections$: connectionsOf(session.first.status$) }),
      ),
  };
  // Catch-up needs the account number; without one it is off unless asked for (then it reports why).
  const restOptions = { catchUp: options.account !== undefined, ...options.rest };
  return guardFeed(
    withRest(feed, { rest, options: restOptions, liveTotals: 'stream', report: (e) => localErrors.next(e), clock, scheduler }),
    sessionOptions,
  );
}

/** A KIS feed from KIS_APPKEY, KIS_APPSECRET, KIS_HTS_ID, KIS_ENV, KIS_REST_URL, KIS_WS_URL. */
export function kisFromEnv(
  env: Readonly<Record<string, string | undefined>> = processEnv('kis', '{ approvalKey: () => Promise<string> } from your backend'),
  sessionOptions: SessionOptions = {},
): KisFeed {
  return kis(optionsFromEnv(env), sessionOptions);
}
