/**
 * The project's own Kiwoom client against the simulator (`rx-market sim`'s market behind the
 * loopback server), across the opening call auction: every KRX stream and the venue-derived types
 * arrive, decode, and agree with the trades and books of the moment.
 */
import { Observable, Subscription } from 'rxjs';
import { kiwoomFromEnv } from '../../src/brokers/kiwoom';
import { kiwoomModule } from '../../src/app/brokers/kiwoom';
import { RunningSimulator, startSimulator } from '../../src/app/sim/simulator';
import { FeedError } from '../../src/core/errors';

jest.setTimeout(90_000);

let sim: RunningSimulator;
const subs = new Subscription();

afterAll(async () => {
  subs.unsubscribe();
  await sim?.stop();
});

function collect<T>(source: Observable<T>): T[] {
  const out: T[] = [];
  subs.add(source.subscribe({ next: (v) => out.push(v), error: () => undefined }));
  return out;
}

async function until(predicate: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

it('streams every KRX type from the simulated market, consistent with its trades', async () => {
  // The simulated day starts 15 s before the open (time to connect on a loaded machine): the call
  // auction, then the opening uncross.
  sim = await startSimulator(kiwoomModule, { seed: 3, sessionStart: '08:59:45' });
  const feed = kiwoomFromEnv(sim.env, { connectionLingerMs: 0, keyLingerMs: 0 });
  const errors = collect<FeedError>(feed.errors$);
  const trades = collect(feed.trades$('005930'));
  const expected = collect(feed.expectedTrades$('005930'));
  const nav = collect(feed.etfNav$('069500'));
  const greeks = collect(feed.elwGreeks$('57JBHH'));
  const indicators = collect(feed.elwIndicators$('57JBHH'));
  const program = collect(feed.programTrading$('005930'));
  const priced = collect(feed.stream$('0A', '005930'));
  const members = collect(feed.stream$('0F', '005930'));
  const info = collect(feed.stream$('0g', '005930'));
  const gold = collect(feed.stream$('0I', 'MGD'));
  const breadth = collect(feed.stream$('0U', '001'));
  const all = { expected, nav, greeks, indicators, program, priced, members, info, gold, breadth };
  await until(() => Object.values(all).every((s) => s.length > 0) && trades.length > 10, 60_000).catch(() => {
    throw new Error(
      `missing: ${Object.entries(all)
        .filter(([, s]) => s.length === 0)
        .map(([k]) => k)
        .join(', ')}`,
    );
  });
  expect(errors.filter((e) => e.kind === 'decode')).toEqual([]);

  // The call auction's indication came before the open, and the opening print is at a price 0A published.
  expect(expected[0].time < trades[0].time || expected[0].time === trades[0].time).toBe(true);
  expect(priced.map((r) => r.fields.lastPrice)).toContain(trades[0].price);
  // Trades carry the day's figures: change against the previous close, a cumulative volume that
  // adds up every print since the open (the auction print included).
  let volume = (trades[0].cumulativeVolume ?? 0) - trades[0].size;
  for (const t of trades) {
    volume += t.size;
    expect(t.cumulativeVolume).toBe(volume);
    expect(t.change).toBe(t.price - (trades[0].price - (trades[0].change ?? 0)));
    expect(t.cumulativeTurnover).toBeGreaterThan(0);
  }
  // Program trading accumulates; NAV sits near the ETF's price.
  const lastProgram = program[program.length - 1];
  expect((lastProgram.buyQty ?? 0) + (lastProgram.sellQty ?? 0)).toBeLessThanOrEqual(volume);
  for (const n of nav) expect(Math.abs((n.lastPrice ?? 0) / n.nav - 1)).toBeLessThan(0.005);
  expect(greeks[0].delta).toBeDefined();
  expect(indicators[0].gearing).toBeGreaterThan(0);
  expect(info[0].fields.upperLimit).toBeGreaterThan(info[0].fields.basePrice ?? Infinity);
});
