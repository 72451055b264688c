import { Direction, IndexTick, MarketEvent, MarketStatus, OrderBook, OrderEvent, Position, Quote, Side, Trade } from '../../model/market';
import { BookSide, improve, openingBook, resize, SimBook, spreadTicks, take, withdrawBest } from './book';
import { krxModeAt, sessionAt, SessionTransition, singlePriceMatchBetween, TradingMode, transitionsBetween } from './calendar';
import { Instrument, instrumentsFor, lotsToQty } from './instruments';
import { profileFor, SimProfile } from './profile';
import { createRng, hashString, Rng } from './rng';
import { initialTrader, TraderConfig, traderAct, TraderEvent, traderOnTrade, TraderState } from './trader';

/** Options of a simulated market; everything has a default. */
export interface MarketOptions {
  /** Broker whose market this looks like ('kiwoom', 'kis': KRX stocks; 'weex': crypto). Default 'kiwoom'. */
  readonly broker?: string;
  /** Symbols to simulate; unknown ones get a price derived from their name. */
  readonly symbols?: readonly string[];
  /** Exact instruments, instead of `symbols`. */
  readonly instruments?: readonly Instrument[];
  /** Mean trades per second per symbol. Default 4. */
  readonly tradesPerSecond?: number;
  /** Simulated time per step. Default 100 ms. */
  readonly stepMs?: number;
  /** Levels per book side. Default 10. */
  readonly depth?: number;
  /** The paper trader (false: none). */
  readonly trader?: Partial<TraderConfig> | false;
  /** Steps between the pre-open notice and the open, without the calendar. Default 5. */
  readonly openAfterSteps?: number;
  /**
   * Follow the KRX calendar (sessions, auctions, notices) by the time of day of `now`. Default: on
   * for KRX brokers (Kiwoom, KIS); WEEX trades around the clock.
   */
  readonly calendar?: boolean;
  /** Steps a volatility interruption lasts. Default 30. */
  readonly haltSteps?: number;
  /** Steps between index ticks. Default 10. */
  readonly indexEverySteps?: number;
}

/** A market's fixed parameters, resolved from MarketOptions. */
export interface MarketConfig {
  readonly profile: SimProfile;
  readonly instruments: readonly Instrument[];
  readonly tradesPerSecond: number;
  readonly stepMs: number;
  readonly depth: number;
  readonly trader?: TraderConfig;
  readonly openAfterSteps: number;
  readonly calendar: boolean;
  readonly haltSteps: number;
  readonly indexEverySteps: number;
}

export interface SymbolState {
  readonly instrument: Instrument;
  readonly book: SimBook;
  /** Mood of the order flow in [-1, 1]: > 0 favours buyers. */
  readonly sentiment: number;
  readonly lastPrice?: number;
  /** Reference price of the volatility interruption rule. */
  readonly viReference: number;
  /** Step at which a halt ends, while halted. */
  readonly haltedUntil?: number;
  /** Continuous trading time left until the stock's next shock (profiles with `viShocks`). */
  readonly shockInMs?: number;
  /** The shock under way, until it triggers a VI. */
  readonly shock?: Shock;
}

/** A burst of one-sided orders that carries a stock past its VI threshold (profile `viShocks`). */
export interface Shock {
  /** The aggressors' side. */
  readonly side: Side;
  /** Where the shock takes the price: just past the VI threshold. */
  readonly target: number;
  /** Shock steps taken so far. */
  readonly step: number;
}

export interface MarketState {
  /** Steps taken so far. */
  readonly step: number;
  readonly phase: 'preOpen' | 'open';
  /** What trading the session allows now (the KRX calendar, or open/closed without it). */
  readonly mode: TradingMode;
  /** The `now` of the last step. */
  readonly lastNow?: number;
  readonly symbols: readonly SymbolState[];
  readonly trader: TraderState;
  readonly tradeCount: number;
  readonly lastIndex?: number;
  /** State of the shocks' own generator: the market before a stock's first shock is the same with or without them. */
  readonly shockRng?: number;
}

