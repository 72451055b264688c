/**
 * A small typed KIS REST client for what the streams need (see ../README.md, "REST"):
 *
 * | need               | path (under /uapi/domestic-stock/v1/)      | tr_id (real / paper)     |
 * |--------------------|--------------------------------------------|--------------------------|
 * | quote and book     | quotations/inquire-asking-price-exp-ccn    | FHKST01010200            |
 * | trades by time     | quotations/inquire-time-itemconclusion     | FHPST01060000            |
 * | orders and fills   | trading/inquire-daily-ccld                 | TTTC0081R / VTTC0081R    |
 * | open orders        | trading/inquire-psbl-rvsecncl (real)       | TTTC0084R                |
 *
 * Every call is a `GET` with `authorization: Bearer <access token>`, `appkey`, `appsecret`,
 * `tr_id`, `custtype`; the access token comes from `POST /oauth2/tokenP`, counted in the same
 * budget, kept for its life (KIS answers the same token for 6 h and refuses a new one within a
 * minute). KIS has no per-fill REST record: fills come as per-order totals.
 */
import * as t from 'io-ts';
import { Observable, concatMap, from, map, reduce, takeWhile, toArray } from 'rxjs';
import { FeedError } from '../../../core/errors';
import { RestTransport, accept, commonFailure, createRestTransport, pages, refuse, RestClientOptions } from '../../../core/rest';
import { AccountSnapshot, MarketRest, TradeWindow } from '../../../feed/rest-source';
import { OrderBook, OrderEvent, PriceLevel, Quote, Trade, kstDate, kstTime } from '../../../model';
import { KisCursor, KisPage, readKis } from './dialect';
import { AskingPrice, DailyOrderRow, DailyOrders, OpenOrders, TimeTrades, Amount } from './wire';

const broker = 'kis';

/** Default budgets per app key: real 18 calls/s, paper 1/s (KIS notice of 2026-04-20). */
export { kisRestLimits } from './limits';

export interface KisRestOptions extends RestClientOptions {
  readonly restUrl: string;
  readonly appKey: string;
  readonly appSecret: string;
  readonly env: 'real' | 'paper';
  /** `12345678-01`: account number (8) and product code (2); account calls need it. */
  readonly account?: string;
  readonly custType?: 'P' | 'B';
  /** Epoch ms now: the trading date of HHMMSS times. */
  readonly clock?: () => number;
  /** Market division: J (KRX), NX (NXT), UN (integrated). Default J. */
  readonly market?: 'J' | 'NX' | 'UN';
}

export interface KisRest extends MarketRest {
  readonly transport: RestTransport;
  /** Any quotation or trading TR, one page. */
  get<A>(
    path: string,
    trId: string,
    query: Record<string, string>,
    codec: t.Decoder<unknown, A>,
    cursor?: KisCursor,
  ): Observable<KisPage<A>>;
}

const TokenAnswer = t.intersection([t.type({ access_token: t.string }), t.partial({ expires_in: t.number })]);

