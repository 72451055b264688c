/**
 * The normalized market model shared by every broker.
 *
 * Every event keeps the broker's decoded record in `raw`, so nothing the wire said is lost, and
 * carries both an ISO-8601 `time` (with the exchange's offset, +09:00 for KRX) and `timestamp`
 * (epoch milliseconds) so operators can order events without parsing strings.
 *
 * Prices and sizes are JS numbers. KRW prices are integers and therefore exact; crypto venues
 * send decimal strings, which stay exact in `raw` (see each broker's docs).
 */

/** Which side initiated a trade, or the side of an order. */
export type Side = 'buy' | 'sell';

/** Price change against the previous close, as brokers sign their prices. */
export type Direction = 'up' | 'down' | 'flat';

/** Fields every normalized event has. */
export interface MarketEventBase<Raw = unknown> {
  /** Broker id: 'kiwoom', 'kis', 'weex', ... */
  readonly broker: string;
  /** Instrument code as the user names it (no exchange suffix): '005930', 'BTCUSDT'. */
  readonly symbol: string;
  /** ISO-8601 with offset, e.g. '2026-11-20T09:01:01+09:00'. */
  readonly time: string;
  /** Epoch milliseconds of `time`. */
  readonly timestamp: number;
  /** The broker's decoded record (named fields), for anything the model does not carry. */
  readonly raw: Raw;
  /**
   * Where the event came from: the socket (`'ws'`, also when absent) or a REST query
   * (`'rest'`: a catch-up after a gap, a backfill, or a fallback poll).
   */
  readonly source?: 'ws' | 'rest';
}

/** Where an event's `time` came from. */
export type TimeSource = 'exchange' | 'receive';

/**
 * The day's market figures every broker guide prints beside a price, where the wire carries them;
 * absent (never zero) where it does not.
 */
export interface SessionFigures {
  /** Change of the last price against the previous close, in price units (signed). */
  readonly change?: number;
  /** The same change in percent of the previous close: -0.24 means -0.24 %. */
  readonly changePercent?: number;
  /** Volume traded since the session opened (KRX) or over the venue's 24-hour window (crypto). */
  readonly cumulativeVolume?: number;
  /** Turnover (price × size summed) over the same window, in the quote currency (KRW, USDT). */
  readonly cumulativeTurnover?: number;
}

/** One print on the tape. */
export interface Trade<Raw = unknown> extends MarketEventBase<Raw>, SessionFigures {
  readonly kind: 'trade';
  readonly price: number;
  readonly size: number;
  /** Aggressor side; undefined where the venue does not say. */
  readonly side?: Side;
  /** Venue that printed it where the broker says (KRX, NXT, ...). */
  readonly exchange?: string;
  /** Exchange trade id where the venue sends one. */
  readonly tradeId?: string;
  /** Price direction vs. the previous close, where the venue signs prices (KRX). */
  readonly direction?: Direction;
  /**
   * Part of the recent-trades snapshot a venue sends on a fresh subscription (WEEX), not a live
   * print; after a reconnect only snapshot trades not seen before are passed on.
   */
  readonly snapshot?: true;
  /** Where `time` came from: the venue's own stamp, or the receive time when the wire carried none. */
  readonly timeSource?: TimeSource;
}

/** One price level of a book. */
export interface PriceLevel {
  readonly price: number;
  readonly size: number;
}

/** An order book; `asks` ascending and `bids` descending, best first; no empty levels. */
export interface OrderBook<Raw = unknown> extends MarketEventBase<Raw> {
  readonly kind: 'book';
  readonly asks: readonly PriceLevel[];
  readonly bids: readonly PriceLevel[];
  readonly exchange?: string;
  /** Total resting size on each side as the venue reports it (all levels, not only those shown). */
  readonly totalBidSize?: number;
  readonly totalAskSize?: number;
}

/** Top of book. */
export interface Quote<Raw = unknown> extends MarketEventBase<Raw>, SessionFigures {
  readonly kind: 'quote';
  readonly bestBid?: number;
  readonly bestAsk?: number;
  readonly bestBidSize?: number;
  readonly bestAskSize?: number;
  readonly exchange?: string;
}

/** Lifecycle of an order as every broker reports it, mapped to one vocabulary. */
export type OrderStatus = 'accepted' | 'partiallyFilled' | 'filled' | 'modified' | 'cancelled' | 'rejected';

/** An order acknowledgement, change or fill on the user's account. */
export interface OrderEvent<Raw = unknown> extends MarketEventBase<Raw> {
  readonly kind: 'order';
  readonly orderId: string;
  /** The order this one modifies or cancels, where it does. */
  readonly originalOrderId?: string;
  readonly side: Side;
  readonly status: OrderStatus;
  readonly orderQty: number;
  /** 0 for market orders. */
  readonly orderPrice: number;
  readonly filledQty: number;
  readonly unfilledQty: number;
  /** Price and quantity of this fill, on fill events. */
  readonly fillPrice?: number;
  readonly fillQty?: number;
  /**
   * A fill the broker's notices did not show (lost in a reconnect gap) but its running totals
   * prove: its quantity is the missing part of the total, its price the missing part of the
   * filled value (see `normalizeFills`).
   */
  readonly inferred?: true;
  readonly account?: string;
}

/** A holding on the user's account after a change. */
export interface Position<Raw = unknown> extends MarketEventBase<Raw> {
  readonly kind: 'position';
  /** Signed: negative for a short position. */
  readonly qty: number;
  readonly avgPrice: number;
  readonly account?: string;
  /** Quantity that can be sold now, where the broker says. */
  readonly availableQty?: number;
  /** The price the position is valued at (last or mark price), where known. */
  readonly lastPrice?: number;
  /** (lastPrice − avgPrice) × qty in the quote currency, where the broker or the feed can tell. */
  readonly unrealizedPnl?: number;
}

/** A cash or coin balance on the user's account after a change (`symbol` is the asset: 'USDT', 'KRW'). */
export interface Balance<Raw = unknown> extends MarketEventBase<Raw> {
  readonly kind: 'balance';
  readonly asset: string;
  /** What can be used now. */
  readonly available?: number;
  /** Held by open orders or margin. */
  readonly locked?: number;
  /** Everything, where the broker says. */
  readonly total?: number;
  readonly account?: string;
}

/** A level of a market or sector index (KOSPI '001', ...). */
export interface IndexTick<Raw = unknown> extends MarketEventBase<Raw> {
  readonly kind: 'index';
  readonly value: number;
  /** Change against the previous close. */
  readonly change?: number;
  readonly direction?: Direction;
}

/** Where the trading day is, for a whole market ('' symbol) or for one instrument. */
export type MarketPhase = 'preOpen' | 'open' | 'preClose' | 'closed' | 'afterHours' | 'halted' | 'unknown';

/** A market-operation notice: session changes, halts, volatility interruptions. */
export interface MarketStatus<Raw = unknown> extends MarketEventBase<Raw> {
  readonly kind: 'status';
  readonly phase: MarketPhase;
  /** The broker's own code for the notice, for what `phase` cannot say. */
  readonly code: string;
  readonly halted?: boolean;
}

/** Any normalized event. */
export type MarketEvent<Raw = unknown> =
  Trade<Raw> | OrderBook<Raw> | Quote<Raw> | OrderEvent<Raw> | Position<Raw> | Balance<Raw> | IndexTick<Raw> | MarketStatus<Raw>;