/** Fills in the defaults and checks the options; throws a RangeError on nonsense. */
export function marketConfig(options: MarketOptions = {}): MarketConfig {
  const profile = profileFor(options.broker ?? 'kiwoom');
  const instruments = options.instruments ?? instrumentsFor(profile.market, options.symbols);
  const positive = (name: string, value: number, integer: boolean): number => {
    if (!(value > 0) || !Number.isFinite(value) || (integer && !Number.isInteger(value)))
      throw new RangeError(`${name} must be a positive ${integer ? 'integer' : 'number'}, got ${value}`);
    return value;
  };
  if (instruments.length === 0) throw new RangeError('a market needs at least one symbol');
  const depth = positive('depth', options.depth ?? 10, true);
  if (depth < 2) throw new RangeError('depth must be at least 2');
  const trader: TraderConfig | undefined =
    options.trader === false
      ? undefined
      : {
          everySteps: 25,
          lots: Math.max(1, Math.round(instruments[0].tradeLots[1] / 5)),
          cancelAfterSteps: 100,
          symbols: instruments.slice(0, 2).map((i) => i.symbol),
          ...options.trader,
        };
  return {
    profile,
    instruments,
    tradesPerSecond: positive('trade rate', options.tradesPerSecond ?? 4, false),
    stepMs: positive('step', options.stepMs ?? 100, true),
    depth,
    trader,
    openAfterSteps: options.openAfterSteps ?? 5,
    calendar: options.calendar ?? (profile.market === 'krx' && profile.sessionCodes !== undefined),
    haltSteps: options.haltSteps ?? 30,
    indexEverySteps: options.indexEverySteps ?? 10,
  };
}

/** The market before its first step: opening books at each instrument's start price. */
export function initialMarket(config: MarketConfig, rng: Rng): MarketState {
  const shocks = config.profile.viFraction !== undefined ? config.profile.viShocks : undefined;
  // Seeded from the market's generator without drawing from it.
  const shockRng = shocks ? createRng(hashString(`shocks:${rng.state()}`)) : undefined;
  return {
    step: 0,
    phase: 'preOpen',
    mode: 'call',
    symbols: config.instruments.map((instrument) => ({
      instrument,
      book: openingBook(instrument, instrument.startPrice, config.depth, rng),
      sentiment: 0,
      viReference: instrument.startPrice,
      ...(shocks && shockRng ? { shockInMs: shockRng.int(shocks.firstMs[0], shocks.firstMs[1]) } : {}),
    })),
    trader: initialTrader,
    tradeCount: 0,
    ...(shockRng ? { shockRng: shockRng.state() } : {}),
  };
}

/**
 * One step of the market: the pure core of the simulator. The same config, state, generator
 * state and `now` give the same result. Per symbol the events come as trades, then the book and
 * quote after them, so every print lies within the touch of the book that follows it.
 */
