import * as t from 'io-ts';
import { BoundedTime, DecimalString, IntLike, NonNegativeSize, PositivePrice, WireLevel } from './primitives';

/**
 * Public V3 pushes: flat objects with `e` (event), `E` (event time, ms) and `s` (symbol).
 * Decimal strings stay strings here; `mapping.ts` turns them into model numbers.
 */

const envelope = <C extends t.Mixed>(e: C) => t.type({ e, E: BoundedTime, s: t.string });
const either = <A extends string, B extends string>(a: A, b: B) => t.union([t.literal(a), t.literal(b)]);

/**
 * Depth: `depthSnapshot` resets the book, `depth` changes it. `U`..`u` is the range of update ids
 * the message covers, `l` the depth (15 or 200), `d` "SNAPSHOT" | "CHANGED".
 */
export const DepthPush = t.intersection(
  [
    envelope(either('depthSnapshot', 'depth')),
    t.type({ U: IntLike, u: IntLike, b: t.array(WireLevel), a: t.array(WireLevel) }),
    t.partial({ l: IntLike, d: t.string }),
  ],
  'DepthPush',
);
export type DepthPush = t.TypeOf<typeof DepthPush>;

/** One trade: `m` is true when the buyer was the maker, i.e. the seller took liquidity. */
export const WireTrade = t.intersection([
  t.type({ T: BoundedTime, p: PositivePrice, q: NonNegativeSize, m: t.boolean }),
  t.partial({ t: t.string, v: DecimalString }),
]);
export type WireTrade = t.TypeOf<typeof WireTrade>;

export const TradePush = t.intersection([envelope(either('tradeSnapshot', 'trade')), t.type({ d: t.array(WireTrade) })], 'TradePush');
export type TradePush = t.TypeOf<typeof TradePush>;

/** 24h ticker; the contract market adds mark (`m`) and index (`i`) prices. */
export const WireTicker = t.intersection([
  t.type({
    c: DecimalString,
    o: DecimalString,
    h: DecimalString,
    l: DecimalString,
    v: DecimalString,
    q: DecimalString,
    p: DecimalString,
    P: DecimalString,
  }),
  t.partial({
    w: DecimalString,
    O: IntLike,
    C: IntLike,
    n: IntLike,
    m: DecimalString,
    i: DecimalString,
    b: DecimalString,
    B: DecimalString,
    a: DecimalString,
    A: DecimalString,
  }),
]);
export type WireTicker = t.TypeOf<typeof WireTicker>;

export const TickerPush = t.intersection([envelope(t.literal('ticker')), t.type({ d: t.array(WireTicker) })], 'TickerPush');
export type TickerPush = t.TypeOf<typeof TickerPush>;

/** One candle; `i` is the interval code ("1m", ...). */
export const WireKline = t.intersection([
  t.type({ t: IntLike, i: t.string, o: DecimalString, c: DecimalString, h: DecimalString, l: DecimalString, v: DecimalString }),
  t.partial({ T: IntLike, s: t.string, n: IntLike, q: DecimalString, V: DecimalString, Q: DecimalString }),
]);
export type WireKline = t.TypeOf<typeof WireKline>;

/** Candles; `p` is the price type (LAST_PRICE | MARK_PRICE). */
export const KlinePush = t.intersection(
  [envelope(either('klineSnapshot', 'kline')), t.type({ d: t.array(WireKline) }), t.partial({ p: t.string })],
  'KlinePush',
);
export type KlinePush = t.TypeOf<typeof KlinePush>;

/** Best bid and ask (spot only). */
export const BookTickerPush = t.intersection(
  [
    envelope(t.literal('bookTicker')),
    t.type({ b: DecimalString, B: DecimalString, a: DecimalString, A: DecimalString }),
    t.partial({ u: IntLike }),
  ],
  'BookTickerPush',
);
export type BookTickerPush = t.TypeOf<typeof BookTickerPush>;

export type PublicPush = DepthPush | TradePush | TickerPush | KlinePush | BookTickerPush;
