import { MarketEvent, MarketStatus, OrderBook, OrderEvent, Position, Trade } from '../../src/model/market';
import { krxGrid } from '../../src/app/sim/grid';
import { KRX_INSTRUMENTS } from '../../src/app/sim/instruments';
import { initialMarket, MarketOptions, marketConfig, stepMarket } from '../../src/app/sim/market';
import { createRng } from '../../src/app/sim/rng';

const cache = new Map<string, MarketEvent[]>();

/** Runs the pure core for `steps` steps of 100 ms from t0 (09:00 KST), once per arguments. */
function run(options: MarketOptions, seed: number, steps: number): MarketEvent[] {
  const id = JSON.stringify([options.broker, options.instruments?.length, seed, steps]);
  const hit = cache.get(id);
  if (hit) return hit;
  const config = marketConfig(options);
  const rng = createRng(seed);
  let state = initialMarket(config, rng);
  const events: MarketEvent[] = [];
  const t0 = Date.UTC(2026, 10, 20, 0, 0, 0);
  for (let i = 0; i < steps; i++) {
    const next = stepMarket(config, state, rng, t0 + i * config.stepMs);
    state = next.state;
    events.push(...next.events);
  }
  cache.set(id, events);
  return events;
}

const STEPS = 10_000; // 1 000 simulated seconds per symbol: tens of thousands of books and trades

describe.each([
  ['kiwoom', { broker: 'kiwoom', instruments: KRX_INSTRUMENTS }],
  ['weex', { broker: 'weex' }],
] as const)('simulated %s market over a long seeded run', (_name, options) => {
  const events = run(options, 42, STEPS);
  const config = marketConfig(options);
  const grid = (symbol: string) => config.instruments.find((i) => i.symbol === symbol)!.grid;
  const ofKind = <K extends MarketEvent['kind']>(kind: K) => events.filter((e): e is Extract<MarketEvent, { kind: K }> => e.kind === kind);

  it('books are sorted, on the tick grid, never crossed, with positive sizes and full depth', () => {
    const books = ofKind('book');
    expect(books.length).toBeGreaterThan(STEPS);
    const bad: unknown[] = [];
    for (const b of books) {
      const g = grid(b.symbol);
      const levels = [...b.asks, ...b.bids];
      const sorted =
        b.asks.every((l, i) => i === 0 || l.price > b.asks[i - 1].price) &&
        b.bids.every((l, i) => i === 0 || l.price < b.bids[i - 1].price);
      if (
        b.asks.length !== config.depth ||
        b.bids.length !== config.depth ||
        !levels.every((l) => g.onGrid(l.price) && l.size > 0) ||
        !sorted ||
        !(b.bids[0].price < b.asks[0].price)
      )
        bad.push(b);
    }
    expect(bad).toEqual([]);
  });

  it('every trade is on the grid, positive, and at or inside the touch of the book that follows it', () => {
    const pending = new Map<string, Trade[]>();
    const bad: unknown[] = [];
    let checked = 0;
    for (const e of events) {
      if (e.kind === 'trade') {
        if (!grid(e.symbol).onGrid(e.price) || !(e.size > 0)) bad.push(e);
        pending.set(e.symbol, [...(pending.get(e.symbol) ?? []), e]);
      } else if (e.kind === 'book') {
        const [bid, ask] = [e.bids[0].price, e.asks[0].price];
        for (const t of pending.get(e.symbol) ?? []) {
          // A buy lifts the ask, so it prints above the remaining bid; a sell below the remaining ask.
          const inside = t.side === 'buy' ? t.price > bid && t.price <= ask : t.price >= bid && t.price < ask;
          if (!inside) bad.push({ trade: t, bid, ask });
          checked++;
        }
        pending.delete(e.symbol);
      }
    }
    expect(bad).toEqual([]);
    expect(checked).toBeGreaterThan(1_000);
    expect([...pending.values()].flat()).toHaveLength(0);
  });

  it('quotes repeat the top of the book just published', () => {
    const lastBook = new Map<string, OrderBook>();
    const bad: unknown[] = [];
    let quotes = 0;
    for (const e of events) {
      if (e.kind === 'book') lastBook.set(e.symbol, e);
      if (e.kind === 'quote') {
        const b = lastBook.get(e.symbol)!;
        const top = [b.bids[0].price, b.asks[0].price, b.bids[0].size, b.asks[0].size];
        if ([e.bestBid, e.bestAsk, e.bestBidSize, e.bestAskSize].some((v, i) => v !== top[i])) bad.push(e);
        quotes++;
      }
    }
    expect(bad).toEqual([]);
    expect(quotes).toBeGreaterThan(100);
  });

  it('trades on both sides at about the configured rate, and prices move', () => {
    const trades = ofKind('trade');
    const expected = config.tradesPerSecond * (STEPS / 10) * config.instruments.length;
    // Halts take some time off the tape; the rest is Poisson noise.
    expect(trades.length).toBeGreaterThan(expected * 0.6);
    expect(trades.length).toBeLessThan(expected * 1.1);
    const buys = trades.filter((t) => t.side === 'buy').length;
    expect(buys / trades.length).toBeGreaterThan(0.3);
    expect(buys / trades.length).toBeLessThan(0.7);
    for (const i of config.instruments) {
      const prices = new Set(trades.filter((t) => t.symbol === i.symbol).map((t) => t.price));
      expect(prices.size).toBeGreaterThan(5);
    }
  });

  it('timestamps never go back', () => {
    expect(events.filter((e, i) => i > 0 && e.timestamp < events[i - 1].timestamp)).toEqual([]);
  });

  it("the paper trader's orders, fills and positions add up", () => {
    const orders = ofKind('order');
    const positions = ofKind('position');
    expect(orders.filter((o) => o.status === 'accepted').length).toBeGreaterThan(10);
    expect(orders.filter((o) => o.status === 'filled').length).toBeGreaterThan(2);
    const held = new Map<string, number>();
    const byId = new Map<string, OrderEvent>();
    for (const e of events) {
      if (e.kind === 'order') {
        if (e.status !== 'cancelled') expect(e.filledQty + e.unfilledQty).toBeCloseTo(e.orderQty, 8);
        if (e.fillQty !== undefined) {
          expect(e.fillPrice).toBe(e.orderPrice);
          held.set(e.symbol, (held.get(e.symbol) ?? 0) + (e.side === 'buy' ? e.fillQty : -e.fillQty));
        }
        const before = byId.get(e.orderId);
        if (before) expect(e.filledQty).toBeGreaterThanOrEqual(before.filledQty);
        else expect(e.status).toBe('accepted');
        byId.set(e.orderId, e);
      }
      if (e.kind === 'position') {
        const p = e as Position;
        expect(p.qty).toBeGreaterThanOrEqual(0);
        expect(p.qty).toBeCloseTo(held.get(p.symbol) ?? NaN, 8);
      }
    }
    expect(positions.length).toBeGreaterThan(0);
  });

  it('the same seed gives the same market, another seed another one', () => {
    const again = run(options, 42, 3_000);
    expect(again.length).toBeGreaterThan(10_000);
    expect(JSON.stringify(again)).toBe(JSON.stringify(events.slice(0, again.length)));
    expect(events[again.length].timestamp).toBeGreaterThan(again[again.length - 1].timestamp);
    expect(JSON.stringify(run(options, 43, 3_000))).not.toBe(JSON.stringify(run(options, 42, 3_000)));
  });
});

