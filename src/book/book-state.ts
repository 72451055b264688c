import { OrderBook } from '../model/market';
import { utcTime } from '../model/time';
import { RawLevel } from './book-side';
import { ResyncReason, SyncState } from './book-sync';

/** What a synced book keeps from the wire: the exact decimal strings and the last update id. */
export interface BookRaw {
  readonly lastUpdateId: number;
  readonly bids: readonly RawLevel[];
  readonly asks: readonly RawLevel[];
}

/**
 * What `orderBook$` emits. `book` is present only when `status` is 'synced': a book that is not
 * known to be right is never shown.
 */
export type BookState =
  | { readonly status: 'syncing'; readonly book?: undefined; readonly resyncs: number }
  | { readonly status: 'resyncing'; readonly book?: undefined; readonly resyncs: number; readonly reason: ResyncReason }
  | { readonly status: 'synced'; readonly book: OrderBook<BookRaw>; readonly resyncs: number };

/** The subscriber's view of a sync state: fresh immutable arrays, at most `depth` levels a side. */
export function bookState(state: SyncState, symbol: string, broker: string): BookState {
  switch (state.status) {
    case 'syncing':
      return { status: 'syncing', resyncs: state.resyncs };
    case 'resyncing':
      return { status: 'resyncing', resyncs: state.resyncs, reason: state.reason ?? 'gap' };
    case 'synced': {
      const { bids, asks } = state.book;
      const book: OrderBook<BookRaw> = {
        kind: 'book',
        broker,
        symbol,
        ...utcTime(state.timestamp),
        bids: bids.levels(state.depth),
        asks: asks.levels(state.depth),
        raw: { lastUpdateId: state.bookId, bids: bids.rawLevels(state.depth), asks: asks.rawLevels(state.depth) },
      };
      return { status: 'synced', book, resyncs: state.resyncs };
    }
  }
}
