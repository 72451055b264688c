import { OrderStatus, Side } from '../../model/market';

/**
 * A scripted paper trader: every few seconds it bids at the best bid for a fixed size on the next
 * of its symbols, and offers what it holds at the best ask; resting orders fill when the market
 * prints through their price (a paper fill: its orders are not in the book, there is no queue);
 * orders still working after a while are cancelled. It exists to make account streams move.
 */
export interface TraderConfig {
  /** Steps between two decisions. */
  readonly everySteps: number;
  /** Lots per buy order. */
  readonly lots: number;
  /** Steps after which a working order is cancelled. */
  readonly cancelAfterSteps: number;
  /** Symbols it trades, in turn. */
  readonly symbols: readonly string[];
}

export interface WorkingOrder {
  readonly orderId: string;
  readonly symbol: string;
  readonly side: Side;
  readonly price: number;
  readonly lots: number;
  readonly filledLots: number;
  readonly placedStep: number;
}

export interface Holding {
  readonly lots: number;
  /** Average cost per unit (not per lot). */
  readonly avgPrice: number;
}

export interface TraderState {
  readonly orderCount: number;
  readonly turn: number;
  readonly orders: readonly WorkingOrder[];
  readonly holdings: Readonly<Record<string, Holding>>;
}

/** What happened to the trader, in simulator units (lots); the market turns it into model events. */
export type TraderEvent =
  | {
      readonly type: 'order';
      readonly order: WorkingOrder;
      readonly status: OrderStatus;
      readonly fill?: { readonly price: number; readonly lots: number };
    }
  | { readonly type: 'position'; readonly symbol: string; readonly holding: Holding; readonly lastPrice: number };

export const initialTrader: TraderState = { orderCount: 0, turn: 0, orders: [], holdings: {} };

interface Touch {
  readonly bestBid: number;
  readonly bestAsk: number;
}

/**
 * The trader's decisions at a step: cancel stale orders, then (every `everySteps`) place the next
 * scripted order. `orderId` formats sequence numbers as the broker does.
 */
export function traderAct(
  config: TraderConfig,
  state: TraderState,
  step: number,
  touch: (symbol: string) => Touch | undefined,
  orderId: (sequence: number) => string,
): { readonly state: TraderState; readonly events: readonly TraderEvent[] } {
  const events: TraderEvent[] = [];
  const orders: WorkingOrder[] = [];
  for (const order of state.orders) {
    if (step - order.placedStep >= config.cancelAfterSteps) events.push({ type: 'order', order, status: 'cancelled' });
    else orders.push(order);
  }
  let next: TraderState = { ...state, orders };
  if (config.symbols.length > 0 && step > 0 && step % config.everySteps === 0) {
    const symbol = config.symbols[state.turn % config.symbols.length];
    next = { ...next, turn: state.turn + 1 };
    const top = touch(symbol);
    if (top && !orders.some((o) => o.symbol === symbol)) {
      const held = state.holdings[symbol]?.lots ?? 0;
      const order: WorkingOrder = {
        orderId: orderId(state.orderCount + 1),
        symbol,
        side: held > 0 ? 'sell' : 'buy',
        price: held > 0 ? top.bestAsk : top.bestBid,
        lots: held > 0 ? held : config.lots,
        filledLots: 0,
        placedStep: step,
      };
      next = { ...next, orderCount: state.orderCount + 1, orders: [...orders, order] };
      events.push({ type: 'order', order, status: 'accepted' });
    }
  }
  return { state: next, events };
}

/** Paper fills of the trader's resting orders by one print on the tape. */
export function traderOnTrade(
  state: TraderState,
  symbol: string,
  print: { readonly price: number; readonly lots: number; readonly side: Side },
  lotSize: number,
): { readonly state: TraderState; readonly events: readonly TraderEvent[] } {
  const events: TraderEvent[] = [];
  let holdings = state.holdings;
  let available = print.lots;
  const orders: WorkingOrder[] = [];
  for (const order of state.orders) {
    const crosses =
      order.symbol === symbol &&
      order.side !== print.side &&
      (order.side === 'buy' ? print.price <= order.price : print.price >= order.price);
    if (!crosses || available <= 0) {
      orders.push(order);
      continue;
    }
    const lots = Math.min(available, order.lots - order.filledLots);
    available -= lots;
    const filled: WorkingOrder = { ...order, filledLots: order.filledLots + lots };
    const done = filled.filledLots === filled.lots;
    events.push({ type: 'order', order: filled, status: done ? 'filled' : 'partiallyFilled', fill: { price: order.price, lots } });
    const holding = applyFill(holdings[symbol] ?? { lots: 0, avgPrice: 0 }, order.side, order.price, lots, lotSize);
    holdings = { ...holdings, [symbol]: holding };
    events.push({ type: 'position', symbol, holding, lastPrice: print.price });
    if (!done) orders.push(filled);
  }
  return { state: { ...state, orders, holdings }, events };
}

/** A holding after a fill: buys average in, sells keep the average (and reset it when flat). */
export function applyFill(holding: Holding, side: Side, price: number, lots: number, lotSize: number): Holding {
  if (side === 'sell') {
    const left = holding.lots - lots;
    return { lots: left, avgPrice: left === 0 ? 0 : holding.avgPrice };
  }
  const total = holding.lots + lots;
  const cost = holding.avgPrice * holding.lots * lotSize + price * lots * lotSize;
  return { lots: total, avgPrice: cost / (total * lotSize) };
}
