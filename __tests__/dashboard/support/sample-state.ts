import { groupBy, mergeMap, map, Observable, VirtualAction, VirtualTimeScheduler } from 'rxjs';
import { DashboardAction, DashboardState, initialState, reduce } from '../../../src/app/dashboard/state';
import { MarketEvent, Trade } from '../../../src/model/market';
import { bars, vwap } from '../../../src/operators';
import { initialMarket, marketConfig, stepMarket } from '../../../src/app/sim/market';
import { createRng } from '../../../src/app/sim/rng';

export const T0 = Date.UTC(2026, 10, 20, 0, 0, 0); // 09:00:00 KST

/** Simulated Kiwoom events for `steps` steps of 100 ms from T0. */
export function simulatedEvents(steps: number, seed = 11, broker = 'kiwoom'): MarketEvent[] {
  // Without the KRX calendar: a plain open market from T0 (the screen's layout is what is tested here).
  const config = marketConfig({ broker, calendar: false });
  const rng = createRng(seed);
  let state = initialMarket(config, rng);
  const events: MarketEvent[] = [];
  for (let i = 0; i < steps; i++) {
    const next = stepMarket(config, state, rng, T0 + i * config.stepMs);
    state = next.state;
    events.push(...next.events);
  }
  return events;
}

/** A dashboard state after a feed opened and `events` arrived, ticking every second. */
export function sampleState(
  events: readonly MarketEvent[],
  broker = 'kiwoom',
  symbols = ['005930', '000660', '005380', '035720'],
): DashboardState {
  const actions: DashboardAction[] = [
    { type: 'status', status: { state: 'connecting', attempt: 1 } },
    { type: 'status', status: { state: 'open', connections: 1, keys: 8 } },
    { type: 'keys', keys: symbols.map((s) => ({ key: `0B|${s}`, state: 'active', subscribers: 1 })) },
  ];
  let nextTick = T0 + 1_000;
  for (const event of events) {
    while (event.timestamp >= nextTick) {
      actions.push({ type: 'tick', now: nextTick });
      nextTick += 1_000;
    }
    actions.push({ type: 'frame' }, { type: 'event', event });
  }
  actions.push(...signalActions(events));
  return actions.reduce(reduce, initialState({ broker, source: 'simulator 127.0.0.1:40213 (seed 11)', symbols, now: T0 }));
}

/** The bars and VWAPs the dashboard's operators make of these trades, replayed on a virtual clock (0 = T0). */
export function signalActions(events: readonly MarketEvent[]): DashboardAction[] {
  const trades = events.filter((e): e is Trade => e.kind === 'trade');
  // The clock stops at the last trade, so the minute still open has no bar yet.
  const scheduler = new VirtualTimeScheduler(VirtualAction, (trades[trades.length - 1]?.timestamp ?? T0) - T0 + 1);
  const trades$ = new Observable<Trade>((subscriber) => {
    // Never completes: only bars whose minute is over are emitted, as on a live feed.
    for (const t of trades) scheduler.schedule(() => subscriber.next(t), t.timestamp - T0);
  });
  const out: DashboardAction[] = [];
  trades$.pipe(bars(60_000, { scheduler })).subscribe((bar) => out.push({ type: 'bar', bar }));
  trades$
    .pipe(
      groupBy((t) => t.symbol),
      mergeMap((one) =>
        one.pipe(
          vwap('session'),
          map((value): DashboardAction => ({ type: 'vwap', symbol: one.key, window: 'session', value })),
        ),
      ),
    )
    .subscribe((a) => out.push(a));
  trades$
    .pipe(
      groupBy((t) => t.symbol),
      mergeMap((one) =>
        one.pipe(
          vwap({ ms: 60_000, scheduler }),
          map((value): DashboardAction => ({ type: 'vwap', symbol: one.key, window: 'minute', value })),
        ),
      ),
    )
    .subscribe((a) => out.push(a));
  scheduler.flush();
  return out;
}
