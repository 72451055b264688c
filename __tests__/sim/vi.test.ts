/**
 * Volatility interruptions in the simulated KRX market come often enough to watch: the default
 * simulator (`rx-market sim --broker kiwoom`: seed 1, the default stocks, a 09:00 session) gives
 * 005930 a VI within 20 simulated seconds, and no stock goes 20 s without a VI event (trigger or
 * release), so a user who attaches at any moment sees one soon. All in simulated time.
 */
import { Subscription, VirtualAction, VirtualTimeScheduler } from 'rxjs';
import { MarketEvent, MarketStatus, Trade } from '../../src/model/market';
import { VolatilityInterruption } from '../../src/model/krx';
import { driveServer, simulateMarket } from '../../src/app/sim/driver';
import { initialMarket, marketConfig, stepMarket } from '../../src/app/sim/market';
import { createRng } from '../../src/app/sim/rng';
import { KiwoomServer, startKiwoomServer } from '../../src/testing';
import { kiwoomFromEnv } from '../../src/brokers/kiwoom';
import { SessionOptions } from '../../src/core/session-types';

const BOUND_MS = 20_000;

/** The default Kiwoom market, stepped on a virtual clock for `ms` simulated milliseconds. */
function defaultMarket(ms: number, seed = 1, broker = 'kiwoom'): MarketEvent[] {
  const scheduler = new VirtualTimeScheduler(VirtualAction, ms);
  const events: MarketEvent[] = [];
  const running = simulateMarket({ broker, seed, scheduler }).subscribe((e) => events.push(e));
  scheduler.flush();
  running.unsubscribe();
  return events;
}

const isVi = (e: MarketEvent): e is MarketStatus => e.kind === 'status' && e.symbol !== '';

describe('VIs in the simulated market', () => {
  it("the default simulator gives 005930 a VI within 20 simulated seconds, a real one: a print 2 % from the stock's VI reference", () => {
    const events = defaultMarket(BOUND_MS);
    const start = events[0].timestamp;
    const vi = events.find((e) => isVi(e) && e.symbol === '005930' && e.halted);
    expect(vi).toBeDefined();
    expect(vi!.timestamp - start).toBeLessThanOrEqual(BOUND_MS);
    const reference = (vi!.raw as { viReference: number }).viReference;
    const trigger = events
      .slice(0, events.indexOf(vi!))
      .filter((e): e is Trade => e.kind === 'trade' && e.symbol === '005930')
      .pop()!;
    expect(Math.abs(trigger.price - reference) / reference).toBeGreaterThanOrEqual(0.02);
  });

  it.each([
    ['kiwoom', 1],
    ['kiwoom', 7],
    ['kis', 1],
  ])('%s, seed %d: no stock goes 20 s without a VI event over 10 minutes, and prices stay near the previous close', (broker, seed) => {
    const config = marketConfig({ broker });
    const rng = createRng(seed);
    let state = initialMarket(config, rng);
    const t0 = Date.parse('2026-11-20T09:00:00+09:00');
    const last = new Map<string, number>(config.instruments.map((i) => [i.symbol, t0]));
    let longest = 0;
    const steps = 6_000;
    for (let i = 0; i < steps; i++) {
      const next = stepMarket(config, state, rng, t0 + i * config.stepMs);
      state = next.state;
      for (const e of next.events.filter(isVi)) {
        longest = Math.max(longest, e.timestamp - last.get(e.symbol)!);
        last.set(e.symbol, e.timestamp);
      }
    }
    for (const at of last.values()) longest = Math.max(longest, t0 + steps * config.stepMs - at);
    expect(longest).toBeLessThanOrEqual(BOUND_MS);
    // Shocks lean back toward the previous close: ten minutes of VIs do not run a stock away.
    for (const s of state.symbols)
      expect(Math.abs((s.lastPrice ?? s.instrument.startPrice) / s.instrument.startPrice - 1)).toBeLessThan(0.15);
  });
});

describe('`stream kiwoom vi 005930` against the default simulator, in simulated time', () => {
  const fast: SessionOptions = {
    backoff: { initialMs: 20, maxMs: 100, random: () => 0.5, healthyAfterMs: 50 },
    connectionLingerMs: 0,
    keyLingerMs: 0,
    livenessMs: 0,
  };
  let server: KiwoomServer;
  const subs = new Subscription();
  beforeAll(async () => {
    server = await startKiwoomServer({ pingIntervalMs: 0 });
  });
  afterAll(async () => {
    subs.unsubscribe();
    await server.close();
  });

  it("the feed's volatilityInterruptions$('005930') gets the simulator's dynamic VI over a real socket", async () => {
    const feed = kiwoomFromEnv(server.env, fast);
    const vis: VolatilityInterruption[] = [];
    subs.add(feed.volatilityInterruptions$('005930').subscribe((v) => vis.push(v)));
    await server.waitFor(() => server.registrations().includes('1h|'), 10_000);
    // 20 simulated seconds of the default market, published through the server at once.
    const scheduler = new VirtualTimeScheduler(VirtualAction, BOUND_MS);
    const running = driveServer(server, simulateMarket({ broker: 'kiwoom', seed: 1, scheduler }));
    scheduler.flush();
    running.unsubscribe();
    await server.waitFor(() => vis.some((v) => v.active), 10_000);
    const vi = vis.find((v) => v.active)!;
    expect(vi).toMatchObject({ kind: 'volatilityInterruption', symbol: '005930', active: true, viType: 'dynamic' });
    expect(Math.abs(vi.divergencePercent!)).toBeGreaterThanOrEqual(2);
    expect(vi.referencePrice).toBeGreaterThan(0);
    feed.close();
  });
});
