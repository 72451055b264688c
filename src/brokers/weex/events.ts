import { MarketEventBase, Side } from '../../model/market';

/**
 * WEEX events the shared model has no type for. Same conventions as the model: numbers parsed
 * from WEEX's decimal strings, the decoded wire record in `raw` (exact strings).
 */

/** 24-hour statistics of one instrument. */
export interface WeexTicker<Raw = unknown> extends MarketEventBase<Raw> {
  readonly kind: 'ticker';
  readonly last: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  /** Change over the window, in price. */
  readonly change: number;
  /** Change over the window as a fraction (-0.0196 = -1.96 %). */
  readonly changeRatio: number;
  /** Base-asset volume. */
  readonly volume: number;
  /** Quote-asset turnover. */
  readonly turnover: number;
  readonly trades?: number;
  readonly markPrice?: number;
  readonly indexPrice?: number;
}

/** One candle (bar). */
export interface WeexCandle<Raw = unknown> extends MarketEventBase<Raw> {
  readonly kind: 'candle';
  /** Interval code: '1m', '5m', ..., '1M'. */
  readonly interval: string;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
  /** Bar open time, epoch ms (also `timestamp`). */
  readonly openTime: number;
}

/** One execution of one of the user's orders. */
export interface WeexFill<Raw = unknown> extends MarketEventBase<Raw> {
  readonly kind: 'fill';
  readonly fillId: string;
  readonly orderId: string;
  readonly side: Side;
  /** fillValue / fillSize: WEEX sends no price field. */
  readonly price: number;
  readonly size: number;
  readonly fee?: number;
  readonly liquidity?: 'maker' | 'taker';
}