describe('KRX specifics', () => {
  const events = run({ broker: 'kiwoom', instruments: KRX_INSTRUMENTS }, 42, STEPS);

  it('starting at 09:00 KST: the open notice, then the opening uncross print of every stock (no aggressor)', () => {
    const firstTrade = events.findIndex((e) => e.kind === 'trade');
    const notices = events.slice(0, firstTrade).filter((e) => e.kind === 'status' && e.symbol === '');
    expect(notices.map((e) => e.kind === 'status' && [e.phase, e.code])).toEqual([['open', '3']]);
    const opening = events.filter(
      (e): e is Trade => e.kind === 'trade' && (e.raw as { auction?: boolean }).auction === true && e.timestamp === events[0].timestamp,
    );
    expect(opening.map((t) => t.symbol).sort()).toEqual(KRX_INSTRUMENTS.map((i) => i.symbol).sort());
    expect(opening.every((t) => t.side === undefined)).toBe(true);
  });

  it('a halted stock does not trade until the interruption ends', () => {
    const halted = new Set<string>();
    const bad: unknown[] = [];
    let halts = 0;
    for (const e of events) {
      if (e.kind === 'status' && e.symbol !== '') {
        if (e.halted) {
          halts++;
          halted.add(e.symbol);
        } else halted.delete(e.symbol);
      }
      if (e.kind === 'trade' && halted.has(e.symbol)) bad.push(e);
    }
    expect(bad).toEqual([]);
    expect(halts).toBeGreaterThan(0);
  });

  it('publishes a KOSPI-like index from the simulated stocks', () => {
    const ticks = events.filter((e) => e.kind === 'index');
    expect(ticks.length).toBeGreaterThan(100);
    for (const t of ticks) if (t.kind === 'index') expect(t.value).toBeGreaterThan(0);
  });

  it('books straddle tick bands where a stock sits on a boundary', () => {
    const kakao = events.find((e): e is OrderBook => e.kind === 'book' && e.symbol === '035720')!;
    const ticks = new Set(kakao.asks.concat(kakao.bids).map((l) => krxGrid.tickAt(l.price)));
    expect(ticks).toEqual(new Set([10, 50]));
  });

  it('times are KST with the +09:00 offset', () => {
    expect(events[0].time).toBe('2026-11-20T09:00:00.000+09:00');
  });
});

