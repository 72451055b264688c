import { BookSide, RawLevel } from './book-side';

/** One change to one level, parsed, with the wire strings kept. */
export interface LevelChange {
  readonly price: number;
  /** 0 removes the level. */
  readonly size: number;
  readonly raw?: RawLevel;
}

/** Both sides of a book. Mutable on purpose: a delta must not copy the book. */
export class BookLevels {
  readonly bids = new BookSide('bid');
  readonly asks = new BookSide('ask');

  apply(bids: readonly LevelChange[], asks: readonly LevelChange[]): void {
    for (let i = 0; i < bids.length; i++) this.bids.set(bids[i].price, bids[i].size, bids[i].raw);
    for (let i = 0; i < asks.length; i++) this.asks.set(asks[i].price, asks[i].size, asks[i].raw);
  }

  clear(): void {
    this.bids.clear();
    this.asks.clear();
  }

  /** Best bid at or above best ask: no real book looks like this. */
  isCrossed(): boolean {
    return this.bids.crosses(this.asks);
  }
}