export function stepMarket(
  config: MarketConfig,
  state: MarketState,
  rng: Rng,
  now: number,
): { readonly state: MarketState; readonly events: readonly MarketEvent[] } {
  const emit = eventMaker(config.profile, now, state.step);
  const events: MarketEvent[] = [];
  const step = state.step;
  let phase = state.phase;
  let trader = state.trader;
  let tradeCount = state.tradeCount;
  let mode: TradingMode = state.mode;
  let uncross = false;
  const vi = config.profile.viFraction;
  const shocks = vi !== undefined ? config.profile.viShocks : undefined;
  const shockRng = shocks && state.shockRng !== undefined ? createRng(state.shockRng) : undefined;

  if (step === 0) events.push(...state.symbols.map((s) => emit.book(s.instrument, s.book)));
  if (config.calendar) {
    // The KRX day: the notice in force at the start, then every transition the clock passes.
    const crossed = step === 0 ? [sessionAt(now)] : transitionsBetween(state.lastNow ?? now, now);
    for (const t of crossed) events.push(emit.transition(t));
    const before = mode;
    mode = krxModeAt(now);
    uncross = crossed.some((t) => t.uncross) || (before === 'singlePrice' && singlePriceMatchBetween(state.lastNow ?? now, now));
    phase = mode === 'continuous' ? 'open' : 'preOpen';
  } else {
    if (step === 0 && config.profile.sessionCodes) events.push(emit.session('preOpen', config.profile.sessionCodes.preOpen));
    if (phase === 'preOpen' && step >= config.openAfterSteps) {
      phase = 'open';
      if (config.profile.sessionCodes) events.push(emit.session('open', config.profile.sessionCodes.open));
    }
    mode = phase === 'open' ? 'continuous' : 'call';
  }
  const continuous = mode === 'continuous';

  const symbols = state.symbols.map((before) => {
    if (mode !== 'continuous' && mode !== 'call' && mode !== 'singlePrice' && !uncross) return before;
    if (!config.calendar && phase !== 'open') return before;
    let s = before;
    const { instrument } = s;
    const resumes = s.haltedUntil !== undefined && step >= s.haltedUntil;
    if (resumes) {
      s = { ...s, haltedUntil: undefined, viReference: s.lastPrice ?? s.viReference };
      if (shocks && shockRng && s.shockInMs === undefined) s = { ...s, shockInMs: shockRng.int(shocks.everyMs[0], shocks.everyMs[1]) };
      events.push(emit.halt(instrument.symbol, false, s.viReference));
    }
    const book0 = s.book;
    if (mode !== 'closed') s = { ...s, sentiment: nextSentiment(s.sentiment, rng), book: moveLiquidity(config, s, rng) };
    if (uncross && s.haltedUntil === undefined) {
      // A call auction ends: one print at the uncrossing price, no aggressor (the best bid here).
      const lots = rng.int(instrument.tradeLots[0], instrument.tradeLots[1]) * 3;
      const print = take(instrument, s.book, 'sell', lots, rng);
      s = { ...s, book: print.book, lastPrice: print.price };
      tradeCount += 1;
      events.push(emit.trade(instrument, print.price, print.lots, undefined, tradeCount, true));
    }
    if (
      shocks &&
      shockRng &&
      vi !== undefined &&
      continuous &&
      s.haltedUntil === undefined &&
      s.shock === undefined &&
      s.shockInMs !== undefined
    ) {
      const left = s.shockInMs - config.stepMs;
      s = left > 0 ? { ...s, shockInMs: left } : { ...s, shockInMs: undefined, shock: startShock(s, vi, shockRng) };
    }
    const shock = continuous && s.haltedUntil === undefined ? s.shock : undefined;
    // A shock step takes the place of the step's ordinary order flow.
    const trades = continuous && s.haltedUntil === undefined && !shock ? rng.poisson((config.tradesPerSecond * config.stepMs) / 1000) : 0;
    if (shock && vi !== undefined && shocks) {
      const swept = shockStep(instrument, s.book, shock, shocks.steps, rng);
      s = { ...s, book: swept.book, lastPrice: swept.price, shock: { ...shock, step: shock.step + 1 } };
      tradeCount += 1;
      events.push(emit.trade(instrument, swept.price, swept.lots, shock.side, tradeCount));
      const filled = traderOnTrade(trader, instrument.symbol, { price: swept.price, lots: swept.lots, side: shock.side }, instrument.lot);
      trader = filled.state;
      events.push(...filled.events.map((e) => emit.account(config, e)));
      if (Math.abs(swept.price - s.viReference) >= vi * s.viReference) {
        s = { ...s, haltedUntil: step + config.haltSteps, shock: undefined };
        events.push(emit.halt(instrument.symbol, true, s.viReference));
      } else if (shock.step + 1 >= 4 * shocks.steps) {
        // Cannot happen on a sound grid; never let a shock run on.
        s = { ...s, shock: undefined, shockInMs: shocks.everyMs[0] };
      }
    }
    for (let i = 0; i < trades; i++) {
      const side: Side = rng.chance(0.5 + 0.35 * s.sentiment) ? 'buy' : 'sell';
      const best = s.book[side === 'buy' ? 'asks' : 'bids'][0];
      const wanted = rng.chance(0.3) ? best.lots : rng.int(instrument.tradeLots[0], instrument.tradeLots[1]);
      const print = take(instrument, s.book, side, wanted, rng);
      s = { ...s, book: print.book, lastPrice: print.price };
      tradeCount += 1;
      events.push(emit.trade(instrument, print.price, print.lots, side, tradeCount));
      const filled = traderOnTrade(trader, instrument.symbol, { price: print.price, lots: print.lots, side }, instrument.lot);
      trader = filled.state;
      events.push(...filled.events.map((e) => emit.account(config, e)));
      if (vi !== undefined && Math.abs(print.price - s.viReference) >= vi * s.viReference) {
        s = { ...s, haltedUntil: step + config.haltSteps, shock: undefined };
        events.push(emit.halt(instrument.symbol, true, s.viReference));
        break;
      }
    }
    if (s.book !== book0) {
      events.push(
        emit.book(
          instrument,
          s.book,
          mode === 'call' ? { price: s.book.bids[0].price, size: lotsToQty(instrument, s.book.bids[0].lots) } : undefined,
        ),
      );
      if (s.book.asks[0] !== book0.asks[0] || s.book.bids[0] !== book0.bids[0]) events.push(emit.quote(instrument, s.book));
    }
    return s;
  });

  let lastIndex = state.lastIndex;
  if (config.profile.index && continuous && step % config.indexEverySteps === 0) {
    const value = indexValue(config.profile.index.base, symbols);
    if (value !== lastIndex) events.push(emit.index(config.profile.index.symbol, value, config.profile.index.base));
    lastIndex = value;
  }

  if (config.trader && continuous) {
    const touch = (symbol: string) => {
      const s = symbols.find((x) => x.instrument.symbol === symbol);
      return s && { bestBid: s.book.bids[0].price, bestAsk: s.book.asks[0].price };
    };
    const acted = traderAct(config.trader, trader, step, touch, config.profile.orderId);
    trader = acted.state;
    events.push(...acted.events.map((e) => emit.account(config, e)));
  }

  const shockState = shockRng ? { shockRng: shockRng.state() } : {};
  return { state: { step: step + 1, phase, mode, lastNow: now, symbols, trader, tradeCount, lastIndex, ...shockState }, events };
}

