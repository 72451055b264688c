/**
 * The NXT (Nextrade) venue beside KRX, for brokers whose feeds carry both (KIS: H0NX* and the
 * integrated H0UN*). NXT has its own book and its own prints: smaller resting sizes and orders
 * than KRX, prices at or around the KRX touch while both trade, and trading of its own while KRX
 * is shut. A pure step like the KRX market's, on its own seeded generator, so adding NXT changes
 * nothing in the KRX events of the same seed.
 *
 * Hours (KST; assumed from the venue's published schedule, as the KIS notes do not give them):
 *   08:00–08:50 pre-market · 09:00:30–15:20 main market · 15:30–20:00 after-market
 * (the NXT entries of the simulator's KRX calendar). Without the calendar, NXT trades when KRX does.
 *
 * While KRX trades continuously, NXT quotes around it: a book that drifts more than a few ticks from
 * the KRX mid, or would cross the KRX touch, is re-anchored at the KRX best bid and ask (sizes kept
 * where prices stay), so the integrated book of both never crosses in the main session.
 *
 *   krx step ─► stepNxt(krx state) ─► NXT trades (exchange 'NXT'), then the NXT book
 */
import { Direction, MarketEvent, OrderBook, Side, Trade } from '../../model/market';
import { BookSide, improve, openingBook, resize, SimBook, take, withdrawBest } from './book';
import { KRX_CALENDAR, kstSecondOfDay } from './calendar';
import { Instrument, lotsToQty } from './instruments';
import { MarketConfig, MarketState } from './market';
import { Rng } from './rng';

/** NXT order flow against KRX's: trades per second, resting and taking sizes. */
const RATE_SHARE = 0.3;
const LEVEL_SHARE = 0.3;
const TRADE_SHARE = 0.5;
/** Re-anchor when the NXT mid is this many ticks from the KRX mid. */
const MAX_DRIFT_TICKS = 4;

export interface NxtSymbolState {
  readonly book?: SimBook;
  readonly lastPrice?: number;
}

export interface NxtState {
  readonly symbols: readonly NxtSymbolState[];
  readonly tradeCount: number;
}

export const initialNxt = (config: MarketConfig): NxtState => ({ symbols: config.instruments.map(() => ({})), tradeCount: 0 });

/** NXT sessions: 'pre' 08:00–08:50, 'main' 09:00:30–15:20, 'after' 15:30–20:00, else closed. */
export type NxtSession = 'pre' | 'main' | 'after' | 'closed';

const SESSION_AFTER: Readonly<Record<string, NxtSession>> = { P: 'pre', Q: 'closed', R: 'main', S: 'closed', U: 'after', V: 'closed' };

/** The NXT session at an instant (the last NXT transition of the calendar at or before it). */
export function nxtSessionAt(epochMs: number): NxtSession {
  const second = kstSecondOfDay(epochMs);
  let session: NxtSession = 'closed';
  for (const t of KRX_CALENDAR) if (t.venue === 'NXT' && t.second <= second) session = SESSION_AFTER[t.code] ?? session;
  return session;
}

/** An NXT-sized instrument: the same grid and prices, smaller resting and taking sizes. */
function nxtInstrument(i: Instrument): Instrument {
  const share = (n: number, f: number, min: number) => Math.max(min, Math.round(n * f));
  return {
    ...i,
    levelLots: [share(i.levelLots[0], LEVEL_SHARE, 1), share(i.levelLots[1], LEVEL_SHARE, 2)],
    tradeLots: [1, share(i.tradeLots[1], TRADE_SHARE, 2)],
  };
}

/** Mid price of a book. */
const mid = (b: SimBook): number => (b.bids[0].price + b.asks[0].price) / 2;

/** A book with its best bid at `bid` and best ask at `ask` (sizes kept where a price stays). */
function anchored(instrument: Instrument, before: SimBook | undefined, bid: number, ask: number, depth: number, rng: Rng): SimBook {
  const fresh = openingBook(instrument, bid, depth, rng);
  const sizeAt = (side: BookSide, price: number, lots: number): number => before?.[side].find((l) => l.price === price)?.lots ?? lots;
  const asks: { price: number; lots: number }[] = [];
  let price = ask;
  for (let i = 0; i < depth; i++) {
    asks.push({ price, lots: sizeAt('asks', price, fresh.asks[i].lots) });
    price = instrument.grid.up(price);
  }
  return { bids: fresh.bids.map((l) => ({ price: l.price, lots: sizeAt('bids', l.price, l.lots) })), asks };
}

