import { BehaviorSubject, concatMap, delay, of, tap } from 'rxjs';
import { latestPerKey } from '../../src/operators';
import { strategyTest, trade } from '../../src/testing';
import { Trade } from '../../src/model';

const a1 = trade({ symbol: 'A', price: 1, timestamp: 1 });
const a2 = trade({ symbol: 'A', price: 2, timestamp: 2 });
const a3 = trade({ symbol: 'A', price: 3, timestamp: 3 });
const b1 = trade({ symbol: 'B', price: 10, timestamp: 1 });
const values = { a: a1, b: a2, c: b1, d: a3 };

const table = (...trades: Trade[]) => new Map(trades.map((t) => [t.symbol, t]));

describe('latestPerKey', () => {
  it('emits the newest value per symbol on each tick, and flushes on completion', () =>
    strategyTest(({ feed, hot, expectSignals }) => {
      const { trades$ } = feed({ trades: '-a-c-b-----d-|' }, values);
      const tick$ = hot('--------t-------t');
      expectSignals(trades$.pipe(latestPerKey(tick$))).toBe('--------x----(y|)', {
        x: table(a2, b1),
        y: table(a3),
      });
    }));

  it('skips ticks with nothing new', () =>
    strategyTest(({ feed, hot, expectSignals }) => {
      const { trades$ } = feed({ trades: '-a--------|' }, values);
      expectSignals(trades$.pipe(latestPerKey(hot('--t--t--t-')))).toBe('--x-------|', { x: table(a1) });
    }));

  it("gives a full snapshot with { emit: 'all' }", () =>
    strategyTest(({ feed, hot, expectSignals }) => {
      const { trades$ } = feed({ trades: '-a-c---b---|' }, values);
      const tick$ = hot('-----t---t--');
      expectSignals(trades$.pipe(latestPerKey(tick$, { emit: 'all' }))).toBe('-----x---y-|', {
        x: table(a1, b1),
        y: table(a2, b1),
      });
    }));

  it('keeps arrival order by default, or the newest timestamp with isNewer (out-of-order events)', () =>
    strategyTest(({ feed, hot, expectSignals }) => {
      const { trades$ } = feed({ trades: '-b-a---|' }, values);
      const tick$ = hot('-----t--');
      expectSignals(trades$.pipe(latestPerKey(tick$))).toBe('-----x-|', { x: table(a1) });
      const byTime = latestPerKey<Trade>(tick$, { isNewer: (x, y) => x.timestamp >= y.timestamp });
      expectSignals(trades$.pipe(byTime)).toBe('-----x-|', { x: table(a2) });
    }));

  it('conflates by any key', () =>
    strategyTest(({ cold, hot, expectSignals }) => {
      const src$ = cold('abcd|', { a: 1, b: 2, c: 3, d: 4 });
      const parity = latestPerKey<number, string>(hot('---t'), { key: (n) => (n % 2 ? 'odd' : 'even') });
      expectSignals(src$.pipe(parity)).toBe('---x(y|)', {
        x: new Map([
          ['odd', 3],
          ['even', 2],
        ]),
        y: new Map([['even', 4]]),
      });
    }));

  it('lets a slow consumer pull with { demand: true }: one batch per "ready", never a queue', () =>
    strategyTest(({ feed, expectSignals }) => {
      const { trades$ } = feed({ trades: 'a-c-b--d---|' }, values);
      const ready = new BehaviorSubject<void>(undefined); // ready from the start
      // The consumer takes 3 frames per batch, then asks for the next one.
      const handled$ = trades$.pipe(
        latestPerKey(ready, { demand: true }),
        concatMap((batch) => of([...batch.values()].map((t) => `${t.symbol}${t.price}`).join(',')).pipe(delay(3))),
        tap(() => ready.next()),
      );
      // a: handed over at once (demand was waiting); c arrives while busy and is handed over at 3;
      // b at 6; d at 9: each batch holds what arrived while the consumer was busy.
      expectSignals(handled$).toBe('---w--x--y--(z|)', { w: 'A1', x: 'B10', y: 'A2', z: 'A3' });
    }));

  it('drops a sampling tick that finds nothing, so a pulling consumer must use demand', () =>
    strategyTest(({ feed, expectSignals }) => {
      const { trades$ } = feed({ trades: '--a----' }, values);
      const ready = new BehaviorSubject<void>(undefined);
      expectSignals(trades$.pipe(latestPerKey(ready))).toBe('');
      expectSignals(trades$.pipe(latestPerKey(ready, { demand: true }))).toBe('--x', { x: table(a1) });
    }));

  it('passes an error from the notifier', () =>
    strategyTest(({ feed, hot, expectSignals }) => {
      const { trades$ } = feed({ trades: '-a----' }, values);
      expectSignals(trades$.pipe(latestPerKey(hot('---#')))).toBe('---#');
    }));
});
