import { OperatorFunction } from 'rxjs';
import { filter, map } from 'rxjs/operators';
import { exact, sub, toNumber } from './exact';
import { BookLike, CrossedOption, topOf, twoSided } from './top-of-book';

/**
 * Best ask − best bid of each book or quote.
 *
 * ```
 * spread()                     a = 100/101, b = bids only, c = 102/101 (crossed)
 * books:  -a-b-c-|
 * result: -x---y-|             x = 1, y = -1
 * ```
 * A one-sided or empty book has no spread: nothing is emitted for it (the last spread is *not*
 * still true; pair with `midPrice` or check the book if you need to know it went one-sided).
 * A crossed or locked book gives a negative or zero spread; `{ crossed: 'skip' }` drops those.
 *
 * Numerics: exact. The difference is taken on the decimals the prices print as and rounded once,
 * so 0.3 − 0.1 is 0.2 (not 0.19999999999999998); KRW integer prices are exact anyway.
 */
export function spread(options: CrossedOption = {}): OperatorFunction<BookLike, number> {
  return (source) =>
    source.pipe(
      map(topOf),
      filter((top) => twoSided(top, options)),
      map((top) => toNumber(sub(exact(top.ask!), exact(top.bid!)))),
    );
}