/**
 * A shock begins: its direction leans back toward the previous close (so a long run stays near
 * it), its target lies just past the VI threshold from the stock's reference price.
 */
function startShock(s: SymbolState, vi: number, rng: Rng): Shock {
  const price = s.lastPrice ?? s.instrument.startPrice;
  const lean = Math.max(-0.4, Math.min(0.4, 5 * (price / s.instrument.startPrice - 1)));
  const side: Side = rng.chance(0.5 - lean) ? 'buy' : 'sell';
  const reach = vi + 0.003;
  return { side, target: s.viReference * (side === 'buy' ? 1 + reach : 1 - reach), step: 0 };
}

/**
 * One step of a shock: the quotes between the touch and this step's share of the way to the
 * target are pulled, an order takes the new best level whole, and the other side follows to a
 * tick behind the print (so the print stays within the touch of the book after it).
 */
function shockStep(
  instrument: Instrument,
  book: SimBook,
  shock: Shock,
  steps: number,
  rng: Rng,
): { readonly price: number; readonly lots: number; readonly book: SimBook } {
  const buy = shock.side === 'buy';
  const hit: BookSide = buy ? 'asks' : 'bids';
  const best = book[hit][0].price;
  const stepTarget = best + (shock.target - best) / Math.max(1, steps - shock.step);
  let pulled = book;
  for (let i = 0; i < 500 && (buy ? pulled.asks[0].price < stepTarget : pulled.bids[0].price > stepTarget); i++) {
    pulled = withdrawBest(instrument, pulled, hit, rng);
  }
  const print = take(instrument, pulled, shock.side, pulled[hit][0].lots, rng);
  let after = print.book;
  const follower: BookSide = buy ? 'bids' : 'asks';
  const { grid } = instrument;
  for (
    let i = 0;
    i < 500 &&
    spreadTicks(instrument, after) >= 2 &&
    (buy ? grid.up(after.bids[0].price) < print.price : grid.down(after.asks[0].price) > print.price);
    i++
  ) {
    after = improve(instrument, after, follower, rng);
  }
  return { price: print.price, lots: print.lots, book: after };
}

