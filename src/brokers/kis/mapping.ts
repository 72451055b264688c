/**
 * KIS wire records → the model: the one place the feed turns what the codec decoded into market
 * events (the record mappers live beside their layouts in wire/, dispatched from here), and the
 * events KIS has no stream of its own for (quotes from the book).
 */
import { OrderBook, Quote } from '../../model';
import { optionalFigure } from './wire/figures';
import { KisMessage, KisWireRecord, toMessage } from './wire/message';
import { Mapped } from './mapped';

/** A decoded record as its model event, dated by `now` where it carries only a time; or why not. */
export function toModel(wire: KisWireRecord, now: number): Mapped<KisMessage> {
  return toMessage(wire.kind, wire.record, { now }, wire.symbol);
}

/**
 * The best levels of a book as a Quote: KIS has no quote stream, and its book is the full
 * ten-level picture on every push, so its top is the current best bid and ask. The book record's
 * `ACML_VOL` (cumulative volume at that moment) comes along as `cumulativeVolume`; a book carries
 * no change or turnover, so those stay absent.
 */
export function quoteOfBook<Raw>(book: OrderBook<Raw>): Quote<Raw> {
  const [bid] = book.bids;
  const [ask] = book.asks;
  const fields = (book.raw as { readonly fields?: Readonly<Record<string, string | undefined>> } | undefined)?.fields;
  const cumulativeVolume = optionalFigure(fields?.ACML_VOL);
  return {
    kind: 'quote',
    broker: book.broker,
    symbol: book.symbol,
    ...(bid ? { bestBid: bid.price, bestBidSize: bid.size } : {}),
    ...(ask ? { bestAsk: ask.price, bestAskSize: ask.size } : {}),
    ...(book.exchange !== undefined ? { exchange: book.exchange } : {}),
    ...(cumulativeVolume !== undefined ? { cumulativeVolume } : {}),
    time: book.time,
    timestamp: book.timestamp,
    raw: book.raw,
  };
}
