import { FillFacts } from '../../feed/fills';
import { Balance, OrderEvent, OrderStatus, Position, Quote, Side, Trade } from '../../model/market';
import { utcTime } from '../../model/time';
import { BookMessage } from '../../book/book-sync';
import { LevelChange } from '../../book/book-levels';
import { WeexCandle, WeexFill, WeexTicker } from './events';
import { WireLevel } from './wire/primitives';
import { BookTickerPush, DepthPush, KlinePush, TickerPush, TradePush, WireKline, WireTicker, WireTrade } from './wire/public-pushes';
import { AccountPush, FillPush, OrdersPush, PositionsPush, WireBalance, WireFill, WireOrder, WirePosition } from './wire/private-pushes';

/**
 * From V3 wire records to the model. Decimal strings become numbers here and only here; each
 * event's `raw` is the decoded wire record, with its exact strings.
 */

const BROKER = 'weex';

const num = (s: string): number => Number(s);
const optNum = (s: string | undefined): number | undefined => (s === undefined ? undefined : Number(s));

/** A record's own time field if it has a usable one, else the push's event time. */
function recordTime(field: string | number | undefined, fallback: number): number {
  const n = typeof field === 'number' ? field : field === undefined ? NaN : Number(field);
  // A time a Date cannot hold is no time: the push's own (checked by its codec) is used instead.
  return Number.isFinite(n) && n > 0 && n <= 8.64e15 ? n : fallback;
}

function levelChange([price, size]: WireLevel): LevelChange {
  return { price: num(price), size: num(size), raw: [price, size] };
}

export function toBookMessage(push: DepthPush): BookMessage {
  return {
    kind: push.e === 'depthSnapshot' ? 'snapshot' : 'delta',
    firstId: push.U,
    lastId: push.u,
    bids: push.b.map(levelChange),
    asks: push.a.map(levelChange),
    timestamp: push.E,
  };
}

/**
 * `m` (buyer is maker) true means the seller hit the bid: a sell-initiated trade. Built field by
 * field in the model's key order (the NDJSON lines keep it): no spreads, no per-push closure.
 */
export function toTrades(push: TradePush): Trade<WireTrade>[] {
  const d = push.d;
  const out: Trade<WireTrade>[] = new Array(d.length);
  // The recent prints a fresh subscription gets first: not live, and sent again on every one.
  const snapshot = push.e === 'tradeSnapshot';
  for (let i = 0; i < d.length; i++) out[i] = tradeOf(push.s, d[i], snapshot);
  return out;
}

function tradeOf(symbol: string, d: WireTrade, snapshot: boolean): Trade<WireTrade> {
  const { time, timestamp } = utcTime(d.T);
  const price = num(d.p);
  const size = num(d.q);
  const side = d.m ? 'sell' : 'buy';
  return snapshot
    ? { kind: 'trade', broker: BROKER, symbol, time, timestamp, price, size, side, tradeId: d.t, snapshot: true, raw: d }
    : { kind: 'trade', broker: BROKER, symbol, time, timestamp, price, size, side, tradeId: d.t, raw: d };
}

/**
 * A fraction written as a decimal string, in percent: the decimal point moved two places on the
 * string itself ("-0.0436" → -4.36 exactly); exponent notation falls back to arithmetic.
 */
export function percentOfFraction(fraction: string): number {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(fraction.trim());
  if (!m) return Number((Number(fraction) * 100).toPrecision(15));
  const [, sign, int, frac = ''] = m;
  const padded = frac.padEnd(2, '0');
  return Number(`${sign}${int}${padded.slice(0, 2)}.${padded.slice(2) || '0'}`);
}

/** 24 h tickers with the model's session figures: change (price), changePercent, cumulative volume and turnover. */
export function toTickers(push: TickerPush): WeexTicker<WireTicker>[] {
  return push.d.map((d) => ({
    kind: 'ticker',
    broker: BROKER,
    symbol: push.s,
    ...utcTime(push.E),
    last: num(d.c),
    open: num(d.o),
    high: num(d.h),
    low: num(d.l),
    change: num(d.p),
    changePercent: percentOfFraction(d.P),
    changeRatio: num(d.P),
    cumulativeVolume: num(d.v),
    cumulativeTurnover: num(d.q),
    volume: num(d.v),
    turnover: num(d.q),
    trades: d.n,
    markPrice: optNum(d.m),
    indexPrice: optNum(d.i),
    raw: d,
  }));
}

export function toQuote(push: BookTickerPush): Quote<BookTickerPush> {
  return {
    kind: 'quote',
    broker: BROKER,
    symbol: push.s,
    ...utcTime(push.E),
    bestBid: num(push.b),
    bestBidSize: num(push.B),
    bestAsk: num(push.a),
    bestAskSize: num(push.A),
    raw: push,
  };
}

