import { PnL, positionPnL } from '../../src/operators';
import { cancel, fill, order, position, strategyTest, trade } from '../../src/testing';

const pnl = (p: Omit<PnL, 'symbol' | 'total'> & { symbol?: string }): PnL => ({
  symbol: 'TEST',
  ...p,
  total: p.realized + p.unrealized,
});

describe('positionPnL', () => {
  it('marks fills to the last trade and realizes on reducing fills (average cost)', () =>
    strategyTest(({ feed, expectSignals }) => {
      const { trades$, orders$ } = feed(
        { orders: '-f------g----|', trades: '---a--b----c-|' },
        {
          f: fill({ orderId: '1', side: 'buy', price: 100, qty: 10 }),
          g: fill({ orderId: '2', side: 'sell', price: 103, qty: 4 }),
          a: trade({ price: 102 }),
          b: trade({ price: 102 }),
          c: trade({ price: 101 }),
        },
      );
      expectSignals(positionPnL(trades$, orders$)).toBe('-p-q----r--s-|', {
        p: pnl({ qty: 10, avgPrice: 100, lastPrice: 100, realized: 0, unrealized: 0 }),
        q: pnl({ qty: 10, avgPrice: 100, lastPrice: 102, realized: 0, unrealized: 20 }),
        r: pnl({ qty: 6, avgPrice: 100, lastPrice: 103, realized: 12, unrealized: 18 }),
        s: pnl({ qty: 6, avgPrice: 100, lastPrice: 101, realized: 12, unrealized: 6 }),
      });
    }));

  it('adds up partial fills, and a cancel keeps the filled part and moves nothing', () =>
    strategyTest(({ feed, expectSignals }) => {
      const { trades$, orders$ } = feed(
        { orders: 'o-p-q-c-|', trades: '--------|' },
        {
          o: order({ orderId: '7', side: 'buy', orderQty: 10, orderPrice: 100 }),
          p: fill({ orderId: '7', side: 'buy', price: 100, qty: 3, orderQty: 10, filledQty: 3 }),
          q: fill({ orderId: '7', side: 'buy', price: 99, qty: 2, orderQty: 10, filledQty: 5 }),
          c: cancel({ orderId: '7', side: 'buy', orderQty: 10, filledQty: 5, orderPrice: 100 }),
        },
      );
      expectSignals(positionPnL(trades$, orders$)).toBe('--x-y---|', {
        x: pnl({ qty: 3, avgPrice: 100, lastPrice: 100, realized: 0, unrealized: 0 }),
        y: pnl({ qty: 5, avgPrice: 99.6, lastPrice: 99, realized: 0, unrealized: -3 }),
      });
    }));

  it('applies a fill redelivered after a reconnect once, and ignores a stale older one', () =>
    strategyTest(({ feed, expectSignals }) => {
      const first = fill({ orderId: '7', side: 'buy', price: 100, qty: 3, orderQty: 10, filledQty: 3 });
      const second = fill({ orderId: '7', side: 'buy', price: 102, qty: 7, orderQty: 10, filledQty: 10 });
      const { trades$, orders$ } = feed({ orders: 'a-a--b-a-b|', trades: '----------|' }, { a: first, b: second });
      expectSignals(positionPnL(trades$, orders$)).toBe('x----y----|', {
        x: pnl({ qty: 3, avgPrice: 100, lastPrice: 100, realized: 0, unrealized: 0 }),
        y: pnl({ qty: 10, avgPrice: 101.4, lastPrice: 102, realized: 0, unrealized: 6 }),
      });
    }));

  it('realizes exactly (sell − buy) × qty on a round trip and ends flat', () =>
    strategyTest(({ feed, expectSignals }) => {
      const { trades$, orders$ } = feed(
        { orders: 'bs|', trades: '--|' },
        {
          b: fill({ orderId: '1', side: 'buy', price: 71_500, qty: 30 }),
          s: fill({ orderId: '2', side: 'sell', price: 72_300, qty: 30 }),
        },
      );
      expectSignals(positionPnL(trades$, orders$)).toBe('xy|', {
        x: pnl({ qty: 30, avgPrice: 71_500, lastPrice: 71_500, realized: 0, unrealized: 0 }),
        y: pnl({ qty: 0, avgPrice: 0, lastPrice: 72_300, realized: 24_000, unrealized: 0 }),
      });
    }));

  it('averages buys, and a reducing sell leaves the average unchanged', () =>
    strategyTest(({ feed, expectSignals }) => {
      const { trades$, orders$ } = feed(
        { orders: 'abc|', trades: '---|' },
        {
          a: fill({ orderId: '1', side: 'buy', price: 100, qty: 10 }),
          b: fill({ orderId: '2', side: 'buy', price: 110, qty: 10 }),
          c: fill({ orderId: '3', side: 'sell', price: 120, qty: 5 }),
        },
      );
      expectSignals(positionPnL(trades$, orders$)).toBe('xyz|', {
        x: pnl({ qty: 10, avgPrice: 100, lastPrice: 100, realized: 0, unrealized: 0 }),
        y: pnl({ qty: 20, avgPrice: 105, lastPrice: 110, realized: 0, unrealized: 100 }),
        z: pnl({ qty: 15, avgPrice: 105, lastPrice: 120, realized: 75, unrealized: 225 }),
      });
    }));

  it('flips through zero: closes the long and opens a short at the fill price', () =>
    strategyTest(({ feed, expectSignals }) => {
      const { trades$, orders$ } = feed(
        { orders: 'ab-|', trades: '--c|' },
        {
          a: fill({ orderId: '1', side: 'buy', price: 100, qty: 5 }),
          b: fill({ orderId: '2', side: 'sell', price: 110, qty: 8 }),
          c: trade({ price: 100 }),
        },
      );
      expectSignals(positionPnL(trades$, orders$)).toBe('xyz|', {
        x: pnl({ qty: 5, avgPrice: 100, lastPrice: 100, realized: 0, unrealized: 0 }),
        y: pnl({ qty: -3, avgPrice: 110, lastPrice: 110, realized: 50, unrealized: 0 }),
        z: pnl({ qty: -3, avgPrice: 110, lastPrice: 100, realized: 50, unrealized: 30 }),
      });
    }));

  it('keeps an average cost like 302/3 exact inside, so closing at it realizes exactly', () =>
    strategyTest(({ feed, expectSignals }) => {
      const { trades$, orders$ } = feed(
        { orders: 'abc|', trades: '---|' },
        {
          a: fill({ orderId: '1', side: 'buy', price: 100, qty: 1 }),
          b: fill({ orderId: '2', side: 'buy', price: 101, qty: 2 }),
          c: fill({ orderId: '3', side: 'sell', price: 101, qty: 3 }),
        },
      );
      expectSignals(positionPnL(trades$, orders$)).toBe('xyz|', {
        x: pnl({ qty: 1, avgPrice: 100, lastPrice: 100, realized: 0, unrealized: 0 }),
        y: pnl({ qty: 3, avgPrice: 302 / 3, lastPrice: 101, realized: 0, unrealized: 1 }),
        z: pnl({ qty: 0, avgPrice: 0, lastPrice: 101, realized: 1, unrealized: 0 }),
      });
    }));

  it('is exact on crypto decimals (0.1 BTC bought at 64000.1, sold at 64000.3 makes 0.02)', () =>
    strategyTest(({ feed, expectSignals }) => {
      const s = { symbol: 'BTCUSDT' };
      const { trades$, orders$ } = feed(
        { orders: 'ab|', trades: '--|' },
        {
          a: fill({ ...s, orderId: '1', side: 'buy', price: 64_000.1, qty: 0.1 }),
          b: fill({ ...s, orderId: '2', side: 'sell', price: 64_000.3, qty: 0.1 }),
        },
      );
      expectSignals(positionPnL(trades$, orders$)).toBe('xy|', {
        x: pnl({ ...s, qty: 0.1, avgPrice: 64_000.1, lastPrice: 64_000.1, realized: 0, unrealized: 0 }),
        y: pnl({ ...s, qty: 0, avgPrice: 0, lastPrice: 64_000.3, realized: 0.02, unrealized: 0 }),
      });
    }));

  it('starts from opening positions, and ignores trades of symbols it does not hold and repeated prices', () =>
    strategyTest(({ feed, expectSignals }) => {
      const { trades$, orders$ } = feed(
        { trades: 'oaab|', orders: '----|' },
        { o: trade({ symbol: 'OTHER', price: 5 }), a: trade({ price: 105 }), b: trade({ price: 99 }) },
      );
      const pnl$ = positionPnL(trades$, orders$, { opening: [{ symbol: 'TEST', qty: 10, avgPrice: 100 }] });
      expectSignals(pnl$).toBe('-x-y|', {
        x: pnl({ qty: 10, avgPrice: 100, lastPrice: 105, realized: 0, unrealized: 50 }),
        y: pnl({ qty: 10, avgPrice: 100, lastPrice: 99, realized: 0, unrealized: -10 }),
      });
    }));

  it('uses fillQty when a broker leaves filledQty at 0, and ignores position events and rejections', () =>
    strategyTest(({ feed, expectSignals }) => {
      const { trades$, account$ } = feed(
        { orders: 'f-r|', positions: '-p-|', trades: '---|' },
        {
          f: order({ side: 'sell', status: 'filled', orderQty: 2, fillPrice: 50, fillQty: 2, filledQty: 0 }),
          r: order({ orderId: '9', side: 'buy', status: 'rejected', orderQty: 2, fillPrice: 50 }),
          p: position({ qty: 100, avgPrice: 1 }),
        },
      );
      expectSignals(positionPnL(trades$, account$)).toBe('x--|', {
        x: pnl({ qty: -2, avgPrice: 50, lastPrice: 50, realized: 0, unrealized: 0 }),
      });
    }));

  it('passes an error from either stream', () =>
    strategyTest(({ feed, expectSignals }) => {
      const { trades$, orders$ } = feed({ trades: '--#', orders: '---' }, {});
      expectSignals(positionPnL(trades$, orders$)).toBe('--#');
    }));
});

