/**
 * The loopback WEEX server's V3 REST endpoints, answered from the simulator's state (see
 * ../rest-state.ts) and the server's own book: contract paths under `/capi/v3`, spot under
 * `/api/v3`, bare JSON bodies, errors as `{"code": <negative>, "msg"}` with a 4xx status.
 *
 * - public: `market/ticker/bookTicker`, `market/depth` (15 or 200), `market/trades` (newest
 *   first, ≤ 1 000), `market/time`
 * - private (signed: `ACCESS-SIGN = base64(HMAC-SHA256(secret, timestamp + "GET" + path?query))`):
 *   contract `openOrders` / `order/history` (`limit`, `page`), `userTrades`; spot `openOrders`,
 *   `allOrders` / `myTrades` (symbol required)
 *
 * Order ids longer than 15 digits are written as JSON numbers on `openOrders` and the fill lists,
 * as WEEX does on some paths, so clients must parse them losslessly. Fill lists come newest
 * first (WEEX does not document an order). A quota fault answers HTTP 429.
 */
import { IncomingMessage, ServerResponse } from 'http';
import { OrderEvent } from '../../../model/market';
import { decimalString, mul } from '../decimal';
import { OrderRecord, RestState, answerFault } from '../rest-state';
import { BookView } from './book';
import { checkSignature } from './server';

export interface WeexRestContext {
  readonly state: RestState;
  readonly credentials: { readonly apiKey: string; readonly secretKey: string; readonly passphrase: string };
  readonly now: () => number;
  readonly windowMs: number;
  /** The server's book of a symbol, `depth` levels a side. */
  book(symbol: string, depth: number): BookView;
}

type Market = 'contract' | 'spot';

const PREFIX: Readonly<Record<string, Market>> = { '/capi/v3': 'contract', '/api/v3': 'spot' };

/** V3 codes for the socket check's refusals (the simulator's reading of WEEX's table). */
const V3_CODES: Readonly<Record<string, number>> = {
  '40001': -1040,
  '40002': -1041,
  '40003': -1042,
  '40005': -1042,
  '40008': -1046,
  '40006': -1049,
  '40011': -1049,
  '40012': -1049,
  '40009': -1047,
};

const marketOf = (o: OrderEvent): Market => ((o.raw as { market?: unknown } | undefined)?.market === 'spot' ? 'spot' : 'contract');

const STATUS: Readonly<Record<OrderEvent['status'], string>> = {
  accepted: 'NEW',
  partiallyFilled: 'PARTIALLY_FILLED',
  modified: 'NEW',
  filled: 'FILLED',
  cancelled: 'CANCELED',
  rejected: 'REJECTED',
};

/** JSON with long digit-string ids written as numbers (WEEX's habit on these paths). */
function withNumericIds(body: unknown): string {
  return JSON.stringify(body).replace(/"orderId":"(\d{16,})"/g, '"orderId":$1');
}

function orderRow(rec: OrderRecord, market: Market): Record<string, unknown> {
  const o = rec.last;
  const status = o.status === 'accepted' && rec.filledQty > 0 ? 'partiallyFilled' : o.status;
  const avg = rec.filledQty > 0 ? decimalString(rec.filledValue / rec.filledQty) : '0';
  const row: Record<string, unknown> = {
    symbol: o.symbol,
    orderId: o.orderId,
    clientOrderId: `rx-${o.orderId}`,
    price: decimalString(o.orderPrice),
    origQty: decimalString(o.orderQty),
    executedQty: decimalString(rec.filledQty),
    status: STATUS[status],
    timeInForce: 'GTC',
    type: o.orderPrice > 0 ? 'LIMIT' : 'MARKET',
    side: o.side === 'buy' ? 'BUY' : 'SELL',
    time: String(rec.placedAt),
    updateTime: String(o.timestamp),
  };
  if (market === 'contract') {
    return {
      ...row,
      avgPrice: avg,
      cumQuote: decimalString(rec.filledValue),
      positionSide: o.side === 'buy' ? 'LONG' : 'SHORT',
      reduceOnly: false,
      stopPrice: '0',
      workingType: 'UNKNOWN_PRICE_TYPE',
    };
  }
  return { ...row, cummulativeQuoteQty: decimalString(rec.filledValue), isWorking: true };
}

