/**
 * The Kiwoom feed: typed streams over one shared, lazy connection.
 *
 * ```ts
 * const feed = kiwoom({ appKey, secretKey, env: 'mock' });   // nothing connects yet
 * feed.trades$('005930').subscribe((t) => console.log(t.price, t.size, t.side));
 * feed.orderBook$('005930', { exchange: 'SOR' });             // registers 0D 005930_AL
 * feed.stream$('0J', '001');                                  // Observable<RealRecord<'0J'>>
 * ```
 */
import { processEnv } from '../../core/process-env';
import { Observable, defer, filter, map, mergeMap, of, switchMap, take, throwError, toArray } from 'rxjs';
import { FeedError } from '../../core/errors';
import { Key } from '../../core/key';
import { createSessionPool } from '../../core/session-pool';
import { SessionOptions } from '../../core/session-types';
import { feedControls } from '../../feed/controls';
import { guardFeed } from '../../feed/guard-feed';
import { MarketFeed, Symbols } from '../../feed/market-feed';
import { perSymbol } from '../../feed/symbols';
import { IndexTick, MarketStatus, OrderBook, OrderEvent, Position, Quote, Trade, kstDate } from '../../model';
import { ElwGreeks, ElwIndicators, EtfNav, ExpectedTrade, ProgramTrading, VolatilityInterruption } from '../../model/krx';
import { KiwoomMessage } from './codec';
import { Condition, ConditionEvent } from './conditions';
import { Exchange, KiwoomEnv, endpoints, exchanges } from './endpoints';
import { checkedItem, checkedSeq, conditionKey, conditionListKey, keyFor, realKey } from './keys';
import {
  orderFillFacts,
  snapshotEvents,
  toConditionEvent,
  toElwGreeks,
  toElwIndicators,
  toEtfNav,
  toExpectedTrade,
  toIndexTick,
  toMarketStatus,
  toOrderBook,
  toOrderEvent,
  toPosition,
  toProgramTrading,
  toQuote,
  toTrade,
  toVolatilityInterruption,
  tradeIdentity,
} from './mapping';
import { boundary } from '../../feed/boundary';
import { connectionsOf, normalizeFills } from '../../feed/fills';
import { distinctTrades } from '../../feed/distinct-trades';
import { kiwoomProtocol } from './protocol';
import { RealCode, realTables } from './wire/real-types';
import { RealRecord, RealRecordMap } from './wire/record';
import { Fetch, TokenCache, TokenProvider, fromProvider, issueToken } from './auth';
import { RestBudget, budgetFor, budgeted } from '../../core/rest-budget';
import { HttpFetch } from '../../core/rest';
import { RestOptions, withRest } from '../../feed/with-rest';
import { KiwoomRest, kiwoomRest, kiwoomRestLimits } from './rest';
import { parseKey } from './keys';

/** The app key and secret: the feed issues its own tokens (servers, CLI, Node apps). */
export interface KiwoomKeys {
  readonly appKey: string;
  readonly secretKey: string;
  readonly token?: undefined;
}

/**
 * A token provider instead of keys (browsers): the app's backend issues tokens, the app secret
 * never leaves it.
 *
 * ```ts
 * kiwoom({ token: () => fetch('/api/kiwoom-token').then((r) => r.text()) });
 * ```
 */
export interface KiwoomTokenSource {
  readonly token: TokenProvider;
  readonly appKey?: undefined;
  readonly secretKey?: undefined;
}

export type KiwoomOptions = KiwoomSettings & (KiwoomKeys | KiwoomTokenSource);

export interface KiwoomSettings {
  /** Default 'production'. The mock server serves KRX only. */
  readonly env?: KiwoomEnv;
  /** Overrides the REST base of the environment (tests, simulators). */
  readonly restUrl?: string;
  /** Overrides the WebSocket URL of the environment. */
  readonly wsUrl?: string;
  /** Venue of stock streams when a call does not say. Default 'KRX'. */
  readonly exchange?: Exchange;
  /** Epoch ms now; gives the trading date of HHMMSS times and the receive time of 0C/04. Default: the session scheduler's clock. */
  readonly clock?: () => number;
  /**
   * An access token issued elsewhere (e.g. by your REST client), used until the server rejects
   * it; then a new one is issued with the keys.
   */
  readonly accessToken?: string;
  /** Token requests go through this; default the global fetch. */
  readonly fetch?: Fetch;
  /** A token is re-issued this long before its expiry. Default 60 000. */
  readonly tokenMarginMs?: number;
  /** Distinct items per REG group. Default 100. */
  readonly maxItemsPerGroup?: number;
  /** Keys one connection may hold; the next fails fast with a 'limit' error. Default 100 (assumed). */
  readonly maxKeysPerConnection?: number;
  /** `stex_tp` of live condition searches. Default 'K' (KRX). */
  readonly conditionExchange?: string;
  /**
   * REST beside the socket: account catch-up after gaps (on by default), trade backfill,
   * the hybrid fallback, REST-only mode. See the README, "REST".
   */
  readonly rest?: RestOptions;
  /** The app key's REST budget; default one per app key: 5 calls/s (mock 1/s). */
  readonly restBudget?: RestBudget;
  /**
   * More app keys of the same user: one session (one token, one LOGIN) per set, each holding up
   * to `maxKeysPerConnection` keys; new keys go to the least-loaded session. orders$,
   * positions$ and condition searches stay on the first set's session; REST uses the first set.
   */
  readonly moreKeys?: readonly { readonly appKey: string; readonly secretKey: string }[];
}

