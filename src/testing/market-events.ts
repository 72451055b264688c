/**
 * Terse builders of normalized model events for tests: every field the model requires gets a
 * plain default (broker 'test', symbol 'TEST', timestamp 0), optional fields are set only when
 * given (so deep equality is not tripped by `undefined` keys), and `raw` is `{}`.
 */

import {
  IndexTick,
  MarketPhase,
  MarketStatus,
  OrderBook,
  OrderEvent,
  OrderStatus,
  Position,
  PriceLevel,
  Quote,
  Side,
  Trade,
  utcTime,
} from '../model';

/** Fields every builder accepts. */
export interface BaseInit {
  readonly broker?: string;
  readonly symbol?: string;
  /** Epoch ms; `time` is derived from it (UTC ISO-8601). Default 0. */
  readonly timestamp?: number;
  readonly raw?: unknown;
}

function base(init: BaseInit) {
  const { time, timestamp } = utcTime(init.timestamp ?? 0);
  return { broker: init.broker ?? 'test', symbol: init.symbol ?? 'TEST', time, timestamp, raw: init.raw ?? {} };
}

/** Copies the keys whose value is defined. */
function defined<T extends object>(fields: T): Partial<T> {
  const out: Partial<T> = {};
  for (const k of Object.keys(fields) as (keyof T)[]) if (fields[k] !== undefined) out[k] = fields[k];
  return out;
}

export interface TradeInit extends BaseInit {
  readonly price: number;
  /** Default 1. */
  readonly size?: number;
  readonly side?: Side;
  readonly tradeId?: string;
  readonly exchange?: string;
}

/** `trade({ price: 70000, size: 10, side: 'buy' })` */
export function trade(init: TradeInit): Trade {
  const { price, size = 1, side, tradeId, exchange } = init;
  return { kind: 'trade', ...base(init), price, size, ...defined({ side, tradeId, exchange }) };
}

/** A level as `[price, size]` or as a PriceLevel. */
export type LevelInit = readonly [price: number, size: number] | PriceLevel;

export interface BookInit extends BaseInit {
  /** Best first (descending). Kept as given, so tests can build odd books. */
  readonly bids?: readonly LevelInit[];
  /** Best first (ascending). Kept as given. */
  readonly asks?: readonly LevelInit[];
  readonly exchange?: string;
}

function level(l: LevelInit): PriceLevel {
  return 'price' in l ? { price: l.price, size: l.size } : { price: l[0], size: l[1] };
}

/** `book({ bids: [[99, 5], [98, 2]], asks: [[101, 3]] })` */
export function book(init: BookInit): OrderBook {
  return {
    kind: 'book',
    ...base(init),
    bids: (init.bids ?? []).map(level),
    asks: (init.asks ?? []).map(level),
    ...defined({ exchange: init.exchange }),
  };
}

export interface QuoteInit extends BaseInit {
  readonly bid?: number;
  readonly ask?: number;
  readonly bidSize?: number;
  readonly askSize?: number;
  readonly exchange?: string;
}

/** `quote({ bid: 99, ask: 101, bidSize: 5, askSize: 3 })` */
export function quote(init: QuoteInit): Quote {
  return {
    kind: 'quote',
    ...base(init),
    ...defined({
      bestBid: init.bid,
      bestAsk: init.ask,
      bestBidSize: init.bidSize,
      bestAskSize: init.askSize,
      exchange: init.exchange,
    }),
  };
}

export interface OrderInit extends BaseInit {
  /** Default '1'. */
  readonly orderId?: string;
  readonly originalOrderId?: string;
  readonly side: Side;
  /** Default 'accepted'. */
  readonly status?: OrderStatus;
  readonly orderQty: number;
  /** Default 0 (market order). */
  readonly orderPrice?: number;
  /** Cumulative; default 0. */
  readonly filledQty?: number;
  /** Default orderQty − filledQty. */
  readonly unfilledQty?: number;
  readonly fillPrice?: number;
  readonly fillQty?: number;
  readonly account?: string;
}

/** Any order event: `order({ side: 'buy', orderQty: 10, orderPrice: 70000 })` is an acceptance. */
export function order(init: OrderInit): OrderEvent {
  const filledQty = init.filledQty ?? 0;
  return {
    kind: 'order',
    ...base(init),
    orderId: init.orderId ?? '1',
    side: init.side,
    status: init.status ?? 'accepted',
    orderQty: init.orderQty,
    orderPrice: init.orderPrice ?? 0,
    filledQty,
    unfilledQty: init.unfilledQty ?? init.orderQty - filledQty,
    ...defined({
      originalOrderId: init.originalOrderId,
      fillPrice: init.fillPrice,
      fillQty: init.fillQty,
      account: init.account,
    }),
  };
}

export interface FillInit extends BaseInit {
  readonly orderId?: string;
  readonly side: Side;
  /** This fill's price and quantity. */
  readonly price: number;
  readonly qty: number;
  /** The order's quantity; default: this fill's (a complete fill). */
  readonly orderQty?: number;
  /** Cumulative filled quantity after this fill; default: `qty` (the order's first fill). */
  readonly filledQty?: number;
  readonly orderPrice?: number;
  readonly account?: string;
}

/**
 * A fill event: `fill({ side: 'buy', price: 100, qty: 4, orderQty: 10, filledQty: 4 })` is a
 * partial fill (status 'partiallyFilled' until filledQty reaches orderQty).
 */
export function fill(init: FillInit): OrderEvent {
  const orderQty = init.orderQty ?? init.qty;
  const filledQty = init.filledQty ?? init.qty;
  return order({
    ...init,
    status: filledQty >= orderQty ? 'filled' : 'partiallyFilled',
    orderQty,
    orderPrice: init.orderPrice ?? init.price,
    filledQty,
    fillPrice: init.price,
    fillQty: init.qty,
  });
}

export interface CancelInit extends BaseInit {
  readonly orderId?: string;
  readonly side: Side;
  readonly orderQty: number;
  /** What was filled before the cancel; default 0. */
  readonly filledQty?: number;
  readonly orderPrice?: number;
  readonly account?: string;
}

/** The cancel confirmation of an order (the unfilled rest is gone; no fill fields). */
export function cancel(init: CancelInit): OrderEvent {
  return order({ ...init, status: 'cancelled', unfilledQty: 0 });
}

export interface PositionInit extends BaseInit {
  readonly qty: number;
  readonly avgPrice: number;
  readonly account?: string;
  readonly availableQty?: number;
  readonly lastPrice?: number;
}

export function position(init: PositionInit): Position {
  const { qty, avgPrice, account, availableQty, lastPrice } = init;
  return { kind: 'position', ...base(init), qty, avgPrice, ...defined({ account, availableQty, lastPrice }) };
}

export interface IndexInit extends BaseInit {
  readonly value: number;
  readonly change?: number;
}

export function indexTick(init: IndexInit): IndexTick {
  return { kind: 'index', ...base(init), value: init.value, ...defined({ change: init.change }) };
}

export interface StatusInit extends BaseInit {
  readonly phase: MarketPhase;
  /** Default: the phase. */
  readonly code?: string;
  readonly halted?: boolean;
}

export function marketStatus(init: StatusInit): MarketStatus {
  return {
    kind: 'status',
    ...base({ symbol: '', ...init }),
    phase: init.phase,
    code: init.code ?? init.phase,
    ...defined({ halted: init.halted }),
  };
}
