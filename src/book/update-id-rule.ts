/**
 * How a book delta relates to the book it would change.
 *
 * ASSUMPTION (WEEX does not document its continuity rule; this is Binance's, which V3 copies):
 * a book that has applied everything up to update id `bookId` accepts a delta covering ids
 * `first`..`last` when `first <= bookId + 1 <= last`; a delta with `last <= bookId` is old news
 * (already inside the snapshot) and is skipped; a delta with `first > bookId + 1` means updates
 * were lost. If WEEX turns out to chain strictly (`first === bookId + 1`), only this function
 * changes.
 */
export type DeltaFit = 'stale' | 'next' | 'gap';

export function fitDelta(bookId: number, first: number, last: number): DeltaFit {
  if (last <= bookId) return 'stale';
  if (first <= bookId + 1) return 'next';
  return 'gap';
}
