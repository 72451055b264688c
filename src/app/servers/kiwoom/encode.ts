/**
 * The normalized model → Kiwoom REAL entries: the inverse of `mapping.ts`, for the loopback
 * server and simulators. Trade → 0B, OrderBook → 0D, Quote → 0C, OrderEvent → 00,
 * Position → 04, IndexTick → 0J, MarketStatus → 0s. Encoding goes through the same field tables
 * as decoding, so what is published decodes back to the same event.
 */
import { IndexTick, MarketEvent, MarketPhase, MarketStatus, OrderBook, OrderEvent, Position, Quote, Trade } from '../../../model';
import { Exchange, exchanges, itemOf } from '../../../brokers/kiwoom/endpoints';
import { realKey } from '../../../brokers/kiwoom/keys';
import { kstInstant } from '../../../brokers/kiwoom/mapping';
import { RealTables, realTables } from '../../../brokers/kiwoom/wire/real-types';
import { RealEntry } from '../../../brokers/kiwoom/wire/record';

/** A REAL entry and the key a client must have registered to receive it. */
export interface EncodedEntry {
  readonly key: string;
  readonly entry: RealEntry;
}

const names = {
  '00': '주문체결',
  '04': '현물잔고',
  '0B': '주식체결',
  '0C': '주식우선호가',
  '0D': '주식호가잔량',
  '0J': '업종지수',
  '0s': '장시작시간',
} as const;

// Times are encoded from `timestamp`, so the trading date never matters here.
const tables: RealTables = realTables(() => '19700101');

function venueOf(exchange: string | undefined): Exchange {
  return exchange !== undefined && (exchanges as readonly string[]).includes(exchange) ? (exchange as Exchange) : 'KRX';
}

function kstIso(event: { readonly timestamp: number; readonly time: string }): string {
  const ms = Number.isFinite(event.timestamp) ? event.timestamp : Date.parse(event.time);
  return kstInstant(Number.isFinite(ms) ? ms : 0).time;
}

function entry(type: keyof typeof names, item: string, values: Record<string, string>): EncodedEntry {
  return { key: realKey(type, item), entry: { type, name: names[type], item, values } };
}

export function encodeTrade(t: Trade): EncodedEntry {
  const values = tables['0B'].write({
    time: kstIso(t),
    lastPrice: t.price,
    direction: t.direction ?? 'flat',
    size: t.size,
    ...(t.side ? { side: t.side } : {}),
  });
  return entry('0B', itemOf(t.symbol, venueOf(t.exchange)), values);
}

export function encodeOrderBook(b: OrderBook): EncodedEntry {
  const fields: Record<string, unknown> = { time: kstIso(b) };
  b.asks.slice(0, 10).forEach((l, i) => {
    fields[`askPrice${i + 1}`] = l.price;
    fields[`askSize${i + 1}`] = l.size;
  });
  b.bids.slice(0, 10).forEach((l, i) => {
    fields[`bidPrice${i + 1}`] = l.price;
    fields[`bidSize${i + 1}`] = l.size;
  });
  fields.totalAskSize = b.asks.reduce((s, l) => s + l.size, 0);
  fields.totalBidSize = b.bids.reduce((s, l) => s + l.size, 0);
  return entry('0D', itemOf(b.symbol, venueOf(b.exchange)), tables['0D'].write(fields));
}

export function encodeQuote(q: Quote): EncodedEntry {
  const values = tables['0C'].write({
    bestAsk: q.bestAsk ?? 0,
    askDirection: 'flat',
    bestBid: q.bestBid ?? 0,
    bidDirection: 'flat',
  });
  return entry('0C', itemOf(q.symbol, venueOf(q.exchange)), values);
}

/** OrderStatus → FID 913 (and 905 for modify/cancel confirmations). */
function statusFields(o: OrderEvent): { status: 'accepted' | 'filled' | 'confirmed' | 'cancelled' | 'rejected'; orderKind: string } {
  const side = o.side === 'buy' ? '매수' : '매도';
  const sign = o.side === 'buy' ? '+' : '-';
  switch (o.status) {
    case 'accepted':
      return { status: 'accepted', orderKind: `${sign}${side}` };
    case 'partiallyFilled':
    case 'filled':
      return { status: 'filled', orderKind: `${sign}${side}` };
    case 'modified':
      return { status: 'confirmed', orderKind: `${sign}${side}정정` };
    case 'cancelled':
      return { status: 'cancelled', orderKind: `${sign}${side}취소` };
    case 'rejected':
      return { status: 'rejected', orderKind: `${sign}${side}` };
  }
}

export function encodeOrderEvent(o: OrderEvent): EncodedEntry {
  const isFill = o.status === 'filled' || o.status === 'partiallyFilled';
  const values = tables['00'].write({
    ...(o.account ? { account: o.account } : {}),
    orderId: o.orderId,
    symbol: o.symbol,
    ...statusFields(o),
    orderQty: o.orderQty,
    orderPrice: o.orderPrice,
    unfilledQty: o.unfilledQty,
    originalOrderId: o.originalOrderId ?? '0000000',
    side: o.side,
    time: kstIso(o),
    ...(isFill || o.filledQty > 0 ? { executionQty: o.filledQty } : {}),
    ...(o.fillPrice !== undefined ? { unitFillPrice: o.fillPrice } : {}),
    ...(o.fillQty !== undefined ? { unitFillQty: o.fillQty } : {}),
  });
  return entry('00', o.symbol, values);
}

export function encodePosition(p: Position): EncodedEntry {
  const values = tables['04'].write({
    ...(p.account ? { account: p.account } : {}),
    symbol: p.symbol,
    qty: Math.abs(p.qty),
    avgPrice: p.avgPrice,
    ...(p.availableQty !== undefined ? { availableQty: p.availableQty } : {}),
    ...(p.lastPrice !== undefined ? { lastPrice: p.lastPrice, direction: 'flat' as const } : {}),
  });
  return entry('04', p.symbol, values);
}

export function encodeIndexTick(i: IndexTick): EncodedEntry {
  const direction = i.direction ?? (i.change === undefined ? 'flat' : i.change > 0 ? 'up' : i.change < 0 ? 'down' : 'flat');
  const values = tables['0J'].write({
    time: kstIso(i),
    value: i.value,
    direction,
    ...(i.change !== undefined ? { change: i.change } : {}),
  });
  return entry('0J', i.symbol, values);
}

/** A phase → the first 장운영구분 code that means it. */
const phaseCodes: Readonly<Record<MarketPhase, string>> = {
  preOpen: '0',
  open: '3',
  preClose: '2',
  closed: '4',
  afterHours: 'a',
  halted: '8',
  unknown: '9',
};

export function encodeMarketStatus(s: MarketStatus): EncodedEntry {
  const code = /^[0-9a-zA-Z]$/.test(s.code) ? s.code : phaseCodes[s.phase];
  return entry('0s', '', tables['0s'].write({ operation: code, time: kstIso(s) }));
}

/** Any model event as a REAL entry; undefined for kinds Kiwoom has no type for. */
export function encodeEvent(event: MarketEvent): EncodedEntry | undefined {
  switch (event.kind) {
    case 'trade':
      return encodeTrade(event);
    case 'book':
      return encodeOrderBook(event);
    case 'quote':
      return encodeQuote(event);
    case 'order':
      return encodeOrderEvent(event);
    case 'position':
      return encodePosition(event);
    case 'index':
      return encodeIndexTick(event);
    case 'status':
      return encodeMarketStatus(event);
  }
}