/** Passive NXT order flow: sizes change, the spread fills in, a best level is pulled now and then. */
function moveLiquidity(instrument: Instrument, book: SimBook, sentiment: number, rng: Rng): SimBook {
  let b = book;
  const changes = rng.poisson(0.8);
  for (let i = 0; i < changes; i++) {
    const side: BookSide = rng.chance(0.5) ? 'asks' : 'bids';
    const index = Math.min(rng.int(0, b[side].length - 1), rng.int(0, b[side].length - 1));
    const lots = b[side][index].lots;
    const delta = rng.int(-Math.ceil(lots * 0.3), Math.ceil(lots * 0.3));
    if (delta !== 0) b = resize(b, side, index, delta);
  }
  if (rng.chance(0.3)) b = improve(instrument, b, rng.chance(0.5 + 0.35 * sentiment) ? 'bids' : 'asks', rng);
  if (rng.chance(0.04)) b = withdrawBest(instrument, b, rng.chance(0.5) ? 'asks' : 'bids', rng);
  return b;
}

const direction = (value: number, reference: number): Direction => (value > reference ? 'up' : value < reference ? 'down' : 'flat');

/**
 * One NXT step after the KRX step of the same instant: `krx` is the KRX market after it, `krxMode`
 * its trading mode. Returns NXT's trades and books (exchange 'NXT').
 */
export function stepNxt(
  config: MarketConfig,
  state: NxtState,
  krx: MarketState,
  rng: Rng,
  now: number,
): { readonly state: NxtState; readonly events: readonly MarketEvent[] } {
  const session: NxtSession = config.calendar ? nxtSessionAt(now) : krx.mode === 'continuous' ? 'main' : 'closed';
  const events: MarketEvent[] = [];
  let tradeCount = state.tradeCount;
  const time = config.profile.time(now);
  const hint = {
    simulated: true,
    step: krx.step,
    venue: 'NXT',
    ...(session === 'pre' ? { session: '1' } : session === 'after' ? { session: '3' } : {}),
  };

  const symbols = state.symbols.map((before, i): NxtSymbolState => {
    const k = krx.symbols[i];
    const instrument = nxtInstrument(k.instrument);
    const raw = { ...hint, previousClose: k.instrument.startPrice };
    const levels = (side: readonly { price: number; lots: number }[]) =>
      side.map((l) => ({ price: l.price, size: lotsToQty(instrument, l.lots) }));
    const bookEvent = (b: SimBook): OrderBook => ({
      kind: 'book',
      broker: config.profile.broker,
      symbol: instrument.symbol,
      exchange: 'NXT',
      time,
      timestamp: now,
      asks: levels(b.asks),
      bids: levels(b.bids),
      raw,
    });
    let book = before.book ?? anchored(instrument, undefined, k.book.bids[0].price, k.book.asks[0].price, config.depth, rng);
    if (session === 'closed') {
      if (before.book === undefined) events.push(bookEvent(book)); // the resting book, once
      return { ...before, book };
    }
    const book0 = before.book;
    book = moveLiquidity(instrument, book, k.sentiment, rng);
    if (session === 'main' && krx.mode === 'continuous') {
      const [kBid, kAsk] = [k.book.bids[0].price, k.book.asks[0].price];
      const tick = Math.max(instrument.grid.up(kBid) - kBid, 1e-9);
      const crosses = book.bids[0].price >= kAsk || book.asks[0].price <= kBid;
      if (crosses || Math.abs(mid(book) - mid(k.book)) > MAX_DRIFT_TICKS * tick)
        book = anchored(instrument, book, kBid, kAsk, config.depth, rng);
    }
    let lastPrice = before.lastPrice;
    const trades = rng.poisson((config.tradesPerSecond * RATE_SHARE * config.stepMs) / 1000);
    for (let n = 0; n < trades; n++) {
      const side: Side = rng.chance(0.5 + 0.35 * k.sentiment) ? 'buy' : 'sell';
      const print = take(instrument, book, side, rng.int(instrument.tradeLots[0], instrument.tradeLots[1]), rng);
      book = print.book;
      lastPrice = print.price;
      tradeCount += 1;
      const trade: Trade = {
        kind: 'trade',
        broker: config.profile.broker,
        symbol: instrument.symbol,
        exchange: 'NXT',
        time,
        timestamp: now,
        price: print.price,
        size: lotsToQty(instrument, print.lots),
        side,
        tradeId: `NXT-${tradeCount}`,
        direction: direction(print.price, k.instrument.startPrice),
        raw,
      };
      events.push(trade);
    }
    if (book !== book0) events.push(bookEvent(book));
    return { book, lastPrice };
  });
  return { state: { symbols, tradeCount }, events };
}
