/**
 * WEEX V3 REST answers as io-ts codecs, built from the socket codecs' pieces (`../wire/primitives`):
 * prices are decimal strings above 0, sizes decimal strings of 0 or more, times epoch ms as a JSON
 * number or a digit string. Ids are 18–19-digit integers that WEEX sends as JSON numbers on some
 * paths and strings on others: the body is parsed losslessly (`parseLossless`) and `Id` accepts
 * both, keeping a string. Records keep every other field (io-ts `type` passes them through), so
 * `raw` holds all of them. Unknown enum strings pass (`t.string`) and are mapped with a default.
 */
import * as t from 'io-ts';
import { BoundedTime, DecimalString, NonNegativeSize, PositivePrice, WireLevel } from '../wire/primitives';

/** An id: a digit string, or a JSON number (then only exact when below 2^53; see parseLossless). */
export const Id = new t.Type<string, string, unknown>(
  'Id',
  (u): u is string => typeof u === 'string' && u !== '',
  (u, c) =>
    typeof u === 'string' && u !== ''
      ? t.success(u)
      : typeof u === 'number' && Number.isSafeInteger(u)
        ? t.success(String(u))
        : t.failure(u, c, 'expected an id (string or integer)'),
  t.identity,
);

/** A price that may be "0" (market orders, no average yet). */
export const PriceOrZero = NonNegativeSize;

const Side = t.keyof({ BUY: null, SELL: null });

/** `GET …/market/ticker/bookTicker?symbol=` → an array (contract rows add `time`). */
export const BookTickerRow = t.intersection([
  t.type({ symbol: t.string, bidPrice: PriceOrZero, bidQty: NonNegativeSize, askPrice: PriceOrZero, askQty: NonNegativeSize }),
  t.partial({ time: BoundedTime }),
]);
export type BookTickerRow = t.TypeOf<typeof BookTickerRow>;
/** One row or an array of them: the shape of single-symbol answers differs by host. */
export const BookTickerAnswer = t.union([t.array(BookTickerRow), BookTickerRow]);

/** `GET …/market/depth?symbol=&limit=15|200`. */
export const DepthAnswer = t.intersection([
  t.type({ bids: t.array(WireLevel), asks: t.array(WireLevel) }),
  t.partial({ lastUpdateId: t.union([t.number, t.string]), time: BoundedTime }),
]);
export type DepthAnswer = t.TypeOf<typeof DepthAnswer>;

/** `GET …/market/trades?symbol=&limit=` → newest first; `id` a UUID string. */
export const TradeRow = t.intersection([
  t.type({ id: Id, price: PositivePrice, qty: NonNegativeSize, time: BoundedTime, isBuyerMaker: t.boolean }),
  t.partial({ quoteQty: DecimalString, isBestMatch: t.boolean }),
]);
export type TradeRow = t.TypeOf<typeof TradeRow>;
export const TradesAnswer = t.array(TradeRow);

/** An order of `openOrders`, `order/history` (contract) or `allOrders` (spot). */
export const OrderRow = t.intersection([
  t.type({
    symbol: t.string,
    orderId: Id,
    side: Side,
    origQty: NonNegativeSize,
    executedQty: NonNegativeSize,
    status: t.string,
    time: BoundedTime,
  }),
  t.partial({
    clientOrderId: t.string,
    price: PriceOrZero,
    avgPrice: PriceOrZero,
    cumQuote: DecimalString,
    cummulativeQuoteQty: DecimalString,
    type: t.string,
    timeInForce: t.string,
    positionSide: t.string,
    reduceOnly: t.boolean,
    updateTime: BoundedTime,
  }),
]);
export type OrderRow = t.TypeOf<typeof OrderRow>;
export const OrdersAnswer = t.array(OrderRow);

/**
 * A fill of `userTrades` (contract: `side`, `buyer`, `commissionAsset`, `realizedPnl`) or
 * `myTrades` (spot: `isBuyer`, no fee asset).
 */
export const FillRow = t.intersection([
  t.type({ symbol: t.string, id: Id, orderId: Id, price: PositivePrice, qty: NonNegativeSize, time: BoundedTime }),
  t.partial({
    side: Side,
    buyer: t.boolean,
    isBuyer: t.boolean,
    maker: t.boolean,
    commission: DecimalString,
    commissionAsset: t.string,
    quoteQty: DecimalString,
    realizedPnl: DecimalString,
    positionSide: t.string,
  }),
]);
export type FillRow = t.TypeOf<typeof FillRow>;
export const FillsAnswer = t.array(FillRow);

/** The error body: `{"code": -1121, "msg": "Invalid symbol."}` (code a number or a numeric string). */
export const ErrorBody = t.type({ code: t.union([t.number, t.string]), msg: t.string });

/**
 * JSON.parse that keeps integers of 16 or more digits exact, as strings: WEEX ids such as
 * 737185556881998184 exceed 2^53 and would lose their last digits as numbers. String literals are
 * matched first, so digits inside strings are never touched.
 */
export function parseLossless(text: string): unknown {
  const quoted = text.replace(/"(?:[^"\\]|\\.)*"|(?<![\d.])-?\d{16,}(?![\d.eE])/g, (m) => (m.startsWith('"') ? m : `"${m}"`));
  return JSON.parse(quoted) as unknown;
}
