/**
 * The guides' price-and-volume handler (pyheroapi's MarketDataProcessor: price, change, change
 * rate, volume per stock), on any broker: the latest line per symbol, kept in one board.
 *
 * ```
 * trades$:    -a-b---c-|      a: 005930 71000, b: 000660 187500, c: 005930 71100
 * priceBoard: -x-y---z-|      z.lines = { 005930: 71100 ..., 000660: 187500 ... }
 * ```
 * Change and cumulative volume are the broker's own figures where its wire carries them
 * (Kiwoom 0B, KIS H0STCNT0); absent, never 0, where it does not.
 */
import { Observable, map, scan } from 'rxjs';
import { MarketFeed, Symbols, Trade } from '../../src';

export interface PriceLine {
  readonly symbol: string;
  readonly price: number;
  readonly change?: number;
  readonly changePercent?: number;
  /** Volume since the open (or the venue's window). */
  readonly volume?: number;
  readonly time: string;
}

export interface PriceBoard {
  /** The line that just changed. */
  readonly changed: PriceLine;
  /** Every symbol's latest line. */
  readonly lines: Readonly<Record<string, PriceLine>>;
}

export const priceLine = (t: Trade): PriceLine => ({
  symbol: t.symbol,
  price: t.price,
  time: t.time,
  ...(t.change === undefined ? {} : { change: t.change }),
  ...(t.changePercent === undefined ? {} : { changePercent: t.changePercent }),
  ...(t.cumulativeVolume === undefined ? {} : { volume: t.cumulativeVolume }),
});

export function priceBoard(feed: Pick<MarketFeed, 'trades$'>, symbols: Symbols): Observable<PriceBoard> {
  return feed.trades$(symbols).pipe(
    map(priceLine),
    scan(
      (board: PriceBoard | undefined, changed): PriceBoard => ({ changed, lines: { ...board?.lines, [changed.symbol]: changed } }),
      undefined,
    ),
    map((board) => board as PriceBoard),
  );
}
