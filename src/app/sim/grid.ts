/**
 * Price grids: the prices an exchange accepts. Every simulated price is produced by stepping on a
 * grid, never by arithmetic that could land between ticks.
 */
export interface PriceGrid {
  /** The tick that applies at a price (its band's tick). */
  tickAt(price: number): number;
  /** The next valid price above `price` (which must be on the grid). */
  up(price: number): number;
  /** The next valid price below `price` (which must be on the grid and above the lowest price). */
  down(price: number): number;
  /** Whether a price is on the grid. */
  onGrid(price: number): boolean;
  /** The nearest grid price at or below `price`. */
  floor(price: number): number;
  /** Decimal places prices are shown with. */
  readonly decimals: number;
}

/**
 * KRX stock tick sizes (호가가격단위) as in force since 2023-01-25, the same for KOSPI, KOSDAQ and
 * KONEX: under 2,000 won 1; under 5,000 5; under 20,000 10; under 50,000 50; under 200,000 100;
 * under 500,000 500; from 500,000 1,000. (ETF/ETN/ELW trade on their own 5-won grid, not modelled.)
 * Each entry is [lower bound of the band, tick].
 */
export const KRX_TICK_BANDS: readonly (readonly [number, number])[] = [
  [0, 1],
  [2_000, 5],
  [5_000, 10],
  [20_000, 50],
  [50_000, 100],
  [200_000, 500],
  [500_000, 1_000],
];

/** The KRX tick for a price in won. */
export function krxTick(price: number): number {
  let tick = KRX_TICK_BANDS[0][1];
  for (const [from, size] of KRX_TICK_BANDS) if (price >= from) tick = size;
  return tick;
}

/** KRX stocks: integer won on the banded grid. A price on a band's lower bound uses that band's tick. */
export const krxGrid: PriceGrid = {
  tickAt: krxTick,
  up: (price) => price + krxTick(price),
  // The step below a price belongs to the band just under it: 50,000 → 49,950 (tick 50).
  down: (price) => price - krxTick(price - 1),
  onGrid: (price) => Number.isInteger(price) && price > 0 && price % krxTick(price) === 0,
  floor: (price) => {
    const p = Math.floor(price);
    return p - (p % krxTick(p));
  },
  decimals: 0,
};

/**
 * A uniform decimal grid (crypto venues: BTCUSDT ticks 0.1, ETHUSDT 0.01, ...). Prices are kept as
 * whole numbers of ticks internally and rounded to `decimals` on the way out, so 0.1 + 0.2 never
 * shows up as 0.30000000000000004.
 */
export function decimalGrid(tick: number, decimals: number): PriceGrid {
  const scale = 10 ** decimals;
  const ticks = (price: number): number => Math.round(price / tick);
  const fromTicks = (n: number): number => Math.round(n * tick * scale) / scale;
  return {
    tickAt: () => tick,
    up: (price) => fromTicks(ticks(price) + 1),
    down: (price) => fromTicks(ticks(price) - 1),
    onGrid: (price) => price > 0 && Math.abs(price / tick - ticks(price)) < 1e-6 && fromTicks(ticks(price)) === price,
    floor: (price) => fromTicks(Math.floor(price / tick + 1e-9)),
    decimals,
  };
}
