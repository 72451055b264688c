/**
 * A small typed Kiwoom REST client for what the streams need (see ../README.md, "REST"):
 *
 * | need                | TR       | path                 |
 * |---------------------|----------|----------------------|
 * | quotes (≤100 codes) | ka10095  | /api/dostk/stkinfo   |
 * | book (10 levels)    | ka10004  | /api/dostk/mrkcond   |
 * | today's ticks       | ka10084  | /api/dostk/stkinfo   |
 * | open orders         | ka10075  | /api/dostk/acnt      |
 * | orders and fills    | kt00009  | /api/dostk/acnt      |
 *
 * Every call is a `POST` with the token as `authorization: Bearer`, goes through the app key's
 * budget (the token issuance too, see the feed), and pages with `cont-yn`/`next-key`.
 */
import * as t from 'io-ts';
import { Observable, concatMap, from, map, reduce, takeWhile, toArray } from 'rxjs';
import { RestTransport, createRestTransport, pages, RestClientOptions } from '../../../core/rest';
import { AccountSnapshot, MarketRest, TradeWindow } from '../../../feed/rest-source';
import { OrderBook, OrderEvent, PriceLevel, Quote, Side, Trade, kstDate, kstTime } from '../../../model';
import { Page, readKiwoom } from './dialect';
import { BookAnswer, OpenOrdersAnswer, OrderFillAnswer, OrderFillRow, TickRow, TicksAnswer, WatchAnswer, Price, Qty } from './wire';

const broker = 'kiwoom';

/** Default budget: 5 calls a second per app key (the terms' query limit); mock 1 a second. */
export { kiwoomRestLimits } from './limits';

export interface KiwoomTokens {
  get(): { readonly token: string } | PromiseLike<{ readonly token: string }>;
  invalidate(): void;
  /** Tokens to keep out of messages. */
  tokens?(): readonly string[];
}

export interface KiwoomRestOptions extends RestClientOptions {
  readonly restUrl: string;
  readonly tokens: KiwoomTokens;
  /** Epoch ms now: the trading date of HHMMSS times. Default Date.now. */
  readonly clock?: () => number;
}

export interface KiwoomRest extends MarketRest {
  readonly transport: RestTransport;
  /** Any TR, one page: `tr('/api/dostk/stkinfo', 'ka10001', { stk_cd: '005930' }, codec)`. */
  tr<A>(path: string, apiId: string, body: Record<string, string>, codec: t.Decoder<unknown, A>, nextKey?: string): Observable<Page<A>>;
}

const sideOf = (text: string | undefined): Side | undefined =>
  text === undefined ? undefined : text.includes('매수') ? 'buy' : text.includes('매도') ? 'sell' : undefined;

/** Strips one leading `A` (account TRs send `A005930`). */
const plainCode = (c: string | undefined): string => (c && c.length === 7 && c[0] === 'A' ? c.slice(1) : (c ?? ''));