export function kisRest(options: KisRestOptions): KisRest {
  const clock = options.clock ?? Date.now;
  const base = options.restUrl.replace(/\/+$/, '');
  const market = options.market ?? 'J';
  let token: { value: string; expiresAt: number } | undefined;
  let issuing: Promise<string> | undefined;

  const transport = createRestTransport({
    broker,
    budget: options.budget,
    fetch: options.fetch,
    scheduler: options.scheduler,
    report: options.report,
    timeoutMs: options.timeoutMs,
    maxAttempts: options.maxAttempts,
    backoff: options.backoff,
    secrets: () => [options.appSecret, ...(token ? [token.value] : [])],
    reauth: () => {
      token = undefined;
    },
  });

  /** The access token, issued through the same budget when there is none. */
  const accessToken = (): Promise<string> => {
    if (!options.appKey || !options.appSecret) {
      // A feed built on an approval-key provider holds no keys: its REST stays with the backend.
      return Promise.reject(
        new FeedError({
          kind: 'config',
          broker,
          fatal: true,
          message: 'kis: REST calls need appKey and appSecret; this feed was given an approval-key provider only',
        }),
      );
    }
    if (token && clock() < token.expiresAt - 60_000) return Promise.resolve(token.value);
    issuing ??= new Promise<string>((resolve, reject) => {
      transport
        .call(
          () => ({
            method: 'POST',
            url: `${base}/oauth2/tokenP`,
            headers: { 'content-type': 'application/json; charset=utf-8' },
            body: JSON.stringify({ grant_type: 'client_credentials', appkey: options.appKey, appsecret: options.appSecret }),
            label: 'tokenP',
            read: (reply) => {
              const common = commonFailure(broker, 'tokenP', reply);
              if (common) return common;
              const body = TokenAnswer.decode(reply.json);
              if (body._tag === 'Right' && reply.status === 200) return accept(body.right);
              const said = reply.json as { error_code?: string; error_description?: string };
              if (said.error_code === 'EGW00133') {
                return refuse(
                  new FeedError({
                    kind: 'limit',
                    broker,
                    fatal: false,
                    code: 'EGW00133',
                    message: 'kis REST tokenP: one token a minute; waiting',
                  }),
                  'quota',
                  60_000,
                );
              }
              return refuse(
                new FeedError({
                  kind: 'auth',
                  broker,
                  fatal: true,
                  code: said.error_code ?? String(reply.status),
                  message: `kis REST tokenP: refused (${said.error_description ?? `HTTP ${reply.status}`}); check KIS_APPKEY and KIS_APPSECRET`,
                }),
                'never',
              );
            },
          }),
          { priority: 100 },
        )
        .subscribe({
          next: (a) => {
            token = { value: a.access_token, expiresAt: clock() + (a.expires_in ?? 86_400) * 1000 };
            resolve(a.access_token);
          },
          error: reject,
        });
    }).finally(() => {
      issuing = undefined;
    });
    return issuing;
  };

  const trIdOf = (real: string): string => (options.env === 'paper' && /^[TJC]/.test(real) ? `V${real.slice(1)}` : real);

  const get = <A>(
    path: string,
    trId: string,
    query: Record<string, string>,
    codec: t.Decoder<unknown, A>,
    cursor?: KisCursor,
  ): Observable<KisPage<A>> =>
    transport.call(async () => {
      const bearer = await accessToken();
      const q = new URLSearchParams({ ...query, ...(cursor ? { CTX_AREA_FK100: cursor.fk, CTX_AREA_NK100: cursor.nk } : {}) });
      return {
        method: 'GET',
        url: `${base}/uapi/domestic-stock/v1/${path}?${q.toString()}`,
        headers: {
          'content-type': 'application/json; charset=utf-8',
          authorization: `Bearer ${bearer}`,
          appkey: options.appKey,
          appsecret: options.appSecret,
          tr_id: trId,
          custtype: options.custType ?? 'P',
          tr_cont: cursor ? 'N' : '',
        },
        label: trId,
        read: (reply) => readKis(trId, reply, codec),
      };
    });

  const at = (hhmmss: string | undefined): { time: string; timestamp: number } => {
    const now = clock();
    return (hhmmss && kstTime(kstDate(now), hhmmss)) || { time: new Date(now).toISOString(), timestamp: now };
  };

  const book = (symbol: string): Observable<{ quote: Quote; book: OrderBook }> =>
    get(
      'quotations/inquire-asking-price-exp-ccn',
      'FHKST01010200',
      { FID_COND_MRKT_DIV_CODE: market, FID_INPUT_ISCD: symbol },
      AskingPrice,
    ).pipe(
      map(({ value }) => {
        const o = value.output1 as Record<string, unknown>;
        const level = (side: 'askp' | 'bidp', i: number): PriceLevel | undefined => {
          const p = Amount.decode(o[`${side}${i}`]);
          const s = Amount.decode(o[`${side}_rsqn${i}`]);
          if (p._tag === 'Left' || s._tag === 'Left') throw new Error(`${side}${i}: not a price and quantity`);
          return p.right ? { price: p.right, size: s.right ?? 0 } : undefined;
        };
        const side = (s: 'askp' | 'bidp'): PriceLevel[] =>
          Array.from({ length: 10 }, (_, i) => level(s, i + 1)).filter((l): l is PriceLevel => l !== undefined);
        const asks = side('askp');
        const bids = side('bidp');
        const when = at(value.output1.aspr_acpt_hour);
        const quote: Quote = {
          kind: 'quote',
          broker,
          symbol,
          ...(bids[0] ? { bestBid: bids[0].price, bestBidSize: bids[0].size } : {}),
          ...(asks[0] ? { bestAsk: asks[0].price, bestAskSize: asks[0].size } : {}),
          ...when,
          raw: value,
          source: 'rest',
        };
        return { quote, book: { kind: 'book', broker, symbol, asks, bids, ...when, raw: value, source: 'rest' } };
      }),
    );

  const quotes = (symbols: readonly string[]): Observable<readonly Quote[]> =>
    from(symbols).pipe(
      concatMap((s) => book(s)),
      map((x) => x.quote),
      toArray(),
    );

  const orderBook = (symbol: string): Observable<OrderBook> => book(symbol).pipe(map((x) => x.book));

  /** Walks back by time from now, 30 rows a call, until older than `since`. */
  const trades = (symbol: string, since: number, limit = Infinity): Observable<TradeWindow> => {
    let got = 0;
    const hhmmss = (ms: number): string => new Date(ms + 9 * 3600_000).toISOString().slice(11, 19).replace(/:/g, '');
    return pages<readonly Trade[], string>(
      broker,
      'FHPST01060000',
      (cursor) =>
        get(
          'quotations/inquire-time-itemconclusion',
          'FHPST01060000',
          { FID_COND_MRKT_DIV_CODE: market, FID_INPUT_ISCD: symbol, FID_INPUT_HOUR_1: cursor ?? hhmmss(clock()) },
          TimeTrades,
        ).pipe(
          map(({ value }) => {
            const rows = value.output2.map((r): Trade => ({
              kind: 'trade',
              broker,
              symbol,
              price: r.stck_pbpr ?? 0,
              size: r.cnqn ?? 0,
              ...at(r.stck_cntg_hour),
              raw: r,
              source: 'rest',
            }));
            const oldest = rows[rows.length - 1];
            // Full page still inside the window: ask again from the second before the oldest row.
            const next = rows.length >= 30 && oldest && oldest.timestamp >= since ? hhmmss(oldest.timestamp - 1000) : undefined;
            return { value: rows, ...(next ? { next } : {}) };
          }),
        ),
      options.maxPages ?? 20,
    ).pipe(
      takeWhile((rows) => (got += rows.length) < limit && rows.length > 0, true),
      reduce((all, rows) => all.concat(rows), [] as Trade[]),
      map((all) => ({
        trades: all
          .filter((tr) => tr.timestamp >= Math.floor(since / 1000) * 1000)
          .reverse()
          .slice(-limit),
        complete: true,
      })),
    );
  };

  const accountParts = (): Record<string, string> => {
    const [cano, product] = (options.account ?? '').split('-');
    if (!cano || !product) {
      throw new FeedError({
        kind: 'config',
        broker,
        fatal: true,
        message: 'kis: account calls need the account as 12345678-01 (KIS_ACCOUNT)',
      });
    }
    return { CANO: cano, ACNT_PRDT_CD: product };
  };

  const toOrder = (r: DailyOrderRow): OrderEvent => {
    const orderQty = r.ord_qty ?? 0;
    const filledQty = r.tot_ccld_qty ?? 0;
    const cancelled = r.cncl_yn === 'Y';
    const rejected = (r.rjct_qty ?? 0) > 0;
    const unfilledQty = cancelled || rejected ? 0 : (r.rmn_qty ?? Math.max(0, orderQty - filledQty));
    return {
      kind: 'order',
      broker,
      symbol: r.pdno,
      orderId: r.odno,
      ...(r.orgn_odno && /[1-9]/.test(r.orgn_odno) ? { originalOrderId: r.orgn_odno } : {}),
      side: r.sll_buy_dvsn_cd === '01' ? 'sell' : 'buy',
      status: cancelled
        ? 'cancelled'
        : rejected
          ? 'rejected'
          : filledQty >= orderQty && orderQty > 0
            ? 'filled'
            : filledQty > 0
              ? 'partiallyFilled'
              : 'accepted',
      orderQty,
      orderPrice: r.ord_unpr ?? 0,
      filledQty,
      unfilledQty,
      ...at(r.ord_tmd),
      raw: r,
      source: 'rest',
    };
  };

  const daily = (ccld: '00' | '02'): Observable<readonly DailyOrderRow[]> => {
    const today = kstDate(clock());
    return pages<readonly DailyOrderRow[], KisCursor>(
      broker,
      trIdOf('TTTC0081R'),
      (cursor) =>
        get(
          'trading/inquire-daily-ccld',
          trIdOf('TTTC0081R'),
          {
            ...accountParts(),
            INQR_STRT_DT: today,
            INQR_END_DT: today,
            SLL_BUY_DVSN_CD: '00',
            PDNO: '',
            ORD_GNO_BRNO: '',
            ODNO: '',
            CCLD_DVSN: ccld,
            INQR_DVSN: '01',
            INQR_DVSN_1: '',
            INQR_DVSN_3: '00',
            EXCG_ID_DVSN_CD: 'KRX',
          },
          DailyOrders,
          cursor,
        ).pipe(map((p) => ({ value: p.value.output1, ...(p.next ? { next: p.next } : {}) }))),
      options.maxPages ?? 20,
    ).pipe(reduce((all, rows) => all.concat(rows), [] as DailyOrderRow[]));
  };

  const account = (): Observable<AccountSnapshot> => {
    const asOf = clock();
    return daily('00').pipe(
      map((rows) => {
        const orders = rows.map(toOrder);
        // One fill per order with fills: its total, at the average price, stamped when last told.
        const fills = rows
          .filter((r) => (r.tot_ccld_qty ?? 0) > 0)
          .map((r): OrderEvent => {
            const o = toOrder(r);
            const avg = r.avg_prvs || (r.tot_ccld_amt && r.tot_ccld_qty ? r.tot_ccld_amt / r.tot_ccld_qty : undefined);
            const told = r.infm_tmd && /^\d{6}$/.test(r.infm_tmd) ? at(r.infm_tmd) : {};
            return {
              ...o,
              status: o.filledQty >= o.orderQty ? 'filled' : 'partiallyFilled',
              fillQty: o.filledQty,
              ...(avg ? { fillPrice: avg } : {}),
              ...told,
            };
          })
          .sort((a, b) => a.timestamp - b.timestamp);
        return { orders, fills, perFill: false, asOf };
      }),
    );
  };

  const openOrders = (): Observable<readonly OrderEvent[]> =>
    options.env === 'paper'
      ? daily('02').pipe(map((rows) => rows.map(toOrder)))
      : get(
          'trading/inquire-psbl-rvsecncl',
          'TTTC0084R',
          { ...accountParts(), CTX_AREA_FK100: '', CTX_AREA_NK100: '', INQR_DVSN_1: '0', INQR_DVSN_2: '0' },
          OpenOrders,
        ).pipe(map((p) => p.value.output.map(toOrder)));

  return { broker, budget: options.budget, transport, get, quotes, orderBook, trades, account, openOrders };
}