/** The venue of a stock stream. */
export interface VenueOption {
  readonly exchange?: Exchange;
}

export interface KiwoomFeed extends MarketFeed {
  readonly broker: 'kiwoom';
  /**
   * Trades (0B) of one stock or several on one venue; other items of the same frames go to their
   * own streams.
   *
   *   wire:              -[0B 005930, 0J 001]-[0B 000660]-[0B 005930_NX]-[0B 005930]-
   *   trades$('005930'): -t-------------------------------------------------t---------
   */
  trades$(symbols: Symbols, options?: VenueOption): Observable<Trade<RealRecord<'0B'>>>;
  /** The 10-level book (0D), best first; `depth` keeps the best N levels. Every push is a full book. */
  orderBook$(symbols: Symbols, options?: VenueOption & { readonly depth?: number }): Observable<OrderBook<RealRecord<'0D'>>>;
  /** Best ask and bid (0C). */
  quotes$(symbols: Symbols, options?: VenueOption): Observable<Quote<RealRecord<'0C'>>>;
  /** Orders and fills on the token's account (00). */
  orders$(): Observable<OrderEvent<RealRecord<'00'>>>;
  /** Holdings of the token's account after each change (04). */
  positions$(): Observable<Position<RealRecord<'04'>>>;
  /** Sector or market indices (0J): '001' KOSPI (default), '101' KOSDAQ, '201' KOSPI200, ... */
  index$(sectors?: Symbols): Observable<IndexTick<RealRecord<'0J'>>>;
  /**
   * Market session notices (0s). Kiwoom's are market-wide: without symbols they come with
   * symbol ''; with symbols, each notice is emitted once per symbol (the phase holds for each).
   * The same signature as KIS' `marketStatus$`.
   */
  marketStatus$(symbols?: Symbols): Observable<MarketStatus<RealRecord<'0s'>>>;
  /**
   * Any real-time type by its code, decoded with every FID named: `stream$('0J', '001')`.
   * Account and market-wide types (00, 04, 0s, 1h) take no item; for 1h an item filters by stock.
   */
  stream$<C extends RealCode>(code: C, item?: string, options?: VenueOption): Observable<RealRecordMap[C]>;
  /** An ETF's net asset value per share (0G) with its premium or discount to the ETF's price. */
  etfNav$(symbols: Symbols, options?: VenueOption): Observable<EtfNav<RealRecord<'0G'>>>;
  /**
   * What a call auction would match at if it ended now (0H: pre-open, closing auction, a
   * volatility interruption): the indicative price and size.
   */
  expectedTrades$(symbols: Symbols, options?: VenueOption): Observable<ExpectedTrade<RealRecord<'0H'>>>;
  /** An ELW's theoretical price and greeks (0m). */
  elwGreeks$(symbols: Symbols, options?: VenueOption): Observable<ElwGreeks<RealRecord<'0m'>>>;
  /** An ELW's parity, premium, gearing, break-even and capital-support rates (0u). */
  elwIndicators$(symbols: Symbols, options?: VenueOption): Observable<ElwIndicators<RealRecord<'0u'>>>;
  /** Program trading in a stock since the open (0w), values in million KRW. */
  programTrading$(symbols: Symbols, options?: VenueOption): Observable<ProgramTrading<RealRecord<'0w'>>>;
  /**
   * Volatility interruptions triggered and released (1h). Kiwoom's are market-wide (one
   * registration): without symbols every stock's; with symbols, those stocks' only.
   *
   *   wire:                                 -[1h 005930 on]-[1h 000660 on]-[1h 005930 off]-
   *   volatilityInterruptions$('005930'):   -v--------------------------------w-------------
   */
  volatilityInterruptions$(symbols?: Symbols): Observable<VolatilityInterruption<RealRecord<'1h'>>>;
  /** The REST client of the feed's app key (quotes, books, ticks, orders and fills by TR). */
  readonly rest: KiwoomRest;
  /** The conditions saved in the user's HTS (CNSRLST); one list, then completes. */
  conditions$(): Observable<readonly Condition[]>;
  /** A live condition search: the stocks matching at start (`initial`), then entries and exits. */
  condition$(seq: string): Observable<ConditionEvent>;
}