export function toCandles(push: KlinePush): WeexCandle<WireKline>[] {
  return push.d.map((d) => ({
    kind: 'candle',
    broker: BROKER,
    symbol: push.s,
    ...utcTime(d.t),
    interval: d.i,
    open: num(d.o),
    high: num(d.h),
    low: num(d.l),
    close: num(d.c),
    volume: num(d.v),
    openTime: d.t,
    raw: d,
  }));
}

/** One Balance per coin: `locked` is WEEX's frozen amount; `total` its equity (spot) or amount (contract). */
export function toBalances(push: AccountPush): Balance<WireBalance>[] {
  return push.d.map((d) => ({
    kind: 'balance',
    broker: BROKER,
    symbol: d.coin,
    ...utcTime(recordTime(d.updatedTime, push.E)),
    asset: d.coin,
    ...defined('total', optNum(d.equity ?? d.amount)),
    ...defined('available', optNum(d.available)),
    ...defined('locked', optNum(d.frozen)),
    raw: d,
  }));
}

function defined<K extends string>(name: K, value: number | undefined): { [P in K]?: number } {
  return (value === undefined ? {} : { [name]: value }) as { [P in K]?: number };
}

/** Signed quantity (SHORT is negative); average price = openValue / size. */
export function toPositions(push: PositionsPush): Position<WirePosition>[] {
  return push.d.map((d) => {
    const size = num(d.size);
    const openValue = optNum(d.openValue);
    return {
      kind: 'position',
      broker: BROKER,
      symbol: d.symbol,
      ...utcTime(recordTime(d.updatedTime, push.E)),
      qty: d.side === 'SHORT' ? -size : size,
      avgPrice: openValue !== undefined && size > 0 ? openValue / size : 0,
      raw: d,
    };
  });
}

const side = (s: 'BUY' | 'SELL'): Side => (s === 'BUY' ? 'buy' : 'sell');

/**
 * WEEX order status → model. Only PENDING, FILLED and CANCELED are documented; an open order with
 * part of its size filled is reported as partiallyFilled, whatever the venue calls it.
 */
export function orderStatus(status: string, size: number, filled: number): OrderStatus {
  switch (status.toUpperCase()) {
    case 'FILLED':
      return 'filled';
    case 'CANCELED':
    case 'CANCELLED':
    case 'EXPIRED':
      return 'cancelled';
    case 'REJECTED':
    case 'FAILED':
      return 'rejected';
    case 'PARTIALLY_FILLED':
      return 'partiallyFilled';
    default:
      return filled > 0 && filled < size ? 'partiallyFilled' : 'accepted';
  }
}

/** Orders without fill details; `ordersWithFills` adds them by comparing cumulative fills. */
export function toOrders(push: OrdersPush): OrderEvent<WireOrder>[] {
  return push.d.map((d) => {
    const size = num(d.size);
    const filled = optNum(d.cumFillSize) ?? 0;
    return {
      kind: 'order',
      broker: BROKER,
      symbol: d.symbol,
      ...utcTime(recordTime(d.updatedTime, push.E)),
      orderId: d.id,
      side: side(d.orderSide),
      status: orderStatus(d.status, size, filled),
      orderQty: size,
      orderPrice: optNum(d.price) ?? 0,
      filledQty: filled,
      unfilledQty: Math.max(0, size - filled),
      raw: d,
    };
  });
}

export function toFills(push: FillPush): WeexFill<WireFill>[] {
  return push.d.map((d) => {
    const size = num(d.fillSize);
    const direction = d.direction?.toUpperCase();
    return {
      kind: 'fill',
      broker: BROKER,
      symbol: d.symbol,
      ...utcTime(recordTime(d.updatedTime ?? d.createdTime, push.E)),
      fillId: d.id,
      orderId: d.orderId,
      side: side(d.orderSide),
      price: size > 0 ? num(d.fillValue) / size : 0,
      size,
      fee: optNum(d.fillFee),
      liquidity: direction === 'MAKER' ? 'maker' : direction === 'TAKER' ? 'taker' : undefined,
      raw: d,
    };
  });
}

/**
 * What a WEEX order push says of its fills, for `normalizeFills`: the running totals
 * (`cumFillSize`, `cumFillValue`) and the latest fill's price. A push carries no fill of its own;
 * the growth of the totals since the previous push is what was filled.
 */
export function orderFillFacts(e: OrderEvent<WireOrder>): FillFacts {
  const value = optNum(e.raw.cumFillValue);
  const last = optNum(e.raw.latestFillPrice);
  return {
    cumulativeQty: e.filledQty,
    ...(value !== undefined && Number.isFinite(value) ? { cumulativeValue: value } : {}),
    ...(last !== undefined && Number.isFinite(last) && last > 0 ? { lastFillPrice: last } : {}),
  };
}