function fillRow(f: OrderEvent, market: Market): Record<string, unknown> {
  const qty = decimalString(f.fillQty ?? 0);
  const price = decimalString(f.fillPrice ?? f.orderPrice);
  const quoteQty = mul(price, qty);
  const fee = mul(quoteQty, '0.0006');
  // The socket's fill id for the same fill (see server.ts), so both sides name it alike.
  const id = `${f.orderId}-${decimalString(f.filledQty)}`;
  const common = { symbol: f.symbol, id, orderId: f.orderId, price, qty, quoteQty, commission: fee, time: String(f.timestamp) };
  if (market === 'spot') return { ...common, isBuyer: f.side === 'buy' };
  return {
    ...common,
    buyer: f.side === 'buy',
    maker: true,
    commissionAsset: 'USDT',
    realizedPnl: '0',
    side: f.side === 'buy' ? 'BUY' : 'SELL',
    positionSide: f.side === 'buy' ? 'LONG' : 'SHORT',
  };
}

/** Handles a WEEX REST request; false when the path is none of these. */
export function handleWeexRest(ctx: WeexRestContext, req: IncomingMessage, res: ServerResponse): boolean {
  const url = req.url ?? '';
  const [path, queryText = ''] = url.split('?');
  const prefix = Object.keys(PREFIX).find((p) => path.startsWith(`${p}/`));
  if (req.method !== 'GET' || prefix === undefined) return false;
  const market = PREFIX[prefix];
  const call = path.slice(prefix.length);
  const { state } = ctx;
  const q = new URLSearchParams(queryText);
  /** Answers; true (the request is handled). */
  const reply = (status: number, body: unknown): true => {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
    return true;
  };
  const refuse = (status: number, code: number, msg: string): true => reply(status, { code, msg });

  state.noteRequest(`GET ${path}`);
  const fault = state.takeFault();
  if (answerFault(state, res, fault)) return true;
  if (fault === 'quota') {
    res.writeHead(429, { 'Content-Type': 'application/json', 'Retry-After': '1' });
    res.end(JSON.stringify({ code: -1003, msg: 'Too many requests' }));
    return true;
  }

  const symbol = q.get('symbol') ?? undefined;
  const num = (name: string, fallback: number): number => {
    const v = q.get(name);
    return v === null || v === '' || !Number.isFinite(Number(v)) ? fallback : Number(v);
  };
  const limit = (fallback: number, max: number): number => Math.max(1, Math.min(max, num('limit', fallback)));

  // --- public --------------------------------------------------------------------------------
  switch (call) {
    case '/market/time':
      return reply(200, { serverTime: ctx.now() });
    case '/market/ticker/bookTicker': {
      if (!symbol) return refuse(400, -1128, 'Mandatory parameter symbol was not sent');
      const quote = state.lastQuote(symbol);
      const top = ctx.book(symbol, 1);
      const bid =
        quote?.bestBid !== undefined
          ? [quote.bestBid, quote.bestBidSize ?? 0]
          : top.bids[0]
            ? [top.bids[0].price, top.bids[0].size]
            : [0, 0];
      const ask =
        quote?.bestAsk !== undefined
          ? [quote.bestAsk, quote.bestAskSize ?? 0]
          : top.asks[0]
            ? [top.asks[0].price, top.asks[0].size]
            : [0, 0];
      const row = {
        symbol,
        bidPrice: decimalString(bid[0]),
        bidQty: decimalString(bid[1]),
        askPrice: decimalString(ask[0]),
        askQty: decimalString(ask[1]),
      };
      return reply(200, [market === 'contract' ? { ...row, time: ctx.now() } : row]);
    }
    case '/market/depth': {
      if (!symbol) return refuse(400, -1128, 'Mandatory parameter symbol was not sent');
      const depth = num('limit', 15) > 15 ? 200 : 15;
      const view = ctx.book(symbol, depth);
      const pairs = (levels: BookView['bids']) => levels.map((l) => [decimalString(l.price), decimalString(l.size)]);
      return reply(200, { lastUpdateId: view.lastUpdateId, bids: pairs(view.bids), asks: pairs(view.asks) });
    }
    case '/market/trades': {
      if (!symbol) return refuse(400, -1128, 'Mandatory parameter symbol was not sent');
      const rows = state
        .trades(symbol)
        .slice(0, limit(100, 1_000))
        .map(({ trade: t }) => {
          const price = decimalString(t.price);
          const qty = decimalString(t.size);
          return {
            id: t.tradeId ?? `${t.timestamp}-${price}-${qty}`,
            price,
            qty,
            quoteQty: mul(price, qty),
            time: String(t.timestamp),
            isBuyerMaker: t.side === 'sell',
            isBestMatch: true,
          };
        });
      return reply(200, rows);
    }
    default:
      break;
  }

  // --- private: signed over "GET" + path?query --------------------------------------------------
  const header = (name: string): string | undefined => {
    const v = req.headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  const headers = {
    'access-key': header('access-key'),
    'access-sign': header('access-sign'),
    'access-timestamp': header('access-timestamp'),
    'access-passphrase': header('access-passphrase'),
  };
  const failure = checkSignature(headers, ctx.credentials, `GET${url}`, ctx.now(), ctx.windowMs);
  if (failure) return refuse(401, V3_CODES[failure.code] ?? -1047, failure.msg);

  const mine = [...state.orders.values()].filter((r) => marketOf(r.last) === market && (!symbol || r.last.symbol === symbol));
  const page = <T>(rows: readonly T[], size: number): T[] => {
    const p = Math.max(0, Math.floor(num('page', 0)));
    return rows.slice(p * size, p * size + size);
  };
  const start = num('startTime', 0);
  const end = num('endTime', Number.MAX_SAFE_INTEGER);
  const needSymbol = (): boolean => market === 'spot' && !symbol && refuse(400, -1128, 'Mandatory parameter symbol was not sent');

  switch (call) {
    case '/openOrders': {
      const open = mine.filter(
        (r) => r.last.status !== 'filled' && r.last.status !== 'cancelled' && r.last.status !== 'rejected' && r.filledQty < r.last.orderQty,
      );
      const rows = (market === 'contract' ? page(open, limit(100, 100)) : open).map((r) => orderRow(r, market));
      return reply(200, withNumericIds(rows));
    }
    case '/order/history':
    case '/allOrders': {
      if ((call === '/order/history') !== (market === 'contract')) return refuse(404, -1150, 'Method not supported');
      if (needSymbol()) return true;
      const within = mine.filter((r) => r.last.timestamp >= start && r.placedAt <= end);
      return reply(
        200,
        page(within, limit(500, 1_000)).map((r) => orderRow(r, market)),
      );
    }
    case '/userTrades':
    case '/myTrades': {
      if ((call === '/userTrades') !== (market === 'contract')) return refuse(404, -1150, 'Method not supported');
      if (needSymbol()) return true;
      if (start > end) return refuse(400, -1171, 'startTime must be before endTime');
      const rows = state.fills
        .filter((f) => marketOf(f) === market && (!symbol || f.symbol === symbol) && f.timestamp >= start && f.timestamp <= end)
        .reverse()
        .slice(0, limit(100, 100))
        .map((f) => fillRow(f, market));
      return reply(200, withNumericIds(rows));
    }
    default:
      return refuse(404, -1150, `Method not supported: GET ${path}`);
  }
}
