import { OperatorFunction } from 'rxjs';
import { filter, map } from 'rxjs/operators';
import { PriceLevel } from '../model';
import { add, div, exact, Exact, sign, sub, toNumber, ZERO } from './exact';
import { positiveInteger } from './check';
import { BookLike } from './top-of-book';

function depth(levels: readonly PriceLevel[], n: number): Exact {
  let sum = ZERO;
  for (let i = 0; i < Math.min(n, levels.length); i++) sum = add(sum, exact(levels[i].size));
  return sum;
}

function sides(e: BookLike, n: number): [Exact, Exact] {
  if (e.kind === 'book') return [depth(e.bids, n), depth(e.asks, n)];
  // A quote has one level a side; a missing size is an empty side.
  return [exact(e.bestBidSize ?? 0), exact(e.bestAskSize ?? 0)];
}

/**
 * Order-book imbalance over the best `levels` levels of each side:
 * (bid size − ask size) / (bid size + ask size), from −1 (only asks) to +1 (only bids).
 *
 * ```
 * bookImbalance(2)             a = bids 3,1 (and 5 deeper) / asks 1,1; b = bids only; c = empty
 * books:  -a-b-c-|
 * result: -x-y---|             x = 0.333… (4 − 2) / 6, y = 1
 * ```
 * A one-sided book is fully imbalanced (±1); an empty book emits nothing. A quote counts as a
 * one-level book. Crossed books are measured as is (sizes do not care about prices).
 *
 * Numerics: sizes are summed exactly and the ratio rounded once (see `exact.ts`).
 */
export function bookImbalance(levels = 1): OperatorFunction<BookLike, number> {
  positiveInteger('bookImbalance', 'levels', levels);
  return (source) =>
    source.pipe(
      map((e) => {
        const [bid, ask] = sides(e, levels);
        const total = add(bid, ask);
        return sign(total) > 0 ? toNumber(div(sub(bid, ask), total)) : undefined;
      }),
      filter((x): x is number => x !== undefined),
    );
}