function nextSentiment(s: number, rng: Rng): number {
  return Math.max(-1, Math.min(1, 0.97 * s + (rng.next() - 0.5) * 0.2));
}

/** Passive order flow: sizes change, the spread fills in (on the side the mood favours), a best level is pulled now and then. */
function moveLiquidity(config: MarketConfig, s: SymbolState, rng: Rng): SimBook {
  const { instrument } = s;
  let book = s.book;
  const changes = rng.poisson(1.2);
  for (let i = 0; i < changes; i++) {
    const side: BookSide = rng.chance(0.5) ? 'asks' : 'bids';
    // The smaller of two draws: levels near the top change more often.
    const index = Math.min(rng.int(0, config.depth - 1), rng.int(0, config.depth - 1));
    const lots = book[side][index].lots;
    const delta = rng.int(-Math.ceil(lots * 0.3), Math.ceil(lots * 0.3));
    if (delta !== 0) book = resize(book, side, index, delta);
  }
  if (rng.chance(0.35)) book = improve(instrument, book, rng.chance(0.5 + 0.35 * s.sentiment) ? 'bids' : 'asks', rng);
  if (rng.chance(0.04)) book = withdrawBest(instrument, book, rng.chance(0.5) ? 'asks' : 'bids', rng);
  return book;
}

/** An equal-weighted index of the simulated stocks, rounded to hundredths. */
function indexValue(base: number, symbols: readonly SymbolState[]): number {
  const mean = symbols.reduce((sum, s) => sum + (s.lastPrice ?? s.instrument.startPrice) / s.instrument.startPrice, 0) / symbols.length;
  return Math.round(base * mean * 100) / 100;
}

const direction = (value: number, reference: number): Direction => (value > reference ? 'up' : value < reference ? 'down' : 'flat');

const roundTo = (value: number, decimals: number): number => Math.round(value * 10 ** decimals) / 10 ** decimals;

