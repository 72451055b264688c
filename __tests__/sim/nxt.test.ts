/**
 * The NXT venue of the KIS simulator (sim/nxt.ts): its own prints and book around KRX's, in its own
 * hours, on its own generator (KRX's events of a seed unchanged), in virtual time.
 */
import { TestScheduler } from 'rxjs/testing';
import { MarketEvent, OrderBook, Trade } from '../../src/model/market';
import { simulateMarket } from '../../src/app/sim/driver';
import { initialMarket, marketConfig, stepMarket } from '../../src/app/sim/market';
import { nxtSessionAt } from '../../src/app/sim/nxt';
import { createRng } from '../../src/app/sim/rng';
import { atKstTime, kstSecondOfDay, parseSessionTime } from '../../src/app/sim/calendar';

const DAY = Date.parse('2026-11-20T00:00:00+09:00');
const hms = (h: number, m: number, s = 0) => h * 3600 + m * 60 + s;

/** `steps` steps of the KIS market in virtual time, starting at a KST session time. */
function run(sessionStart: string, steps: number, speed = 1, seed = 5): MarketEvent[] {
  const events: MarketEvent[] = [];
  const scheduler = new TestScheduler((a, e) => expect(a).toEqual(e));
  scheduler.run(() => {
    const sub = simulateMarket({
      broker: 'kis',
      seed,
      scheduler,
      trader: false,
      sessionStart,
      speed,
      symbols: ['005930', '000660'],
    }).subscribe((e) => events.push(e));
    scheduler.schedule(() => sub.unsubscribe(), steps * 100 - 1);
  });
  return events;
}

const trades = (events: MarketEvent[], exchange: string) => events.filter((e): e is Trade => e.kind === 'trade' && e.exchange === exchange);

describe('the NXT venue of the KIS simulator', () => {
  it('prints of its own, smaller, and a book that never crosses KRX while both trade', () => {
    const events = run('10:00', 600);
    const nxt = trades(events, 'NXT');
    const krx = trades(events, 'KRX');
    expect(nxt.length).toBeGreaterThan(20);
    expect(krx.length).toBeGreaterThan(nxt.length);
    const mean = (ts: Trade[]) => ts.reduce((s, t) => s + t.size, 0) / ts.length;
    expect(mean(nxt)).toBeLessThan(mean(krx));
    // Every KRX trade and book is marked with its venue; nothing is left without one.
    expect(events.filter((e) => (e.kind === 'trade' || e.kind === 'book') && e.exchange === undefined)).toEqual([]);
    // At the end of every step (KRX moves first, then NXT re-anchors in the same step).
    const latest = new Map<string, OrderBook>();
    let checked = 0;
    events.forEach((e, i) => {
      if (e.kind === 'book') latest.set(`${e.exchange}|${e.symbol}`, e);
      if (events[i + 1]?.timestamp === e.timestamp) return;
      for (const symbol of ['005930', '000660']) {
        const k = latest.get(`KRX|${symbol}`);
        const n = latest.get(`NXT|${symbol}`);
        if (!k || !n) continue;
        expect(n.bids[0].price).toBeLessThan(k.asks[0].price);
        expect(n.asks[0].price).toBeGreaterThan(k.bids[0].price);
        checked += 1;
      }
    });
    expect(checked).toBeGreaterThan(100);
    // NXT prices stay around KRX's: within a few ticks of the KRX book of the moment.
    const krxBooks = new Map<string, OrderBook>();
    for (const e of events) {
      if (e.kind === 'book' && e.exchange === 'KRX') krxBooks.set(e.symbol, e);
      if (e.kind === 'trade' && e.exchange === 'NXT') {
        const k = krxBooks.get(e.symbol)!;
        const tick = k.asks[1].price - k.asks[0].price;
        expect(e.price).toBeGreaterThanOrEqual(k.bids[0].price - 12 * tick);
        expect(e.price).toBeLessThanOrEqual(k.asks[0].price + 12 * tick);
      }
    }
  });

  it('leaves the KRX events of a seed as they were', () => {
    const events = run('10:00', 200, 1, 9).filter((e) => (e as { exchange?: string }).exchange !== 'NXT');
    const config = marketConfig({ broker: 'kis', trader: false, symbols: ['005930', '000660'] });
    const rng = createRng(9);
    let state = initialMarket(config, rng);
    const start = atKstTime(0, parseSessionTime('10:00'));
    const expected: MarketEvent[] = [];
    for (let i = 0; i < 200; i++) {
      const next = stepMarket(config, state, rng, start + i * 100);
      state = next.state;
      expected.push(...next.events.map((e) => (e.kind === 'trade' || e.kind === 'book' ? { ...e, exchange: 'KRX' } : e)));
    }
    expect(events).toEqual(expected);
  });

  it('trades in its own hours: pre-market 08:00–08:50, main from 09:00:30, after-market 15:30–20:00 KST', () => {
    const second = (t: Trade) => kstSecondOfDay(t.timestamp);
    // 07:59:30 → 09:02 at 30× (3 simulated seconds a step).
    const morning = run('07:59:30', 1260, 30);
    const nxtMorning = trades(morning, 'NXT').map(second);
    expect(nxtMorning.some((s) => s >= hms(8, 0) && s < hms(8, 50))).toBe(true);
    expect(nxtMorning.some((s) => s >= hms(9, 0, 30))).toBe(true);
    expect(nxtMorning.filter((s) => s < hms(8, 0) || (s >= hms(8, 50) && s < hms(9, 0, 30)))).toEqual([]);
    // KRX: nothing before its opening uncross at 09:00.
    expect(trades(morning, 'KRX').filter((t) => second(t) < hms(9, 0))).toEqual([]);
    // 15:19 → 20:02 at 120× (12 simulated seconds a step).
    const evening = run('15:19', 1420, 120);
    const nxtEvening = trades(evening, 'NXT').map(second);
    expect(nxtEvening.some((s) => s >= hms(15, 30) && s < hms(20, 0))).toBe(true);
    expect(nxtEvening.filter((s) => (s >= hms(15, 20, 1) && s < hms(15, 30, 1)) || s >= hms(20, 0))).toEqual([]);
    // After KRX's close (and outside its single-price matches) only NXT prints.
    expect(trades(evening, 'KRX').filter((t) => second(t) > hms(18, 0, 1))).toEqual([]);
    expect(nxtEvening.some((s) => s > hms(18, 0, 1))).toBe(true);
  });

  it('nxtSessionAt follows the calendar', () => {
    const at = (h: number, m: number, s = 0) => nxtSessionAt(DAY + hms(h, m, s) * 1000);
    expect([
      at(7, 59),
      at(8, 0),
      at(8, 49, 59),
      at(8, 50),
      at(9, 0, 29),
      at(9, 0, 30),
      at(15, 20),
      at(15, 25),
      at(15, 31),
      at(19, 59),
      at(20, 0),
    ]).toEqual(['closed', 'pre', 'pre', 'closed', 'closed', 'main', 'main', 'closed', 'after', 'after', 'closed']);
  });
});
