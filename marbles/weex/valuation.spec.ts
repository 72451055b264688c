import { Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { Position } from '../../src/model/market';
import { ValuationPrice, unrealizedPnl, withUnrealizedPnl } from '../../src/brokers/weex/valuation';

/**
 * WEEX position valuation in virtual time: each open position is valued at its symbol's latest
 * price, revalued when the price changes, and its price stream is held only while it is open.
 */

let ts: TestScheduler;
beforeEach(() => {
  ts = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
});

const position = (symbol: string, qty: number, avgPrice: number, timestamp = 0): Position => ({
  kind: 'position',
  broker: 'weex',
  symbol,
  qty,
  avgPrice,
  time: new Date(timestamp).toISOString(),
  timestamp,
  raw: undefined,
});
const mark = (price: number): ValuationPrice => ({ price, source: 'mark', timestamp: 0 });
const pnl = (p: Position) => [p.symbol, p.qty, p.lastPrice, p.unrealizedPnl];

describe('withUnrealizedPnl', () => {
  it('values, revalues on a new price only, and releases the price when the position closes', () => {
    ts.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const positions = cold('-a---------b--|', { a: position('BTCUSDT', 0.5, 64000), b: position('BTCUSDT', 0, 0) });
      const prices = hot('   ---x--x--y----z-', { x: mark(65000.3), y: mark(64000), z: mark(1) });
      const valued = positions
        .pipe(withUnrealizedPnl(() => prices))
        .pipe(
          (s: Observable<Position>) =>
            new Observable<unknown[]>((o) => s.subscribe({ next: (p) => o.next(pnl(p)), complete: () => o.complete() })),
        );
      expectObservable(valued).toBe('-a-A-----B-C--|', {
        a: ['BTCUSDT', 0.5, undefined, undefined], // no price yet: PnL absent, not zero
        A: ['BTCUSDT', 0.5, 65000.3, 500.15],
        B: ['BTCUSDT', 0.5, 64000, 0],
        C: ['BTCUSDT', 0, undefined, 0], // closed: its price stream released (z is never seen)
      });
      expectSubscriptions(prices.subscriptions).toBe('-^---------!---');
    });
  });

  it('a short gains when the price falls; each symbol has its own price', () => {
    ts.run(({ cold, expectObservable }) => {
      const positions = cold('a-b----|', { a: position('ETHUSDT', -2, 3000), b: position('SOLUSDT', 10, 150.25) });
      const byPrice: Record<string, Observable<ValuationPrice>> = {
        ETHUSDT: cold('-x---y', { x: mark(2989.9), y: mark(3010) }),
        SOLUSDT: cold('-x', { x: mark(149.75) }),
      };
      const out = positions.pipe(withUnrealizedPnl((s) => byPrice[s]));
      expectObservable(
        out.pipe(
          (s: Observable<Position>) =>
            new Observable<unknown[]>((o) => s.subscribe({ next: (p) => o.next(pnl(p)), complete: () => o.complete() })),
        ),
      ).toBe('aAbB-C-|', {
        a: ['ETHUSDT', -2, undefined, undefined],
        A: ['ETHUSDT', -2, 2989.9, 20.2],
        b: ['SOLUSDT', 10, undefined, undefined],
        B: ['SOLUSDT', 10, 149.75, -5],
        C: ['ETHUSDT', -2, 3010, -20], // the mark moved against the short
      });
    });
  });

  it('a price stream that fails is reported and leaves only its symbol unvalued', () => {
    ts.run(({ cold, expectObservable, flush }) => {
      const reported: string[] = [];
      const positions = cold('a-b--|', { a: position('BADUSDT', 1, 10), b: position('BTCUSDT', 1, 100) });
      const out = positions.pipe(
        withUnrealizedPnl(
          (s) => (s === 'BADUSDT' ? cold<ValuationPrice>('-#', undefined, new Error('refused')) : cold('-x', { x: mark(101) })),
          (e, s) => reported.push(`${s}: ${(e as Error).message}`),
        ),
      );
      expectObservable(
        out.pipe(
          (s: Observable<Position>) =>
            new Observable<unknown[]>((o) => s.subscribe({ next: (p) => o.next(pnl(p)), complete: () => o.complete() })),
        ),
      ).toBe('a-bB-|', {
        a: ['BADUSDT', 1, undefined, undefined],
        b: ['BTCUSDT', 1, undefined, undefined],
        B: ['BTCUSDT', 1, 101, 1],
      });
      flush();
      expect(reported).toEqual(['BADUSDT: refused']);
    });
  });

  it('unrealizedPnl: (price − avgPrice) × qty, rounded to the operands, no -0', () => {
    expect(unrealizedPnl(0.5, 64000, 65000.3)).toBe(500.15);
    expect(unrealizedPnl(-2, 3000, 2989.9)).toBe(20.2);
    expect(unrealizedPnl(-2, 3000, 3010)).toBe(-20);
    expect(unrealizedPnl(0.145, 65000.2, 65000.2)).toBe(0);
    expect(Object.is(unrealizedPnl(-1, 5, 5), 0)).toBe(true);
    expect(unrealizedPnl(0, 100, 200)).toBe(0);
    expect(unrealizedPnl(100, 0.185, 0.1863)).toBe(0.13);
  });
});
