import { OperatorFunction } from 'rxjs';
import { filter, map } from 'rxjs/operators';
import { add, div, exact, mul, sign, toNumber } from './exact';
import { BookLike, CrossedOption, topOf, twoSided } from './top-of-book';

/**
 * Size-weighted mid: (bid × askSize + ask × bidSize) / (bidSize + askSize). It leans toward the
 * side with less size, where the next trade is likelier to go.
 *
 * ```
 * microPrice()                 a = 100×3 / 101×1, b = 100×1 / 101×1, c = bids only
 * books:  -a-b-c-|
 * result: -x-y---|             x = 100.75, y = 100.5
 * ```
 * One-sided or empty books, and quotes without sizes, emit nothing. Crossed books are weighted
 * as is unless `{ crossed: 'skip' }`.
 *
 * Numerics: exact products and sums, one rounding at the end (see `exact.ts`).
 */
export function microPrice(options: CrossedOption = {}): OperatorFunction<BookLike, number> {
  return (source) =>
    source.pipe(
      map(topOf),
      filter((top) => twoSided(top, options) && top.bidSize !== undefined && top.askSize !== undefined),
      map((top) => {
        const [bid, ask] = [exact(top.bid!), exact(top.ask!)];
        const [bidSize, askSize] = [exact(top.bidSize!), exact(top.askSize!)];
        const total = add(bidSize, askSize);
        return sign(total) > 0 ? toNumber(div(add(mul(bid, askSize), mul(ask, bidSize)), total)) : undefined;
      }),
      filter((x): x is number => x !== undefined),
    );
}