/** Builders of normalized events for one step. `raw` says where the event came from. */
function eventMaker(profile: SimProfile, now: number, step: number) {
  // Explicit fields rather than spreads: these builders run for every event of a long simulation.
  const broker = profile.broker;
  const time = profile.time(now);
  const timestamp = now;
  const raw = { simulated: true, step };
  // KRX events tell the venue the stock's previous close (prices are signed against it) and the session.
  const krx = profile.market === 'krx';
  const venueRaw = (instrument: Instrument, extra?: object) =>
    krx ? { simulated: true, step, previousClose: instrument.startPrice, ...extra } : raw;
  const levels = (instrument: Instrument, side: readonly { price: number; lots: number }[]) =>
    side.map((l) => ({ price: l.price, size: lotsToQty(instrument, l.lots) }));
  const base = { broker, time, timestamp, raw };
  return {
    trade: (instrument: Instrument, price: number, lots: number, side: Side | undefined, n: number, auction = false): Trade => ({
      kind: 'trade',
      broker,
      symbol: instrument.symbol,
      time,
      timestamp,
      price,
      size: lotsToQty(instrument, lots),
      ...(side ? { side } : {}),
      tradeId: String(n),
      direction: krx ? direction(price, instrument.startPrice) : undefined,
      raw: venueRaw(instrument, auction ? { auction: true } : undefined),
    }),
    book: (instrument: Instrument, book: SimBook, expected?: { price: number; size: number }): OrderBook => ({
      kind: 'book',
      broker,
      symbol: instrument.symbol,
      time,
      timestamp,
      asks: levels(instrument, book.asks),
      bids: levels(instrument, book.bids),
      raw: venueRaw(instrument, expected ? { auction: true, expected } : undefined),
    }),
    quote: (instrument: Instrument, book: SimBook): Quote => ({
      kind: 'quote',
      broker,
      symbol: instrument.symbol,
      time,
      timestamp,
      bestBid: book.bids[0].price,
      bestAsk: book.asks[0].price,
      bestBidSize: lotsToQty(instrument, book.bids[0].lots),
      bestAskSize: lotsToQty(instrument, book.asks[0].lots),
      raw: venueRaw(instrument),
    }),
    index: (symbol: string, value: number, reference: number): IndexTick => ({
      ...base,
      kind: 'index',
      symbol,
      value,
      change: roundTo(value - reference, 2),
      direction: direction(value, reference),
    }),
    session: (phase: 'preOpen' | 'open', code: string): MarketStatus => ({ ...base, kind: 'status', symbol: '', phase, code }),
    /** A calendar transition: the Kiwoom code, the KIS code in raw, NXT notices marked with their venue. */
    transition: (t: SessionTransition): MarketStatus =>
      ({
        ...base,
        kind: 'status',
        symbol: '',
        phase: t.phase,
        code: t.code,
        raw: { ...raw, ...(t.kisCode ? { kisCode: t.kisCode } : {}) },
        ...(t.venue === 'NXT' ? { exchange: 'NXT' } : {}),
      }) as MarketStatus,
    /** A dynamic VI triggered or released; `raw.viReference` is the price it was measured from. */
    halt: (symbol: string, halted: boolean, viReference: number): MarketStatus => ({
      ...base,
      kind: 'status',
      symbol,
      phase: halted ? 'halted' : 'open',
      code: halted ? 'VI' : 'VI_END',
      halted,
      raw: { ...raw, viReference },
    }),
    account: (config: MarketConfig, e: TraderEvent): OrderEvent | Position => {
      const instrument = config.instruments.find((i) => i.symbol === (e.type === 'order' ? e.order.symbol : e.symbol));
      if (!instrument) throw new Error('trader symbol outside the market');
      const account = profile.account !== undefined ? { account: profile.account } : {};
      if (e.type === 'position') {
        const qty = lotsToQty(instrument, e.holding.lots);
        return {
          ...base,
          kind: 'position',
          symbol: e.symbol,
          qty,
          avgPrice: roundTo(e.holding.avgPrice, instrument.grid.decimals + 2),
          availableQty: qty,
          lastPrice: e.lastPrice,
          ...account,
        };
      }
      const { order } = e;
      const open = e.status === 'cancelled' ? 0 : order.lots - order.filledLots;
      return {
        ...base,
        kind: 'order',
        symbol: order.symbol,
        orderId: order.orderId,
        side: order.side,
        status: e.status,
        orderQty: lotsToQty(instrument, order.lots),
        orderPrice: order.price,
        filledQty: lotsToQty(instrument, order.filledLots),
        unfilledQty: lotsToQty(instrument, open),
        ...(e.fill ? { fillPrice: e.fill.price, fillQty: lotsToQty(instrument, e.fill.lots) } : {}),
        ...account,
      };
    },
  };
}
