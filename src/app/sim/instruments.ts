import { decimalGrid, krxGrid, PriceGrid } from './grid';
import { hashString } from './rng';

/** One simulated instrument: its grid, where its price starts, and how big its orders are. */
export interface Instrument {
  readonly symbol: string;
  readonly name: string;
  readonly grid: PriceGrid;
  /** Opening price (the previous close); on the grid. */
  readonly startPrice: number;
  /** The smallest quantity (1 share; 0.001 BTC). Sizes are whole numbers of lots inside the simulator. */
  readonly lot: number;
  /** Decimal places of quantities. */
  readonly lotDecimals: number;
  /** Resting lots per book level, [min, max]. */
  readonly levelLots: readonly [number, number];
  /** Lots per aggressive order, [min, max] (capped by the level it hits). */
  readonly tradeLots: readonly [number, number];
}

/** Quantity of `lots` lots, rounded to the instrument's decimals. */
export function lotsToQty(instrument: Instrument, lots: number): number {
  const scale = 10 ** instrument.lotDecimals;
  return Math.round(lots * instrument.lot * scale) / scale;
}

/** A KRX stock; level sizes scale with price so each level holds a similar value in won. */
export function krxStock(symbol: string, name: string, startPrice: number): Instrument {
  const price = krxGrid.floor(startPrice);
  const levelMax = Math.max(20, Math.round(40_000_000 / price));
  return {
    symbol,
    name,
    grid: krxGrid,
    startPrice: price,
    lot: 1,
    lotDecimals: 0,
    levelLots: [Math.max(1, Math.round(levelMax / 20)), levelMax],
    tradeLots: [1, Math.max(5, Math.round(levelMax / 4))],
  };
}

/** A crypto pair on a uniform tick (sizes in `lot` units). */
export function cryptoPair(
  symbol: string,
  startPrice: number,
  tick: number,
  decimals: number,
  lot: number,
  lotDecimals: number,
): Instrument {
  const grid = decimalGrid(tick, decimals);
  return {
    symbol,
    name: symbol,
    grid,
    startPrice: grid.floor(startPrice),
    lot,
    lotDecimals,
    levelLots: [5, 2_000],
    tradeLots: [1, 300],
  };
}

/**
 * Well-known KRX names at plausible prices. Two sit just under a band boundary (19,950 under
 * 20,000; 199,800 under 200,000) so that runs cross tick bands.
 */
export const KRX_INSTRUMENTS: readonly Instrument[] = [
  krxStock('005930', 'Samsung Electronics', 71_200),
  krxStock('000660', 'SK hynix', 187_300),
  krxStock('005380', 'Hyundai Motor', 199_800),
  krxStock('035720', 'Kakao', 19_950),
  krxStock('035420', 'NAVER', 201_500),
];

/** USDT perpetuals with WEEX-like ticks: BTC 0.1, ETH 0.01, SOL 0.01, XRP 0.0001. */
export const CRYPTO_INSTRUMENTS: readonly Instrument[] = [
  cryptoPair('BTCUSDT', 65_000.1, 0.1, 1, 0.001, 3),
  cryptoPair('ETHUSDT', 3_412.55, 0.01, 2, 0.01, 2),
  cryptoPair('SOLUSDT', 151.23, 0.01, 2, 0.1, 1),
  cryptoPair('XRPUSDT', 0.5234, 0.0001, 4, 1, 0),
];

/** An instrument for a symbol not in the lists: its price is derived from the name, so it is stable. */
export function inventInstrument(symbol: string, market: 'krx' | 'crypto'): Instrument {
  const h = hashString(symbol);
  if (market === 'krx') return krxStock(symbol, symbol, 3_000 + (h % 297_000));
  return cryptoPair(symbol.toUpperCase(), 1 + (h % 50_000) / 100, 0.01, 2, 0.1, 1);
}

/** The instruments for these symbols (known ones first, invented otherwise), or the defaults. */
export function instrumentsFor(market: 'krx' | 'crypto', symbols?: readonly string[]): readonly Instrument[] {
  const known = market === 'krx' ? KRX_INSTRUMENTS : CRYPTO_INSTRUMENTS;
  if (!symbols || symbols.length === 0) return known.slice(0, market === 'krx' ? 4 : 3);
  return symbols.map((s) => known.find((i) => i.symbol === s.toUpperCase()) ?? inventInstrument(s, market));
}
