/**
 * A complete broker feed over the toy protocol (src/testing/toy-protocol.ts), in one file: the
 * smallest thing that satisfies `MarketFeed`. docs/adding-a-broker.md walks through it; a real
 * broker splits the same parts into its folder (keys.ts, wire/, codec.ts, protocol.ts,
 * mapping.ts, feed.ts) — and __tests__/examples/toy-broker.test.ts runs it on a real socket.
 */
import * as t from 'io-ts';
import { EMPTY, Observable, map } from 'rxjs';
import { Key, typedKey } from '../../src/core/key';
import { createSession } from '../../src/core/session';
import { SessionOptions } from '../../src/core/session-types';
import { feedControls } from '../../src/feed/controls';
import { MarketFeed } from '../../src/feed/market-feed';
import { perSymbol } from '../../src/feed/symbols';
import { boundary } from '../../src/feed/boundary';
import { OrderBook, Quote, Trade } from '../../src/model';
import { toyProtocol } from '../../src/testing/toy-protocol';

// wire/: what the venue sends, as io-ts codecs (a real broker: envelopes, field tables, values).
const Level = t.tuple([t.number, t.number]);
const ToyTrade = t.type({ p: t.number, q: t.number, ts: t.number });
const ToyBook = t.type({ b: t.array(Level), a: t.array(Level), ts: t.number });
type ToyTrade = t.TypeOf<typeof ToyTrade>;
type ToyBook = t.TypeOf<typeof ToyBook>;

// keys.ts: one key per (type, item), typed with what the codec decodes for it.
const tradeKey = (symbol: string): Key<unknown> => typedKey(`trade|${symbol}`);
const bookKey = (symbol: string): Key<unknown> => typedKey(`book|${symbol}`);

// mapping.ts: wire record → model event. Wire names stop here.
function decoded<A>(codec: t.Decoder<unknown, A>, value: unknown): A {
  const r = codec.decode(value);
  if (r._tag === 'Left') throw new Error('not a toy record');
  return r.right;
}
const toTrade = (symbol: string, w: ToyTrade): Trade => ({
  kind: 'trade',
  broker: 'toy',
  symbol,
  price: w.p,
  size: w.q,
  time: new Date(w.ts).toISOString(),
  timestamp: w.ts,
  raw: w,
});
const toBook = (symbol: string, w: ToyBook): OrderBook => ({
  kind: 'book',
  broker: 'toy',
  symbol,
  bids: w.b.map(([price, size]) => ({ price, size })),
  asks: w.a.map(([price, size]) => ({ price, size })),
  time: new Date(w.ts).toISOString(),
  timestamp: w.ts,
  raw: w,
});

// feed.ts: the session (core), the key streams, the mapping inside the error boundary, the controls.
export function toyFeed(url: string, sessionOptions: SessionOptions = {}): MarketFeed {
  const session = createSession(toyProtocol({ url }), sessionOptions);
  const mapped = boundary('toy');
  const orderBook$ = (symbols: string | readonly string[]): Observable<OrderBook> =>
    perSymbol(symbols, 'toy', (s) => session.stream(bookKey(s)).pipe(mapped.map((v) => toBook(s, decoded(ToyBook, v)))), mapped.report);
  return {
    ...feedControls({ broker: 'toy', sessions: [session], errors: [mapped.errors$], symbolOf: (key) => key.split('|')[1] }),
    trades$: (symbols) =>
      perSymbol(
        symbols,
        'toy',
        (s) => session.stream(tradeKey(s)).pipe(mapped.map((v) => toTrade(s, decoded(ToyTrade, v)))),
        mapped.report,
      ),
    orderBook$,
    // The toy venue has no quote channel: quotes come from the book's top.
    quotes$: (symbols) =>
      orderBook$(symbols).pipe(
        map((b): Quote => ({
          kind: 'quote',
          broker: 'toy',
          symbol: b.symbol,
          ...(b.bids[0] ? { bestBid: b.bids[0].price, bestBidSize: b.bids[0].size } : {}),
          ...(b.asks[0] ? { bestAsk: b.asks[0].price, bestAskSize: b.asks[0].size } : {}),
          time: b.time,
          timestamp: b.timestamp,
          raw: b.raw,
        })),
      ),
    // No account on the toy venue: the stream completes at once; say so to whoever asks.
    orders$: () => EMPTY,
  };
}
