/**
 * The three KIS feeds of one stock in the loopback server: KRX (H0ST*), NXT (H0NX*) and the
 * integrated view of both (H0UN*). Each keeps its own tape (krx-tape.ts), so each venue's
 * cumulative volume, turnover, open/high/low and change come from its own prints, and the
 * integrated tape from all of them. An event without a venue (tests, replays) goes to all three.
 *
 * The integrated book is both venues' latest books summed by price, best ten a side. While both
 * trade continuously the simulator keeps NXT from crossing KRX's touch; outside KRX's hours the
 * books can disagree, and then the venue that moved last wins: the other's levels that would cross
 * its touch are left out (assumed: KIS does not document how H0UNASP0 combines the venues).
 */
import { OrderBook, PriceLevel } from '../../../model';
import { KisExchange } from '../../../brokers/kis/wire/tr-ids';
import { KrxTapes } from '../krx-tape';

export type Venue = Exclude<KisExchange, 'UN'>;

/** Where an event is sent: its own venue and the integrated feed, or (no venue) all three. */
export function feedsOf(exchange: string | undefined): KisExchange[] {
  return exchange === 'KRX' ? ['KRX', 'UN'] : exchange === 'NXT' ? ['NXT', 'UN'] : ['KRX', 'NXT', 'UN'];
}

/** One tape per feed and symbol. */
export class VenueTapes {
  private readonly feeds: Readonly<Record<KisExchange, KrxTapes>> = { KRX: new KrxTapes(), NXT: new KrxTapes(), UN: new KrxTapes() };

  of(feed: KisExchange, symbol: string) {
    return this.feeds[feed].of(symbol);
  }

  setPreviousClose(symbol: string, price: number): void {
    for (const tapes of Object.values(this.feeds)) tapes.setPreviousClose(symbol, price);
  }
}

function sideSum(levels: readonly PriceLevel[], into: Map<number, number>): void {
  for (const l of levels) into.set(l.price, (into.get(l.price) ?? 0) + l.size);
}

/**
 * The integrated book after `latest` changed on its venue: both venues' books summed by price
 * (asks ascending, bids descending, at most `depth` a side), the other venue's levels that would
 * cross `latest`'s touch left out. Time and `raw` (venue hints) are `latest`'s.
 */
export function integratedBook(latest: OrderBook, other: OrderBook | undefined, depth = 10): OrderBook {
  const { exchange: _venue, ...rest } = latest;
  if (other === undefined) return rest;
  const bestBid = latest.bids[0]?.price;
  const bestAsk = latest.asks[0]?.price;
  const asks = new Map<number, number>();
  const bids = new Map<number, number>();
  sideSum(latest.asks, asks);
  sideSum(latest.bids, bids);
  sideSum(
    other.asks.filter((l) => bestBid === undefined || l.price > bestBid),
    asks,
  );
  sideSum(
    other.bids.filter((l) => bestAsk === undefined || l.price < bestAsk),
    bids,
  );
  const levels = (m: Map<number, number>, ascending: boolean): PriceLevel[] =>
    [...m.entries()]
      .sort((a, b) => (ascending ? a[0] - b[0] : b[0] - a[0]))
      .slice(0, depth)
      .map(([price, size]) => ({ price, size }));
  return { ...rest, asks: levels(asks, true), bids: levels(bids, false) };
}