describe('positionPnL after a gap of the account stream (KIS: lost fills cannot be inferred)', () => {
  const { TestScheduler } = jest.requireActual<typeof import('rxjs/testing')>('rxjs/testing');
  let ts: InstanceType<typeof TestScheduler>;
  beforeEach(() => {
    ts = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });
  const f1 = fill({ orderId: '1', side: 'buy', price: 100, qty: 10 });
  const f2 = fill({ orderId: '2', side: 'buy', price: 110, qty: 10 });
  const gap = { from: 5, to: 9, reason: 'reconnect', key: 'H0STCNI0|hts' };
  const uncertain = { since: 5, reason: 'reconnect' };

  it('marks every position uncertain at the gap, and keeps the mark on what follows until reconciled', () => {
    ts.run(({ hot, expectObservable }) => {
      const orders$ = hot('-f------g---|', { f: f1, g: f2 });
      const trades$ = hot('----a------b|', { a: trade({ price: 101 }), b: trade({ price: 102 }) });
      const gaps$ = hot('------x-----|', { x: gap });
      const reconciled$ = hot('---------r--|', { r: 'TEST' });
      expectObservable(positionPnL(trades$, orders$, { gaps$, reconciled$ })).toBe('-p--q-u-vw-y|', {
        p: pnl({ qty: 10, avgPrice: 100, lastPrice: 100, realized: 0, unrealized: 0 }),
        q: pnl({ qty: 10, avgPrice: 100, lastPrice: 101, realized: 0, unrealized: 10 }),
        u: { ...pnl({ qty: 10, avgPrice: 100, lastPrice: 101, realized: 0, unrealized: 10 }), uncertain },
        v: { ...pnl({ qty: 20, avgPrice: 105, lastPrice: 110, realized: 0, unrealized: 100 }), uncertain },
        w: pnl({ qty: 20, avgPrice: 105, lastPrice: 110, realized: 0, unrealized: 100 }),
        y: pnl({ qty: 20, avgPrice: 105, lastPrice: 102, realized: 0, unrealized: -60 }),
      });
    });
  });

  it("takes the broker's position as the truth for an uncertain symbol (a fill lost in the gap)", () => {
    ts.run(({ hot, expectObservable }) => {
      // 5 more were bought inside the gap, at 103: the broker's position says 15 @ 101.
      const account$ = hot('-f---x-|', { f: f1, x: position({ qty: 15, avgPrice: 101 }) });
      const gaps$ = hot('---g---|', { g: gap });
      expectObservable(positionPnL(hot('-------|'), account$, { gaps$ })).toBe('-p-u-w-|', {
        p: pnl({ qty: 10, avgPrice: 100, lastPrice: 100, realized: 0, unrealized: 0 }),
        u: { ...pnl({ qty: 10, avgPrice: 100, lastPrice: 100, realized: 0, unrealized: 0 }), uncertain },
        w: pnl({ qty: 15, avgPrice: 101, lastPrice: 100, realized: 0, unrealized: -15 }),
      });
    });
  });

  it('without gaps$ a position event moves nothing (as before)', () => {
    ts.run(({ hot, expectObservable }) => {
      const account$ = hot('-f---x-|', { f: f1, x: position({ qty: 15, avgPrice: 101 }) });
      expectObservable(positionPnL(hot('-------|'), account$)).toBe('-p-----|', {
        p: pnl({ qty: 10, avgPrice: 100, lastPrice: 100, realized: 0, unrealized: 0 }),
      });
    });
  });
});