describe('the KRX calendar in simulated time', () => {
  /** One step a second from a KST time of day, for `seconds`. */
  function day(from: string, seconds: number): MarketEvent[] {
    const config = marketConfig({ broker: 'kiwoom', instruments: KRX_INSTRUMENTS.slice(0, 2), stepMs: 1000 });
    const rng = createRng(5);
    let state = initialMarket(config, rng);
    const t0 = Date.parse(`2026-11-20T${from}+09:00`);
    const out: MarketEvent[] = [];
    for (let i = 0; i < seconds; i++) {
      const next = stepMarket(config, state, rng, t0 + i * 1000);
      state = next.state;
      out.push(...next.events);
    }
    return out;
  }
  const kst = (e: MarketEvent) => new Date(e.timestamp + 9 * 3_600_000).toISOString().slice(11, 19);

  it('the afternoon: closing call, close, after-hours sessions, each with its notice; prints only where the session allows', () => {
    const events = day('15:19:00', 3_700); // to 16:20:40
    const notices = events
      .filter((e): e is MarketStatus => e.kind === 'status' && e.symbol === '')
      .map((e) => [kst(e), e.code, (e.raw as { kisCode?: string }).kisCode]);
    expect(notices).toEqual([
      ['15:19:00', '3', '112'],
      ['15:20:00', '2', '121'],
      ['15:20:01', 'S', undefined],
      ['15:30:00', '4', '129'],
      ['15:30:01', 'U', undefined],
      ['15:40:00', 'a', '140'],
      ['16:00:00', 'b', '149'],
      ['16:00:01', 'c', '150'],
    ]);
    const trades = events.filter((e): e is Trade => e.kind === 'trade');
    const at = (from: string, to: string) => trades.filter((t) => kst(t) >= from && kst(t) < to);
    expect(at('15:19:00', '15:20:00').length).toBeGreaterThan(50); // continuous
    expect(at('15:20:00', '15:30:00')).toEqual([]); // closing call: no prints...
    expect(at('15:30:00', '15:30:01').map((t) => [t.symbol, t.side])).toEqual([
      ['005930', undefined],
      ['000660', undefined],
    ]); // ...until its uncross
    expect(at('15:30:01', '16:10:00')).toEqual([]);
    expect(at('16:10:00', '16:10:01')).toHaveLength(2); // the first single-price match
    expect(at('15:30:00', '16:20:00').every((t) => t.side === undefined)).toBe(true);
    expect(at('16:10:01', '16:20:00')).toEqual([]);
    // During the call, books carry the expected price for the venue (0H, ANC).
    const callBook = events.find((e) => e.kind === 'book' && kst(e) > '15:21:00' && kst(e) < '15:29:00')!;
    expect((callBook.raw as { expected?: unknown }).expected).toBeDefined();
  });

  it('before the open: pre-open notice, a call auction with expected prices, then the open', () => {
    const events = day('08:29:58', 1_810); // to 09:00:08
    const notices = events.filter((e): e is MarketStatus => e.kind === 'status' && e.symbol === '').map((e) => [kst(e), e.code]);
    expect(notices).toEqual([
      ['08:29:58', '9'],
      ['08:30:00', '0'],
      ['08:50:00', 'Q'],
      ['09:00:00', '3'],
    ]);
    expect(events.filter((e) => e.kind === 'trade' && kst(e) < '09:00:00')).toEqual([]);
    const auction = (e: MarketEvent) => (e.raw as { auction?: boolean }).auction === true;
    expect(events.filter((e) => e.kind === 'trade' && kst(e) === '09:00:00' && auction(e))).toHaveLength(2);
    expect(events.some((e) => e.kind === 'trade' && kst(e) > '09:00:00')).toBe(true);
  });
});
