import { Instrument } from './instruments';
import { Rng } from './rng';

/** A resting level, its size in whole lots. */
export interface SimLevel {
  readonly price: number;
  readonly lots: number;
}

/**
 * The simulator's book of one instrument: `asks` ascending, `bids` descending, best first, every
 * price on the instrument's grid, every size at least one lot, and bids[0] < asks[0] always.
 * Every function here returns a new book and keeps those invariants.
 */
export interface SimBook {
  readonly asks: readonly SimLevel[];
  readonly bids: readonly SimLevel[];
}

export type BookSide = 'asks' | 'bids';

const lotsFor = (instrument: Instrument, rng: Rng): number => rng.int(instrument.levelLots[0], instrument.levelLots[1]);

/** A full book around a price: best bid at `price`, best ask one tick above it. */
export function openingBook(instrument: Instrument, price: number, depth: number, rng: Rng): SimBook {
  const { grid } = instrument;
  const bids: SimLevel[] = [];
  const asks: SimLevel[] = [];
  let bid = price;
  let ask = grid.up(price);
  for (let i = 0; i < depth; i++) {
    bids.push({ price: bid, lots: lotsFor(instrument, rng) });
    asks.push({ price: ask, lots: lotsFor(instrument, rng) });
    bid = grid.down(bid);
    ask = grid.up(ask);
  }
  return { asks, bids };
}

/** Number of grid steps between the best bid and the best ask (1 = a one-tick spread). */
export function spreadTicks(instrument: Instrument, book: SimBook): number {
  let n = 0;
  for (let p = book.bids[0].price; p < book.asks[0].price; p = instrument.grid.up(p)) n++;
  return n;
}

/** Adds `deltaLots` to one level (never below one lot). */
export function resize(book: SimBook, side: BookSide, index: number, deltaLots: number): SimBook {
  const levels = book[side].map((l, i) => (i === index ? { price: l.price, lots: Math.max(1, l.lots + deltaLots) } : l));
  return { ...book, [side]: levels };
}

/**
 * A new best level one tick inside the spread on `side` (only when the spread is wider than one
 * tick, so the book cannot cross); the deepest level drops off to keep the depth.
 */
export function improve(instrument: Instrument, book: SimBook, side: BookSide, rng: Rng): SimBook {
  if (spreadTicks(instrument, book) < 2) return book;
  const { grid } = instrument;
  const price = side === 'bids' ? grid.up(book.bids[0].price) : grid.down(book.asks[0].price);
  const levels = [{ price, lots: lotsFor(instrument, rng) }, ...book[side]].slice(0, book[side].length);
  return { ...book, [side]: levels };
}

/** The best level on `side` is withdrawn (when the side keeps at least one level); a deeper one is added. */
export function withdrawBest(instrument: Instrument, book: SimBook, side: BookSide, rng: Rng): SimBook {
  if (book[side].length < 2) return book;
  return refill(instrument, { ...book, [side]: book[side].slice(1) }, side, book[side].length, rng);
}

/**
 * Adds levels beyond the deepest one until `side` has `depth` levels; `emptied` is the price of
 * the last level taken, for a side left empty.
 */
export function refill(instrument: Instrument, book: SimBook, side: BookSide, depth: number, rng: Rng, emptied?: number): SimBook {
  const { grid } = instrument;
  const levels = [...book[side]];
  while (levels.length < depth) {
    const deepest = levels.length > 0 ? levels[levels.length - 1].price : emptied;
    if (deepest === undefined) break;
    const price = side === 'asks' ? grid.up(deepest) : grid.down(deepest);
    if (!(price > 0)) break;
    levels.push({ price, lots: lotsFor(instrument, rng) });
  }
  return { ...book, [side]: levels };
}

/**
 * An aggressive order of `lots` against the best level of the side it hits (a buy hits the
 * asks): it trades at that level's price, for at most that level's size, so every print is at
 * the touch. Returns the traded lots and the book after it (the level shrinks or goes, and the
 * side is refilled at the far end).
 */
export function take(
  instrument: Instrument,
  book: SimBook,
  aggressor: 'buy' | 'sell',
  lots: number,
  rng: Rng,
): { readonly price: number; readonly lots: number; readonly book: SimBook } {
  const side: BookSide = aggressor === 'buy' ? 'asks' : 'bids';
  const best = book[side][0];
  const traded = Math.max(1, Math.min(lots, best.lots));
  const depth = book[side].length;
  const rest = traded === best.lots ? book[side].slice(1) : [{ price: best.price, lots: best.lots - traded }, ...book[side].slice(1)];
  const after = refill(instrument, { ...book, [side]: rest }, side, depth, rng, best.price);
  return { price: best.price, lots: traded, book: after };
}
