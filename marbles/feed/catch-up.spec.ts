import { Observable, map } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { catchUpOrders } from '../../src/feed/catch-up';
import { Gap } from '../../src/feed/gaps';
import { AccountSnapshot, MarketRest } from '../../src/feed/rest-source';
import { OrderEvent } from '../../src/model';

/**
 * The account catch-up in virtual time: the baseline never holds a live notice back, a catch-up
 * query holds live notices at most `holdMs`, and what a late REST answer brings is de-duplicated
 * against what passed meanwhile (nothing lost, nothing twice).
 */

let ts: TestScheduler;
beforeEach(() => {
  ts = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
});

const order = (id: string, status: OrderEvent['status'], filled: number, fill?: number, at = 0): OrderEvent => ({
  kind: 'order',
  broker: 'toy',
  symbol: 'X',
  orderId: id,
  side: 'buy',
  status,
  orderQty: 10,
  orderPrice: 100,
  filledQty: filled,
  unfilledQty: 10 - filled,
  ...(fill !== undefined ? { fillQty: fill, fillPrice: 100 } : {}),
  time: new Date(at).toISOString(),
  timestamp: at,
  raw: {},
});

const snapshot = (orders: OrderEvent[], fills: OrderEvent[], asOf = 0): AccountSnapshot => ({ orders, fills, perFill: true, asOf });

/** A REST side whose n-th account() answers with the n-th observable. */
function restOf(answers: Observable<AccountSnapshot>[]): Pick<MarketRest, 'account' | 'broker'> {
  let n = 0;
  return { broker: 'toy', account: () => answers[Math.min(n++, answers.length - 1)] };
}

const label = (e: OrderEvent): string => `${e.orderId}:${e.status}:${e.filledQty}${e.source === 'rest' ? 'r' : ''}`;

describe('account catch-up', () => {
  it('the baseline holds back no live notice, even one the baseline itself counts', () => {
    ts.run(({ cold, hot, expectObservable }) => {
      const a = order('1', 'accepted', 0);
      const f = order('1', 'partiallyFilled', 3, 3, 5);
      // The baseline answers at 50 ms and already counts the order and its fill.
      const rest = restOf([cold('50ms (s|)', { s: snapshot([{ ...f, status: 'partiallyFilled' }], [f]) })]);
      const live = hot('10ms a 9ms f 99ms g', { a, f, g: order('1', 'partiallyFilled', 5, 2, 120) });
      const out = live.pipe(
        catchUpOrders({ rest, gaps$: hot<Gap>('-'), liveTotals: 'broker', report: () => undefined, scheduler: ts }),
        map(label),
      );
      expectObservable(out).toBe('10ms a 9ms b 99ms c', { a: '1:accepted:0', b: '1:partiallyFilled:3', c: '1:partiallyFilled:5' });
    });
  });

  it('a catch-up query holds live notices at most holdMs; its late answer adds what they did not carry, once', () => {
    ts.run(({ cold, hot, expectObservable }) => {
      const rest = restOf([
        cold('(s|)', { s: snapshot([], []) }),
        // The catch-up answers only after 500 ms: fills 3 (missed in the gap) and 5 (arrived live meanwhile).
        cold('500ms (s|)', {
          s: snapshot(
            [order('1', 'partiallyFilled', 5)],
            [order('1', 'partiallyFilled', 3, 3, 40), order('1', 'partiallyFilled', 5, 2, 90)],
          ),
        }),
      ]);
      const gaps$ = hot<Gap>('100ms g', { g: { from: 20, to: 100, reason: 'reconnect' } });
      const live = hot('10ms a 109ms f', { a: order('1', 'accepted', 0), f: order('1', 'partiallyFilled', 5, 2, 90) });
      const out = live.pipe(
        catchUpOrders({ rest, gaps$, liveTotals: 'broker', report: () => undefined, holdMs: 200, scheduler: ts }),
        map(label),
      );
      // f (3, 5] waits from 120 to 300 (the hold), passes; at 600 REST adds the missed (0, 3] and not f again.
      expectObservable(out).toBe('10ms a 289ms f 299ms r', { a: '1:accepted:0', f: '1:partiallyFilled:5', r: '1:partiallyFilled:3r' });
    });
  });

  it('an answer inside holdMs keeps the order across the gap: REST first, then the held live notices', () => {
    ts.run(({ cold, hot, expectObservable }) => {
      const rest = restOf([
        cold('(s|)', { s: snapshot([], []) }),
        cold('50ms (s|)', { s: snapshot([order('1', 'partiallyFilled', 3)], [order('1', 'partiallyFilled', 3, 3, 40)]) }),
      ]);
      const gaps$ = hot<Gap>('100ms g', { g: { from: 20, to: 100, reason: 'reconnect' } });
      const live = hot('10ms a 109ms f', { a: order('1', 'accepted', 0), f: order('1', 'partiallyFilled', 5, 2, 120) });
      const out = live.pipe(
        catchUpOrders({ rest, gaps$, liveTotals: 'broker', report: () => undefined, holdMs: 200, scheduler: ts }),
        map(label),
      );
      expectObservable(out).toBe('10ms a 139ms (rf)', { a: '1:accepted:0', r: '1:partiallyFilled:3r', f: '1:partiallyFilled:5' });
    });
  });

  it('per-fill notices stamped to the second (KIS): a settling query finds the fill the REST credit swallowed', () => {
    ts.run(({ cold, hot, expectObservable }) => {
      const totals = (qty: number, asOf: number): AccountSnapshot => ({
        orders: [order('1', 'partiallyFilled', qty)],
        fills: [order('1', 'partiallyFilled', qty, qty, 40)],
        perFill: false,
        asOf,
      });
      const rest = restOf([
        cold('(s|)', { s: { orders: [], fills: [], perFill: false, asOf: 0 } }),
        // The catch-up counts the gap's fill (1 of the order) in the second stamped 1000 ...
        cold('50ms (s|)', { s: totals(1, 1_000) }),
        // ... and the settling query, 2 s after it, the order's second fill.
        cold('(s|)', { s: totals(2, 3_000) }),
      ]);
      const gaps$ = hot<Gap>('100ms g', { g: { from: 20, to: 100, reason: 'reconnect' } });
      // The second fill arrives live, stamped in that same second: the credit takes it for the first.
      const live = hot('10ms a 189ms f', { a: order('1', 'accepted', 0), f: order('1', 'partiallyFilled', 1, 1, 1_000) });
      const out = live.pipe(catchUpOrders({ rest, gaps$, liveTotals: 'stream', report: () => undefined, scheduler: ts }), map(label));
      expectObservable(out, '^ 3000ms !').toBe('10ms a 139ms r 1999ms s', {
        a: '1:accepted:0',
        r: '1:partiallyFilled:1r',
        s: '1:partiallyFilled:2r',
      });
    });
  });
});
