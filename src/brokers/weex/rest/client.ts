/**
 * A small typed WEEX V3 REST client for what the streams need (see ../README.md, "REST"):
 *
 * | need               | contract (`/capi/v3`)            | spot (`/api/v3`)                      | weight c/s |
 * |--------------------|----------------------------------|---------------------------------------|------------|
 * | top of book        | `GET /market/ticker/bookTicker`  | same                                  | 1 / 4      |
 * | book (15 levels)   | `GET /market/depth`              | same                                  | 1 / 5      |
 * | recent trades      | `GET /market/trades` (≤ 1 000)   | same                                  | 5 / 25     |
 * | open orders        | `GET /openOrders` (`page`)       | `GET /openOrders`                     | 10 / 3     |
 * | orders of a window | `GET /order/history` (`page`)    | `GET /allOrders` (per symbol, `page`) | 10 / 10    |
 * | fills since a time | `GET /userTrades`                | `GET /myTrades` (per symbol)          | 5 / 5      |
 *
 * Private calls are signed like the socket login, with the method, path, query and body in the
 * text: `ACCESS-SIGN = base64(HMAC-SHA256(secret, timestamp + METHOD + path + "?" + query + body))`,
 * with `ACCESS-KEY`, `ACCESS-PASSPHRASE`, `ACCESS-TIMESTAMP` (ms); the signature is built afresh
 * for every attempt. Every call goes through the credential's budget with its weight. Fills have
 * no cursor: a full page (100) narrows the time window from the end it served, de-duplicated by id.
 */
import { Observable, concatMap, defer, from, map, mergeMap, reduce, toArray } from 'rxjs';
import * as t from 'io-ts';
import { FeedError } from '../../../core/errors';
import { RestTransport, createRestTransport, pages, RestClientOptions } from '../../../core/rest';
import { AccountSnapshot, MarketRest, TradeWindow } from '../../../feed/rest-source';
import { OrderBook, OrderEvent, Quote, Side, Trade } from '../../../model/market';
import { utcTime } from '../../../model/time';
import { WeexCredentials, signUpgrade } from '../auth';
import { WeexMarket } from '../endpoints';
import { orderStatus } from '../mapping';
import { readWeex } from './dialect';
import {
  BookTickerAnswer,
  BookTickerRow,
  DepthAnswer,
  FillRow,
  FillsAnswer,
  OrderRow,
  OrdersAnswer,
  TradesAnswer,
  parseLossless,
} from './wire';

import { weexRestHosts } from './limits';

export { weexRestHosts, weexRestLimits } from './limits';

const broker = 'weex';

/** Rows a page of fills, orders: the documented maximum most clients use. */
const PAGE = 100;
const TRADES_LIMIT = 1_000;

export interface WeexRestOptions extends RestClientOptions {
  readonly market: WeexMarket;
  /** The REST host (default the market's; tests and simulators point it at a loopback server). */
  readonly restUrl?: string;
  /** Needed for the account calls only. */
  readonly credentials?: WeexCredentials;
  readonly userAgent?: string;
  /** Epoch ms now: signature timestamps, snapshot times. Default Date.now. */
  readonly now?: () => number;
  /** Spot fills and orders are asked per symbol: these, besides the symbols of open orders. */
  readonly accountSymbols?: () => Iterable<string>;
  /** Fills window of `account()` without `since`. Default 24 h. */
  readonly lookbackMs?: number;
  /** How much further back than the fills the order history looks (orders placed before their fills). Default 24 h. */
  readonly historyMs?: number;
}

export interface WeexRest extends MarketRest {
  readonly market: WeexMarket;
  readonly transport: RestTransport;
  /** Any GET of the market's API, signed when `signed`: `get('/market/time', {}, codec)`. */
  get<A>(
    path: string,
    query: Record<string, string | number | undefined>,
    codec: t.Decoder<unknown, A>,
    o?: { signed?: boolean; weight?: number },
  ): Observable<A>;
  /** Fills in [start, end] (spot: of one symbol), oldest first. */
  fills(start: number, end: number, symbol?: string): Observable<readonly OrderEvent[]>;
  /** Account snapshot with fills since `since` (default: now − lookbackMs). */
  account(since?: number): Observable<AccountSnapshot>;
}