export function kiwoomRest(options: KiwoomRestOptions): KiwoomRest {
  const clock = options.clock ?? Date.now;
  const base = options.restUrl.replace(/\/+$/, '');
  const maxPages = options.maxPages ?? 20;
  const transport = createRestTransport({
    broker,
    budget: options.budget,
    fetch: options.fetch,
    scheduler: options.scheduler,
    report: options.report,
    timeoutMs: options.timeoutMs,
    maxAttempts: options.maxAttempts,
    backoff: options.backoff,
    secrets: () => options.tokens.tokens?.() ?? [],
    reauth: () => options.tokens.invalidate(),
  });

  const at = (hhmmss: string | undefined): { time: string; timestamp: number } => {
    const now = clock();
    return (hhmmss && kstTime(kstDate(now), hhmmss)) || { time: new Date(now).toISOString(), timestamp: now };
  };

  const tr = <A>(
    path: string,
    apiId: string,
    body: Record<string, string>,
    codec: t.Decoder<unknown, A>,
    nextKey?: string,
  ): Observable<Page<A>> =>
    transport.call(async () => {
      const { token } = await options.tokens.get();
      const headers: Record<string, string> = {
        'Content-Type': 'application/json;charset=UTF-8',
        authorization: `Bearer ${token}`,
        'api-id': apiId,
      };
      if (nextKey !== undefined) {
        headers['cont-yn'] = 'Y';
        headers['next-key'] = nextKey;
      }
      return {
        method: 'POST',
        url: `${base}${path}`,
        headers,
        body: JSON.stringify(body),
        label: apiId,
        read: (reply) => readKiwoom(apiId, reply, codec),
      };
    });

  const paged = <A>(path: string, apiId: string, body: Record<string, string>, codec: t.Decoder<unknown, A>): Observable<A> =>
    pages<A, string>(broker, apiId, (next) => tr(path, apiId, body, codec, next), maxPages);

  const quotes = (symbols: readonly string[]): Observable<readonly Quote[]> => {
    const chunks: string[][] = [];
    for (let i = 0; i < symbols.length; i += 100) chunks.push(symbols.slice(i, i + 100));
    return from(chunks).pipe(
      concatMap((chunk) => tr('/api/dostk/stkinfo', 'ka10095', { stk_cd: chunk.join('|') }, WatchAnswer)),
      concatMap((page) =>
        page.value.atn_stk_infr.map((r): Quote => ({
          kind: 'quote',
          broker,
          symbol: r.stk_cd ?? '',
          ...(r.buy_bid !== undefined ? { bestBid: r.buy_bid } : {}),
          ...(r.sel_bid !== undefined ? { bestAsk: r.sel_bid } : {}),
          ...(r.pri_buy_req !== undefined ? { bestBidSize: r.pri_buy_req } : {}),
          ...(r.pri_sel_req !== undefined ? { bestAskSize: r.pri_sel_req } : {}),
          ...at(r.bid_tm),
          raw: r,
          source: 'rest',
        })),
      ),
      toArray(),
    );
  };

  const orderBook = (symbol: string): Observable<OrderBook> =>
    tr('/api/dostk/mrkcond', 'ka10004', { stk_cd: symbol }, BookAnswer).pipe(
      map(({ value: r }) => {
        const level = (side: 'sel' | 'buy', n: number): PriceLevel | undefined => {
          const name = n === 1 ? `${side}_fpr` : `${side}_${n}th_pre`;
          const p = Price.decode(r[`${name}_bid`]);
          const q = Qty.decode(r[`${name}_req`]);
          if (p._tag === 'Left' || q._tag === 'Left') throw new Error(`level ${n} of ${side}: not a price and quantity`);
          return p.right ? { price: p.right, size: q.right ?? 0 } : undefined;
        };
        const side = (s: 'sel' | 'buy'): PriceLevel[] =>
          Array.from({ length: 10 }, (_, i) => level(s, i + 1)).filter((l): l is PriceLevel => l !== undefined);
        const tm = typeof r.bid_req_base_tm === 'string' ? r.bid_req_base_tm : undefined;
        return { kind: 'book', broker, symbol, asks: side('sel'), bids: side('buy'), ...at(tm), raw: r, source: 'rest' } as OrderBook;
      }),
    );

  /** A tick; the signs of its price and quantity are the direction and the aggressor side (as on the socket). */
  const toTrade = (symbol: string, r: TickRow): Trade => {
    const side = r.cntr_trde_qty.sign;
    const direction = r.cur_prc.sign;
    return {
      kind: 'trade',
      broker,
      symbol,
      price: r.cur_prc.value ?? 0,
      size: r.cntr_trde_qty.value ?? 0,
      ...(side ? { side } : {}),
      ...(direction ? { direction } : {}),
      ...(r.stex_tp ? { exchange: r.stex_tp === '통합' ? 'SOR' : r.stex_tp } : {}),
      ...at(r.tm),
      raw: r,
      source: 'rest',
    };
  };

  /** ka10084 ticks newest first, paged back until older than `since` (or the day's first). */
  const trades = (symbol: string, since: number, limit = Infinity): Observable<TradeWindow> => {
    let got = 0;
    return paged('/api/dostk/stkinfo', 'ka10084', { stk_cd: symbol, tdy_pred: '1', tic_min: '0', tm: '' }, TicksAnswer).pipe(
      map((page) => page.tdy_pred_cntr.map((r) => toTrade(symbol, r))),
      // Stop paging once a page reaches back before `since`, or holds the `limit` asked for.
      takeWhile((rows) => (got += rows.length) < limit && rows.length > 0 && rows[rows.length - 1].timestamp >= since, true),
      reduce((all, rows) => all.concat(rows), [] as Trade[]),
      map((all) => {
        // HHMMSS times: keep the whole second `since` falls in; the caller drops what it saw.
        const window = all.filter((tr) => tr.timestamp >= Math.floor(since / 1000) * 1000).reverse();
        return { trades: window.slice(-limit), complete: true };
      }),
    );
  };

  const account = (): Observable<AccountSnapshot> => {
    const asOf = clock();
    return paged(
      '/api/dostk/acnt',
      'kt00009',
      { ord_dt: '', stk_bond_tp: '0', mrkt_tp: '0', sell_tp: '0', qry_tp: '0', stk_cd: '', fr_ord_no: '', dmst_stex_tp: '%' },
      OrderFillAnswer,
    ).pipe(
      reduce((rows, page) => rows.concat(page.acnt_ord_cntr_prst_array), [] as OrderFillRow[]),
      map((rows) => snapshotOf(rows, asOf)),
    );
  };

  /** An order event of a REST row (status and totals as given). */
  const orderOf = (
    raw: object,
    orderId: string,
    code: string | undefined,
    side: Side,
    orderQty: number,
    orderPrice: number,
    filledQty: number,
    unfilledQty: number,
    tm: string | undefined,
    extra: Partial<OrderEvent> = {},
  ): OrderEvent => ({
    kind: 'order',
    broker,
    symbol: plainCode(code),
    orderId,
    side,
    status: filledQty > 0 ? (unfilledQty > 0 ? 'partiallyFilled' : 'filled') : 'accepted',
    orderQty,
    orderPrice,
    filledQty,
    unfilledQty,
    ...at(tm),
    raw,
    source: 'rest',
    ...extra,
  });

  /** kt00009 rows → orders and single fills; cumulative totals per order in fill-number order. */
  const snapshotOf = (rows: readonly OrderFillRow[], asOf: number): AccountSnapshot => {
    const sorted = [...rows].sort(
      (a, b) => (a.cntr_tm ?? '').localeCompare(b.cntr_tm ?? '') || (a.cntr_no ?? '').localeCompare(b.cntr_no ?? ''),
    );
    const orders = new Map<string, OrderEvent>();
    const fills: OrderEvent[] = [];
    const filled = new Map<string, number>();
    for (const r of sorted) {
      const side = sideOf(r.io_tp_nm);
      const orderId = r.ord_no ?? '';
      if (side === undefined || orderId === '') continue;
      const orderQty = r.ord_qty ?? 0;
      const base = orderOf(
        r,
        orderId,
        r.stk_cd,
        side,
        orderQty,
        r.ord_uv ?? 0,
        0,
        orderQty,
        r.cntr_tm,
        r.orig_ord_no && /[1-9]/.test(r.orig_ord_no) ? { originalOrderId: r.orig_ord_no } : {},
      );
      if (!orders.has(orderId)) orders.set(orderId, base);
      const qty = r.cntr_qty ?? 0;
      if (r.cntr_no && qty > 0) {
        const total = (filled.get(orderId) ?? 0) + qty;
        filled.set(orderId, total);
        const unfilledQty = Math.max(0, orderQty - total);
        fills.push({
          ...base,
          status: unfilledQty === 0 ? 'filled' : 'partiallyFilled',
          filledQty: total,
          unfilledQty,
          fillQty: qty,
          fillPrice: r.cntr_uv ?? 0,
        });
      }
      if (r.mdfy_cncl_tp?.includes('취소')) orders.set(orderId, { ...orders.get(orderId)!, status: 'cancelled' });
    }
    for (const [id, o] of orders) {
      const total = filled.get(id) ?? 0;
      if (total > 0) {
        const unfilledQty = Math.max(0, o.orderQty - total);
        orders.set(id, {
          ...o,
          filledQty: total,
          unfilledQty,
          status: o.status === 'cancelled' ? 'cancelled' : unfilledQty === 0 ? 'filled' : 'partiallyFilled',
        });
      }
    }
    return { orders: [...orders.values()], fills, perFill: true, asOf };
  };

  /** ka10075: the open orders (not part of the snapshot; for users and checks). */
  const openOrders = (): Observable<readonly OrderEvent[]> =>
    paged('/api/dostk/acnt', 'ka10075', { all_stk_tp: '0', trde_tp: '0', stk_cd: '', stex_tp: '0' }, OpenOrdersAnswer).pipe(
      reduce((all, page) => all.concat(page.oso), [] as t.TypeOf<typeof OpenOrdersAnswer>['oso']),
      map((rows) =>
        rows.flatMap((r): OrderEvent[] => {
          const side = sideOf(r.io_tp_nm);
          return side === undefined || !r.ord_no
            ? []
            : [
                orderOf(
                  r,
                  r.ord_no,
                  r.stk_cd,
                  side,
                  r.ord_qty ?? 0,
                  r.ord_pric ?? 0,
                  r.cntr_qty ?? 0,
                  r.oso_qty ?? 0,
                  r.tm,
                  r.acnt_no ? { account: r.acnt_no } : {},
                ),
              ];
        }),
      ),
    );

  return { broker, budget: options.budget, transport, tr, quotes, orderBook, trades, account, openOrders };
}
