import { OrderBook, Quote } from '../model';

/** A book or a quote: what the top-of-book operators accept. */
export type BookLike = OrderBook | Quote;

/** Best bid and ask of a book or quote, either side missing when the book is one-sided. */
export interface Top {
  readonly bid?: number;
  readonly ask?: number;
  readonly bidSize?: number;
  readonly askSize?: number;
}

/** Best levels, trusting the model's order (asks ascending, bids descending, best first). */
export function topOf(e: BookLike): Top {
  if (e.kind === 'book') {
    const [bid, ask] = [e.bids[0], e.asks[0]];
    return { bid: bid?.price, bidSize: bid?.size, ask: ask?.price, askSize: ask?.size };
  }
  return { bid: e.bestBid, ask: e.bestAsk, bidSize: e.bestBidSize, askSize: e.bestAskSize };
}

/** What to do with a crossed (bid > ask) or locked (bid = ask) book. */
export interface CrossedOption {
  /**
   * 'emit' (default): compute as usual (a crossed KRX book is normal in the pre-open call
   * auction, where it shows the expected match); 'skip': emit nothing for it.
   */
  readonly crossed?: 'emit' | 'skip';
}

/** Both sides present (and not crossed, when the option says so). */
export function twoSided(top: Top, options: CrossedOption): top is Top & { bid: number; ask: number } {
  if (top.bid === undefined || top.ask === undefined) return false;
  return options.crossed !== 'skip' || top.bid < top.ask;
}