function configError(message: string): FeedError {
  return new FeedError({ kind: 'config', broker: 'kiwoom', fatal: true, message: `kiwoom: ${message}` });
}

const defaultFetch: Fetch = (url, init) => {
  const f = (globalThis as { fetch?: Fetch }).fetch;
  if (!f) return Promise.reject(new Error('no global fetch (Node 18+ required)'));
  return f(url, init);
};

/**
 * A Kiwoom feed. Nothing connects until a stream is subscribed; all streams share one socket,
 * which closes a linger after the last one ends. Without options it reads the environment
 * (see `kiwoomFromEnv`).
 */
export function kiwoom(options?: KiwoomOptions, sessionOptions: SessionOptions = {}): KiwoomFeed {
  // Without options: configured from the environment (KIWOOM_APPKEY, ...), which only Node has.
  if (options === undefined)
    return kiwoomFromEnv(processEnv('kiwoom', '{ token: () => Promise<string> } from your backend'), sessionOptions);
  const provider = options.token;
  if (provider !== undefined && typeof provider !== 'function') {
    throw configError('token must be a function returning a Promise of the access token');
  }
  if (provider === undefined) {
    if (typeof options.appKey !== 'string' || options.appKey.trim() === '') {
      throw configError('appKey and secretKey are required, or a token provider (KIWOOM_APPKEY)');
    }
    if (typeof options.secretKey !== 'string' || options.secretKey.trim() === '') {
      throw configError('secretKey is required (KIWOOM_SECRETKEY)');
    }
  }
  const env = options.env ?? 'production';
  if (env !== 'production' && env !== 'mock') throw configError(`env must be 'production' or 'mock', got ${JSON.stringify(env)}`);
  const defaultExchange = options.exchange ?? 'KRX';
  if (!exchanges.includes(defaultExchange)) throw configError(`unknown exchange ${JSON.stringify(defaultExchange)}`);

  const scheduler = sessionOptions.scheduler;
  const clock = options.clock ?? (scheduler ? () => scheduler.now() : Date.now);
  const restUrl = options.restUrl ?? endpoints[env].rest;
  const wsUrl = options.wsUrl ?? endpoints[env].ws;
  const credentials = { appKey: options.appKey ?? '', secretKey: options.secretKey ?? '' };
  // One budget per app key; a provider's tokens share one per provider (its key is unknown here).
  const budgetKey = provider === undefined ? options.appKey : 'token-provider';
  const budget = options.restBudget ?? budgetFor(`kiwoom:${env}:${budgetKey}`, { ...kiwoomRestLimits[env], scheduler });
  // Token issuance counts against the app key's REST budget like every other call.
  const fetchImpl = budgeted(options.fetch ?? defaultFetch, budget, 'au10001');
  const issue = provider !== undefined ? fromProvider(provider) : () => issueToken(restUrl, credentials, fetchImpl);
  const tokens = new TokenCache(issue, clock, options.tokenMarginMs, options.accessToken);
  const tables = realTables(() => kstDate(clock()));
  const protocolOf = (keys: { appKey: string; secretKey: string }, keyTokens: TokenCache) =>
    kiwoomProtocol({
      ...keys,
      wsUrl,
      tokens: keyTokens,
      tables,
      maxItemsPerGroup: options.maxItemsPerGroup,
      keysPerConnection: options.maxKeysPerConnection,
      conditionExchange: options.conditionExchange,
    });
  // One session per credential set (one LOGIN per app key); each further set has its own token
  // and REST budget (tokens are issued through it).
  const more = (options.moreKeys ?? []).map((k, i) => {
    if (typeof k?.appKey !== 'string' || k.appKey.trim() === '' || typeof k.secretKey !== 'string' || k.secretKey.trim() === '') {
      throw configError(`moreKeys[${i}] needs an appKey and a secretKey`);
    }
    const keyBudget = budgetFor(`kiwoom:${env}:${k.appKey}`, { ...kiwoomRestLimits[env], scheduler });
    const keyFetch = budgeted(options.fetch ?? defaultFetch, keyBudget, 'au10001');
    const keyTokens = new TokenCache(
      () => issueToken(restUrl, { appKey: k.appKey, secretKey: k.secretKey }, keyFetch),
      clock,
      options.tokenMarginMs,
    );
    return protocolOf({ appKey: k.appKey, secretKey: k.secretKey }, keyTokens);
  });
  const session = createSessionPool<KiwoomMessage>([protocolOf(credentials, tokens), ...more], sessionOptions, {
    // The account (00, 04) and the HTS conditions are the first set's; market keys spread.
    home: (key) => /^(00|04|02|CNSRLST)\|/.test(key),
  });
  // Mapping runs inside the error boundary: a record the model cannot hold is reported, skipped.
  const mapped = boundary('kiwoom');

  /** The session stream of a key, built lazily so bad input errors the stream, not the caller. */
  const keyed = <T extends KiwoomMessage>(build: () => Key<T>): Observable<T> =>
    defer(() => {
      let key: Key<T>;
      try {
        key = build();
      } catch (err) {
        return throwError(() => err);
      }
      return session.stream(key);
    });

  const venue = (o: VenueOption | undefined): Exchange => {
    const exchange = o?.exchange ?? defaultExchange;
    if (env === 'mock' && exchange !== 'KRX') {
      throw configError(`the mock server serves KRX only; ${exchange} needs env 'production'`);
    }
    return exchange;
  };

  const stock = <C extends RealCode>(code: C, symbols: Symbols, o?: VenueOption): Observable<RealRecordMap[C]> =>
    perSymbol(symbols, 'kiwoom', (symbol) => keyed(() => keyFor(code, symbol, venue(o))), mapped.report);

  const stream$ = <C extends RealCode>(code: C, item = '', o?: VenueOption): Observable<RealRecordMap[C]> => {
    if (code === '1h' && item !== '') {
      // VI is registered market-wide; an item filters by stock.
      return keyed(() => realKey(code, '')).pipe(filter((r) => r.symbol === item));
    }
    const records = keyed(() => keyFor(code, item, code === '0J' || code === '0U' || code === '0I' ? undefined : venue(o)));
    // A live condition's key also carries its start snapshot, which is no 02 record.
    return code === '02' ? records.pipe(filter((m) => 'type' in m)) : records;
  };

  const orders$ = (): Observable<OrderEvent<RealRecord<'00'>>> =>
    stream$('00').pipe(
      mapped.map((r) => {
        // An account record never guesses: a known FID that could not be read fails the record.
        const unreadable = Object.keys(r.extra).filter((fid) => ORDER_FIDS.has(fid));
        if (unreadable.length > 0) {
          mapped.report(
            new FeedError({
              kind: 'decode',
              broker: 'kiwoom',
              message: `kiwoom: order ${r.fields.orderId}: unreadable FID ${unreadable.join(', ')}; skipped`,
            }),
          );
          return undefined;
        }
        const event = toOrderEvent(r);
        if (event) return event;
        mapped.report(
          new FeedError({
            kind: 'decode',
            broker: 'kiwoom',
            message: `kiwoom: order ${r.fields.orderId} names no side (907/905); skipped`,
          }),
        );
        return undefined;
      }),
      // The account is on the first set's session: only its reconnects start a new epoch.
      normalizeFills({
        broker: 'kiwoom',
        facts: orderFillFacts,
        report: mapped.report,
        connections$: connectionsOf(session.first.status$),
      }),
    );

  const rest = kiwoomRest({
    restUrl,
    tokens,
    budget,
    fetch: options.fetch as HttpFetch | undefined,
    clock,
    scheduler,
    report: (e) => mapped.report(e),
  });

  const feed: KiwoomFeed = {
    // '0B|005930_NX' is about 005930; account and market-wide keys ('00|') name no symbol.
    ...feedControls({
      broker: 'kiwoom',
      sessions: [session],
      errors: [mapped.errors$],
      symbolOf: (key) => {
        const k = parseKey(key);
        return k.kind === 'real' && k.item !== '' ? k.item.replace(/_(NX|AL)$/, '') : undefined;
      },
    }),
    broker: 'kiwoom',
    rest,
    trades$: (symbols, o) =>
      stock('0B', symbols, o).pipe(
        mapped.map((r) => toTrade(r, clock())),
        distinctTrades(tradeIdentity),
      ),
    orderBook$: (symbols, o) => stock('0D', symbols, o).pipe(mapped.map((r) => toOrderBook(r, o?.depth))),
    quotes$: (symbols, o) => stock('0C', symbols, o).pipe(mapped.map((r) => toQuote(r, clock()))),
    orders$,
    positions$: () => stream$('04').pipe(mapped.map((r) => toPosition(r, clock()))),
    index$: (sectors = '001') =>
      perSymbol(sectors, 'kiwoom', (sector) => stream$('0J', sector), mapped.report).pipe(mapped.map(toIndexTick)),
    marketStatus$: (symbols) => {
      const notices = stream$('0s').pipe(mapped.map(toMarketStatus));
      if (symbols === undefined) return notices;
      // Market-wide notices, once per symbol; a malformed entry of a list is reported, the others go on.
      const valid = perSymbol(symbols, 'kiwoom', (s) => defer(() => of(checkedItem(s, undefined))), mapped.report);
      return valid.pipe(
        toArray(),
        switchMap((list) => notices.pipe(mergeMap((n) => list.map((symbol) => ({ ...n, symbol }))))),
      );
    },
    stream$,
    etfNav$: (symbols, o) => stock('0G', symbols, o).pipe(mapped.map(toEtfNav)),
    expectedTrades$: (symbols, o) => stock('0H', symbols, o).pipe(mapped.map(toExpectedTrade)),
    elwGreeks$: (symbols, o) => stock('0m', symbols, o).pipe(mapped.map(toElwGreeks)),
    elwIndicators$: (symbols, o) => stock('0u', symbols, o).pipe(mapped.map(toElwIndicators)),
    programTrading$: (symbols, o) => stock('0w', symbols, o).pipe(mapped.map(toProgramTrading)),
    volatilityInterruptions$: (symbols) => {
      const records =
        symbols === undefined
          ? stream$('1h')
          : // One market-wide registration (key '1h|') shared by every symbol's filter.
            perSymbol(
              symbols,
              'kiwoom',
              (symbol) =>
                keyed(() => {
                  checkedItem(symbol, undefined);
                  return realKey('1h', '');
                }).pipe(filter((r) => r.symbol === symbol)),
              mapped.report,
            );
      return records.pipe(mapped.map((r) => toVolatilityInterruption(r, clock())));
    },
    conditions$: () =>
      keyed(() => conditionListKey).pipe(
        take(1),
        map((l) => l.conditions),
      ),
    condition$: (seq) =>
      keyed(() => conditionKey(checkedSeq(seq))).pipe(
        mapped.map((m) => ('kind' in m ? snapshotEvents(m, clock()) : [toConditionEvent(m, clock())])),
      ),
  };
  return guardFeed(
    withRest(feed, { rest, options: options.rest, liveTotals: 'broker', report: (e) => mapped.report(e), clock, scheduler }),
    sessionOptions,
  );
}

