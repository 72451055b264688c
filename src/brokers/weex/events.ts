import { MarketEventBase, SessionFigures, Side } from '../../model/market';

/**
 * WEEX events the shared model has no type for. Same conventions as the model: numbers parsed
 * from WEEX's decimal strings, the decoded wire record in `raw` (exact strings).
 */

/**
 * 24-hour statistics of one instrument, with the model's session figures (the same names as on
 * every broker's trades and quotes) over WEEX's rolling 24-hour window:
 *
 * | field | wire | unit |
 * |---|---|---|
 * | `change` | `p` | price units (quote currency), signed: last − open of the window |
 * | `changePercent` | `P` × 100 | percent: -4.36 means -4.36 % (the model's convention) |
 * | `changeRatio` | `P` | the same change as WEEX sends it, a fraction: -0.0436 means -4.36 % |
 * | `cumulativeVolume` | `v` | base asset (BTC for BTCUSDT) |
 * | `cumulativeTurnover` | `q` | quote asset (USDT) |
 *
 * `changePercent` is `P` with the decimal point moved two places on the wire's own string, so
 * "-0.0436" gives exactly -4.36 (no binary rounding noise).
 */
export interface WeexTicker<Raw = unknown> extends MarketEventBase<Raw>, SessionFigures {
  readonly kind: 'ticker';
  readonly last: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  /** Change over the window, in price units (`p`). */
  readonly change: number;
  /** The change in percent of the window's open (`P` × 100): -4.36 means -4.36 %. */
  readonly changePercent: number;
  /** The change as the fraction WEEX sends (`P`): -0.0436 means -4.36 %. Not a percent. */
  readonly changeRatio: number;
  /** Base-asset volume over the window (`v`). */
  readonly cumulativeVolume: number;
  /** Quote-asset turnover over the window (`q`). */
  readonly cumulativeTurnover: number;
  /** @deprecated The same as `cumulativeVolume`. */
  readonly volume: number;
  /** @deprecated The same as `cumulativeTurnover`. */
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
