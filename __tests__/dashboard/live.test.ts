import { BehaviorSubject, filter, firstValueFrom, scan, timeout } from 'rxjs';
import { kiwoomModule } from '../../src/app/brokers/kiwoom';
import { dashboardActions } from '../../src/app/dashboard/sources';
import { DashboardState, initialState, reduce } from '../../src/app/dashboard/state';
import { startSimulator } from '../../src/app/sim/simulator';

describe('dashboard sources against the simulator through the public API (Kiwoom)', () => {
  it('shows books, trades and account events, and counts a reconnect and the re-registrations after it', async () => {
    const symbols = ['005930', '000660'];
    const sim = await startSimulator(kiwoomModule, {
      symbols,
      seed: 3,
      tradesPerSecond: 20,
      trader: { everySteps: 5, cancelAfterSteps: 20 },
    });
    const feed = kiwoomModule.feedFromEnv(sim.env, {
      backoff: { initialMs: 20, maxMs: 50, random: () => 0.5 },
      connectionLingerMs: 0,
      keyLingerMs: 0,
    });
    const state$ = new BehaviorSubject<DashboardState>(initialState({ broker: 'kiwoom', source: 'test', symbols, now: Date.now() }));
    const subscription = dashboardActions(feed, symbols, { tickMs: 200 }).pipe(scan(reduce, state$.value)).subscribe(state$);
    const until = (what: string, ok: (s: DashboardState) => boolean) =>
      firstValueFrom(
        state$.pipe(filter(ok), timeout({ first: 8_000, with: () => Promise.reject(new Error(`timed out waiting for ${what}`)) })),
      );
    try {
      const flowing = await until(
        'data',
        (s) =>
          s.connection.status.state === 'open' &&
          symbols.every((x) => s.books[x] && s.lastTrade[x]) &&
          s.counts.account > 0 &&
          s.rates.frames > 0,
      );
      // Frames carry several entries each (Kiwoom batches), books and account events besides trades.
      expect(flowing.counts.frames).toBeGreaterThan(symbols.length);
      const activeKeys = flowing.connection.keys.filter((k) => k.state === 'active').length;
      expect(activeKeys).toBeGreaterThanOrEqual(2 * symbols.length);

      sim.server.dropConnections();
      const back = await until(
        'the reconnect',
        (s) =>
          s.connection.reconnects >= 1 &&
          s.connection.status.state === 'open' &&
          s.connection.resubscriptions >= activeKeys &&
          s.counts.trades > flowing.counts.trades + 5,
      );
      expect(back.connection.status.state === 'open' && back.connection.status.connections).toBe(2);
    } finally {
      subscription.unsubscribe();
      await sim.stop();
    }
  });
});
