import { OperatorFunction } from 'rxjs';
import { filter, map } from 'rxjs/operators';
import { add, div, exact, toNumber } from './exact';
import { BookLike, CrossedOption, topOf, twoSided } from './top-of-book';

const TWO = exact(2);

/**
 * (best bid + best ask) / 2 of each book or quote.
 *
 * ```
 * midPrice()                   a = 100/101, b = asks only, c = 101/103
 * books:  -a-b-c-|
 * result: -x---y-|             x = 100.5, y = 102
 * ```
 * One-sided or empty books emit nothing. Crossed books are averaged as is unless
 * `{ crossed: 'skip' }`.
 *
 * Numerics: exact, rounded once: (0.1 + 0.2) / 2 is 0.15.
 */
export function midPrice(options: CrossedOption = {}): OperatorFunction<BookLike, number> {
  return (source) =>
    source.pipe(
      map(topOf),
      filter((top) => twoSided(top, options)),
      map((top) => toNumber(div(add(exact(top.bid!), exact(top.ask!)), TWO))),
    );
}