const sideOf = (s: 'BUY' | 'SELL'): Side => (s === 'BUY' ? 'buy' : 'sell');

/** Ids are long digit strings: compare by length, then text. */
const byId = (a: string, b: string): number => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);

export function weexRest(options: WeexRestOptions): WeexRest {
  const market = options.market;
  const now = options.now ?? Date.now;
  const base = (options.restUrl ?? weexRestHosts[market]).replace(/\/+$/, '');
  const prefix = market === 'contract' ? '/capi/v3' : '/api/v3';
  const maxPages = options.maxPages ?? 20;
  const lookbackMs = options.lookbackMs ?? 86_400_000;
  const historyMs = options.historyMs ?? 86_400_000;
  const weights =
    market === 'contract'
      ? { book: 1, depth: 1, trades: 5, open: 10, history: 10, fills: 5 }
      : { book: 4, depth: 5, trades: 25, open: 3, history: 10, fills: 5 };
  const credentials = options.credentials;
  const transport = createRestTransport({
    broker,
    budget: options.budget,
    fetch: options.fetch,
    scheduler: options.scheduler,
    report: options.report,
    timeoutMs: options.timeoutMs,
    maxAttempts: options.maxAttempts,
    backoff: options.backoff,
    parse: parseLossless,
    secrets: () => (credentials ? [credentials.secretKey, credentials.passphrase] : []),
  });

  const get = <A>(
    path: string,
    query: Record<string, string | number | undefined>,
    codec: t.Decoder<unknown, A>,
    o: { signed?: boolean; weight?: number } = {},
  ): Observable<A> =>
    transport.call(
      () => {
        const full = `${prefix}${path}`;
        const qs = Object.entries(query)
          .filter((e): e is [string, string | number] => e[1] !== undefined && e[1] !== '')
          .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
          .join('&');
        const target = qs ? `${full}?${qs}` : full;
        const headers: Record<string, string> = { 'User-Agent': options.userAgent ?? 'rx-market', Accept: 'application/json' };
        if (o.signed) {
          if (!credentials)
            throw new FeedError({
              kind: 'config',
              broker,
              fatal: true,
              message: `${broker} REST GET ${full}: needs apiKey, secretKey and passphrase`,
            });
          const timestamp = String(Math.floor(now()));
          headers['ACCESS-KEY'] = credentials.apiKey;
          headers['ACCESS-PASSPHRASE'] = credentials.passphrase;
          headers['ACCESS-TIMESTAMP'] = timestamp;
          // The same HMAC as the socket login, over METHOD + path + "?" + query (+ body, empty on GET).
          headers['ACCESS-SIGN'] = signUpgrade(credentials.secretKey, timestamp, `GET${target}`);
        }
        const label = `GET ${full}`;
        return { method: 'GET', url: `${base}${target}`, headers, label, read: (reply) => readWeex(label, reply, codec) };
      },
      { weight: o.weight ?? 1 },
    );

  const quote = (r: BookTickerRow): Quote => {
    const bid = Number(r.bidPrice);
    const ask = Number(r.askPrice);
    return {
      kind: 'quote',
      broker,
      symbol: r.symbol,
      ...(bid > 0 ? { bestBid: bid, bestBidSize: Number(r.bidQty) } : {}),
      ...(ask > 0 ? { bestAsk: ask, bestAskSize: Number(r.askQty) } : {}),
      ...utcTime(r.time ?? now()),
      raw: r,
      source: 'rest',
    };
  };

  const quotes = (symbols: readonly string[]): Observable<readonly Quote[]> =>
    from(symbols).pipe(
      concatMap((symbol) => get('/market/ticker/bookTicker', { symbol }, BookTickerAnswer, { weight: weights.book })),
      concatMap((answer) => (Array.isArray(answer) ? answer : [answer])),
      map(quote),
      toArray(),
    );

  const orderBook = (symbol: string): Observable<OrderBook> =>
    get('/market/depth', { symbol, limit: 15 }, DepthAnswer, { weight: weights.depth }).pipe(
      map((r): OrderBook => ({
        kind: 'book',
        broker,
        symbol,
        bids: r.bids.map(([p, q]) => ({ price: Number(p), size: Number(q) })),
        asks: r.asks.map(([p, q]) => ({ price: Number(p), size: Number(q) })),
        ...utcTime(r.time ?? now()),
        raw: r,
        source: 'rest',
      })),
    );

  /** The latest ≤ 1 000 prints (WEEX serves no older ones): complete when they reach `since`. */
  const trades = (symbol: string, since: number, limit = TRADES_LIMIT): Observable<TradeWindow> =>
    get('/market/trades', { symbol, limit: Math.min(limit, TRADES_LIMIT) }, TradesAnswer, { weight: weights.trades }).pipe(
      map((rows) => {
        const list: Trade[] = rows
          .map((r): Trade => ({
            kind: 'trade',
            broker,
            symbol,
            price: Number(r.price),
            size: Number(r.qty),
            side: r.isBuyerMaker ? 'sell' : 'buy',
            tradeId: r.id,
            ...utcTime(r.time),
            raw: r,
            source: 'rest',
          }))
          .sort((a, b) => a.timestamp - b.timestamp);
        const complete = rows.length < TRADES_LIMIT || rows.length >= limit || (list.length > 0 && list[0].timestamp <= since);
        return { trades: list.filter((x) => x.timestamp >= since).slice(-limit), complete };
      }),
    );

  /** Pages of orders (`page` 0, 1, … until a short page). */
  const orderPages = (path: string, query: Record<string, string | number | undefined>, weight: number): Observable<OrderRow[]> =>
    pages<OrderRow[], number>(
      broker,
      `GET ${prefix}${path}`,
      (page) =>
        get(path, { ...query, limit: PAGE, page: page ?? 0 }, OrdersAnswer, { signed: true, weight }).pipe(
          map((rows) => ({ value: rows, ...(rows.length >= PAGE ? { next: (page ?? 0) + 1 } : {}) })),
        ),
      maxPages,
    ).pipe(reduce((all, rows) => all.concat(rows), [] as OrderRow[]));

  const openRows = (): Observable<OrderRow[]> =>
    market === 'contract'
      ? orderPages('/openOrders', {}, weights.open)
      : get('/openOrders', {}, OrdersAnswer, { signed: true, weight: weights.open });

  /** Fill rows in [start, end]: a full page narrows the window from the end it served. */
  const fillRows = (start: number, end: number, symbol?: string): Observable<FillRow[]> =>
    pages<FillRow[], { start: number; end: number }>(
      broker,
      `GET ${prefix}${market === 'contract' ? '/userTrades' : '/myTrades'}`,
      (cursor) => {
        const w = cursor ?? { start, end };
        return get(
          market === 'contract' ? '/userTrades' : '/myTrades',
          { symbol, startTime: w.start, endTime: w.end, limit: PAGE },
          FillsAnswer,
          { signed: true, weight: weights.fills },
        ).pipe(
          map((rows) => {
            if (rows.length < PAGE) return { value: rows };
            const times = rows.map((r) => r.time);
            const newestFirst = rows[0].time >= rows[rows.length - 1].time;
            // Sort order undocumented: keep the end the server did not reach.
            const next = newestFirst ? { start: w.start, end: Math.min(...times) } : { start: Math.max(...times), end: w.end };
            return { value: rows, next };
          }),
        );
      },
      maxPages,
    ).pipe(reduce((all, rows) => all.concat(rows), [] as FillRow[]));

  const toOrder = (r: OrderRow): OrderEvent => {
    const size = Number(r.origQty);
    const filled = Number(r.executedQty);
    return {
      kind: 'order',
      broker,
      symbol: r.symbol,
      orderId: r.orderId,
      side: sideOf(r.side),
      status: orderStatus(r.status, size, filled),
      orderQty: size,
      orderPrice: Number(r.price ?? '0'),
      filledQty: filled,
      unfilledQty: Math.max(0, size - filled),
      ...utcTime(r.time),
      raw: r,
      source: 'rest',
    };
  };

  /**
   * Fills as order events with the order's cumulative quantity after each. The window may start
   * after an order's first fills: its total before the window is the order's executedQty less the
   * window's fills up to the order's updateTime (orders are read before fills, so a fill landing
   * in between is counted once, after them).
   */
  const toFills = (rows: readonly FillRow[], orders: ReadonlyMap<string, OrderRow>): OrderEvent[] => {
    const unique = new Map<string, FillRow>();
    for (const r of rows) unique.set(r.id, r);
    const sorted = [...unique.values()].sort((a, b) => a.time - b.time || byId(a.id, b.id));
    const totals = new Map<string, number>();
    for (const [id, o] of orders) {
      const asOf = o.updateTime ?? o.time;
      const inWindow = sorted.filter((r) => r.orderId === id && r.time <= asOf).reduce((n, r) => n + Number(r.qty), 0);
      totals.set(id, Math.max(0, Number(o.executedQty) - inWindow));
    }
    return sorted.map((r): OrderEvent => {
      const o = orders.get(r.orderId);
      const qty = Number(r.qty);
      const total = (totals.get(r.orderId) ?? 0) + qty;
      totals.set(r.orderId, total);
      const side: Side = r.side
        ? sideOf(r.side)
        : (r.buyer ?? r.isBuyer) !== undefined
          ? (r.buyer ?? r.isBuyer)
            ? 'buy'
            : 'sell'
          : o
            ? sideOf(o.side)
            : 'buy';
      const orderQty = o ? Number(o.origQty) : total;
      const unfilledQty = Math.max(0, orderQty - total);
      return {
        kind: 'order',
        broker,
        symbol: r.symbol,
        orderId: r.orderId,
        side,
        status: unfilledQty <= 1e-12 ? 'filled' : 'partiallyFilled',
        orderQty,
        orderPrice: o ? Number(o.price ?? '0') : 0,
        filledQty: total,
        unfilledQty,
        fillQty: qty,
        fillPrice: Number(r.price),
        ...utcTime(r.time),
        raw: r,
        source: 'rest',
      };
    });
  };

  /** Spot asks per symbol: the configured ones and those of open orders. */
  const spotSymbols = (open: readonly OrderRow[]): string[] =>
    [...new Set([...(options.accountSymbols?.() ?? []), ...open.map((o) => o.symbol)])].sort();

  const account = (since?: number): Observable<AccountSnapshot> =>
    defer(() => {
      const asOf = now();
      const start = Math.floor(since ?? asOf - lookbackMs);
      const end = asOf + 60_000; // a server clock a little ahead must not hide the newest fills
      return openRows().pipe(
        mergeMap((open) => {
          const symbols: (string | undefined)[] = market === 'contract' ? [undefined] : spotSymbols(open);
          const history$ = from(symbols).pipe(
            concatMap((symbol) =>
              orderPages(
                market === 'contract' ? '/order/history' : '/allOrders',
                { symbol, startTime: start - historyMs, endTime: end },
                weights.history,
              ),
            ),
            reduce((all, rows) => all.concat(rows), [] as OrderRow[]),
          );
          return history$.pipe(
            mergeMap((history) => {
              const byOrder = new Map<string, OrderRow>();
              // Open orders are the fresher record of an order both lists hold.
              for (const r of [...history, ...open]) byOrder.set(r.orderId, r);
              return from(symbols).pipe(
                concatMap((symbol) => fillRows(start, end, symbol)),
                reduce((all, rows) => all.concat(rows), [] as FillRow[]),
                map((rows): AccountSnapshot => ({
                  orders: [...byOrder.values()].sort((a, b) => a.time - b.time).map(toOrder),
                  fills: toFills(rows, byOrder),
                  perFill: true,
                  asOf,
                })),
              );
            }),
          );
        }),
      );
    });

  const openOrders = (): Observable<readonly OrderEvent[]> => openRows().pipe(map((rows) => rows.map(toOrder)));

  const fills = (start: number, end: number, symbol?: string): Observable<readonly OrderEvent[]> =>
    fillRows(start, end, symbol).pipe(map((rows) => toFills(rows, new Map())));

  return { broker, market, budget: options.budget, transport, get, quotes, orderBook, trades, account, openOrders, fills };
}