/** FIDs of the 00 record that carry quantities, prices and identities. */
const ORDER_FIDS = new Set(['900', '901', '902', '903', '909', '910', '911', '914', '915']);

/** Variables `kiwoomFromEnv` reads. */
export const kiwoomEnvVars = ['KIWOOM_APPKEY', 'KIWOOM_SECRETKEY', 'KIWOOM_ENV', 'KIWOOM_REST_URL', 'KIWOOM_WS_URL'] as const;

/**
 * A feed configured from the environment: KIWOOM_APPKEY, KIWOOM_SECRETKEY, KIWOOM_ENV
 * (production | mock, default production), KIWOOM_REST_URL and KIWOOM_WS_URL (overrides).
 */
export function kiwoomFromEnv(
  env: Readonly<Record<string, string | undefined>> = processEnv('kiwoom', '{ token: () => Promise<string> } from your backend'),
  sessionOptions: SessionOptions = {},
  overrides: Partial<KiwoomSettings> = {},
): KiwoomFeed {
  const missing = ['KIWOOM_APPKEY', 'KIWOOM_SECRETKEY'].filter((k) => !env[k]);
  if (missing.length > 0) throw configError(`set ${missing.join(' and ')} (see \`rx-market --help\`)`);
  const e = env.KIWOOM_ENV?.trim().toLowerCase();
  if (e !== undefined && e !== '' && e !== 'production' && e !== 'mock') {
    throw configError(`KIWOOM_ENV must be 'production' or 'mock', got ${JSON.stringify(env.KIWOOM_ENV)}`);
  }
  return kiwoom(
    {
      appKey: env.KIWOOM_APPKEY as string,
      secretKey: env.KIWOOM_SECRETKEY as string,
      env: (e || 'production') as KiwoomEnv,
      ...(env.KIWOOM_REST_URL ? { restUrl: env.KIWOOM_REST_URL } : {}),
      ...(env.KIWOOM_WS_URL ? { wsUrl: env.KIWOOM_WS_URL } : {}),
      ...overrides,
    },
    sessionOptions,
  );
}
