import { TestScheduler } from 'rxjs/testing';
import { FeedError } from '../../src/core/errors';
import { FillFacts, normalizeFills } from '../../src/feed/fills';
import { OrderEvent } from '../../src/model';
import { positionPnL } from '../../src/operators';
import { fill, order } from '../../src/testing';

const scheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

/** Brokers that report running totals (Kiwoom, WEEX): facts from the event and a value table. */
const totals =
  (values: Record<string, number>) =>
  (e: OrderEvent): FillFacts =>
    e.fillQty === undefined && e.filledQty === 0
      ? { cumulativeQty: 0, cumulativeValue: 0 }
      : { cumulativeQty: e.filledQty, cumulativeValue: values[`${e.orderId}/${e.filledQty}`] };

/** Brokers that report single fills (KIS): identity = time + quantity + price. */
const single = (e: OrderEvent): FillFacts => (e.fillQty === undefined ? {} : { id: `${e.timestamp}|${e.fillQty}|${e.fillPrice}` });

// An order of 10 filled 3 @ 100, 4 @ 101, 3 @ 102.
const a = fill({ orderId: '1', side: 'buy', price: 100, qty: 3, orderQty: 10, filledQty: 3, timestamp: 1 });
const b = fill({ orderId: '1', side: 'buy', price: 101, qty: 4, orderQty: 10, filledQty: 7, timestamp: 2 });
const c = fill({ orderId: '1', side: 'buy', price: 102, qty: 3, orderQty: 10, filledQty: 10, timestamp: 3 });
const values = { '1/3': 300, '1/7': 704, '1/10': 1010 };

describe('normalizeFills: brokers that report totals', () => {
  it('drops a fill sent again after a reconnect', () =>
    scheduler().run(({ cold, expectObservable }) => {
      const errors: FeedError[] = [];
      const out = cold('-a-b-a-b-c-|', { a, b, c }).pipe(
        normalizeFills({ broker: 't', facts: totals(values), report: (e) => errors.push(e) }),
      );
      expectObservable(out).toBe('-a-b-----c-|', { a, b, c });
    }));

  it('infers a lost fill from the totals, priced by the value growth', () =>
    scheduler().run(({ cold, expectObservable }) => {
      const out = cold('-a---c---|', { a, c }).pipe(normalizeFills({ broker: 't', facts: totals(values), report: () => undefined }));
      const lost = {
        ...c,
        status: 'partiallyFilled' as const,
        filledQty: 7,
        unfilledQty: 3,
        fillQty: 4,
        fillPrice: 101,
        inferred: true as const,
      };
      expectObservable(out).toBe('-a---(lc)|', { a, l: lost, c });
    }));

  it('gives positionPnL the truth with duplicates and a loss together', () =>
    scheduler().run(({ cold, expectObservable }) => {
      const fills$ = cold('-a-a-c-c-|', { a, c }).pipe(normalizeFills({ broker: 't', facts: totals(values), report: () => undefined }));
      const pnl$ = positionPnL(cold('---------|'), fills$);
      expectObservable(pnl$).toBe('-x---(yz)|', {
        x: { symbol: 'TEST', qty: 3, avgPrice: 100, lastPrice: 100, realized: 0, unrealized: 0, total: 0 },
        y: { symbol: 'TEST', qty: 7, avgPrice: 704 / 7, lastPrice: 101, realized: 0, unrealized: 707 - 704, total: 707 - 704 },
        z: { symbol: 'TEST', qty: 10, avgPrice: 101, lastPrice: 102, realized: 0, unrealized: 10, total: 10 },
      });
    }));

  it('passes status changes once and keeps the filled total on them', () =>
    scheduler().run(({ cold, expectObservable }) => {
      const cancelled = order({ orderId: '1', side: 'buy', status: 'cancelled', orderQty: 10, filledQty: 3, unfilledQty: 0 });
      const out = cold('-a-x-x-|', { a, x: cancelled }).pipe(
        normalizeFills({ broker: 't', facts: totals(values), report: () => undefined }),
      );
      expectObservable(out).toBe('-a-x---|', { a, x: cancelled });
    }));

  it('reports impossible notices on errors and drops them', () =>
    scheduler().run(({ cold, expectObservable, flush }) => {
      const errors: FeedError[] = [];
      const negative = { ...b, fillQty: -4 };
      const tooMuch = { ...c, filledQty: 12 };
      const zeroPrice = { ...b, fillPrice: 0 };
      const out = cold('-a-n-t-z-|', { a, n: negative, t: tooMuch, z: zeroPrice }).pipe(
        normalizeFills({ broker: 't', facts: totals({ ...values, '1/12': 1200 }), report: (e) => errors.push(e) }),
      );
      expectObservable(out).toBe('-a-------|', { a });
      flush();
      expect(errors.map((e) => e.kind)).toEqual(['decode', 'decode', 'decode']);
      expect(errors[0].message).toMatch(/fill quantity -4/);
      expect(errors[1].message).toMatch(/above the order quantity/);
    }));
});

describe('normalizeFills: brokers that report single fills', () => {
  const ka = { ...a, filledQty: 3 };
  const kb = { ...b, filledQty: 4 }; // KIS says only this fill's quantity
  const kc = { ...c, filledQty: 3 };

  it('adds up distinct fills and drops one sent again on the next connection', () =>
    scheduler().run(({ cold, hot, expectObservable }) => {
      const connections$ = hot('------r---');
      const out = cold('-a-b--b-c-|', { a: ka, b: kb, c: kc }).pipe(
        normalizeFills({ broker: 't', facts: single, report: () => undefined, connections$ }),
      );
      expectObservable(out).toBe('-a-b----c-|', {
        a: { ...ka, status: 'partiallyFilled', filledQty: 3, unfilledQty: 7 },
        b: { ...kb, status: 'partiallyFilled', filledQty: 7, unfilledQty: 3 },
        c: { ...kc, status: 'filled', filledQty: 10, unfilledQty: 0 },
      });
    }));

  it('counts two identical fills on one connection as two', () =>
    scheduler().run(({ cold, expectObservable }) => {
      const one = fill({ orderId: '2', side: 'sell', price: 50, qty: 1, orderQty: 2, filledQty: 1, timestamp: 5 });
      const out = cold('-x-x-|', { x: one }).pipe(normalizeFills({ broker: 't', facts: single, report: () => undefined }));
      expectObservable(out).toBe('-p-q-|', {
        p: { ...one, status: 'partiallyFilled', filledQty: 1, unfilledQty: 1 },
        q: { ...one, status: 'filled', filledQty: 2, unfilledQty: 0 },
      });
    }));

  it('rejects fills that would total above the order quantity', () =>
    scheduler().run(({ cold, expectObservable, flush }) => {
      const errors: FeedError[] = [];
      const big = { ...kc, fillQty: 9, timestamp: 9 };
      const out = cold('-a-x-|', { a: ka, x: big }).pipe(normalizeFills({ broker: 't', facts: single, report: (e) => errors.push(e) }));
      expectObservable(out).toBe('-a---|', { a: { ...ka, status: 'partiallyFilled', filledQty: 3, unfilledQty: 7 } });
      flush();
      expect(errors).toHaveLength(1);
    }));
});
