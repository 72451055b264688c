import { take, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { MarketEvent } from '../../src/model/market';
import { driveServer, simulateMarket } from '../../src/app/sim/driver';
import { initialMarket, marketConfig, stepMarket } from '../../src/app/sim/market';
import { createRng } from '../../src/app/sim/rng';

describe('simulateMarket: the pure core stepped on a scheduler', () => {
  it('runs in virtual time: a step every 100 ms from subscription, stamped with the scheduler clock', () => {
    const scheduler = new TestScheduler((a, e) => expect(a).toEqual(e));
    scheduler.run(() => {
      const firstSecond = simulateMarket({ broker: 'weex', seed: 3, scheduler, trader: false }).pipe(take(200), toArray());
      let events: MarketEvent[] = [];
      firstSecond.subscribe((all) => (events = all));
      scheduler.flush();
      // Same seed, same clock: exactly what the pure core gives step by step.
      const config = marketConfig({ broker: 'weex', trader: false });
      const rng = createRng(3);
      let state = initialMarket(config, rng);
      const expected: MarketEvent[] = [];
      for (let i = 0; expected.length < 200; i++) {
        const next = stepMarket(config, state, rng, i * 100);
        state = next.state;
        expected.push(...next.events);
      }
      expect(events).toEqual(expected.slice(0, 200));
      expect(new Set(events.map((e) => e.timestamp % 100))).toEqual(new Set([0]));
      expect(events[events.length - 1].timestamp).toBeGreaterThan(1_000);
    });
    new TestScheduler((a, e) => expect(a).toEqual(e)).run(({ expectObservable }) => {
      // The opening books of the three default pairs come at once, at subscription; trades follow steps later.
      const opening = simulateMarket({ broker: 'weex', seed: 3 }).pipe(take(3));
      expectObservable(opening).toBe('(abc|)', {
        a: expect.objectContaining({ kind: 'book', symbol: 'BTCUSDT', timestamp: 0 }),
        b: expect.objectContaining({ kind: 'book', symbol: 'ETHUSDT', timestamp: 0 }),
        c: expect.objectContaining({ kind: 'book', symbol: 'SOLUSDT', timestamp: 0 }),
      });
    });
  });

  it('hands every event to the server it drives', () => {
    const scheduler = new TestScheduler((a, e) => expect(a).toEqual(e));
    scheduler.run(() => {
      const published: MarketEvent[] = [];
      const running = driveServer({ publish: (e) => published.push(e) }, simulateMarket({ seed: 1, scheduler }));
      scheduler.schedule(() => running.unsubscribe(), 2_000);
      scheduler.flush();
      expect(published.some((e) => e.kind === 'trade')).toBe(true);
      expect(Math.max(...published.map((e) => e.timestamp))).toBeLessThan(2_000);
    });
  });

  it('rejects options that make no market', () => {
    expect(() => marketConfig({ depth: 1 })).toThrow(/depth must be at least 2/);
    expect(() => marketConfig({ tradesPerSecond: -1 })).toThrow(/trade rate must be a positive number/);
    expect(() => marketConfig({ instruments: [] })).toThrow(/at least one symbol/);
  });
});
