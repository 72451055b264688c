import { uniqueTrades } from '../../src/operators';
import { strategyTest, trade } from '../../src/testing';

describe('uniqueTrades', () => {
  it('drops a repeated trade id and passes trades without an id', () =>
    strategyTest(({ feed, expectSignals }) => {
      const values = {
        a: trade({ price: 1, tradeId: '1' }),
        b: trade({ price: 2, tradeId: '2' }),
        n: trade({ price: 3 }),
      };
      const { trades$ } = feed({ trades: '-a-b-a-n-n-|' }, values);
      expectSignals(trades$.pipe(uniqueTrades())).toBe('-a-b---n-n-|', values);
    }));

  it('tells ids apart by symbol and venue', () =>
    strategyTest(({ feed, expectSignals }) => {
      const values = {
        a: trade({ symbol: 'A', price: 1, tradeId: '1', exchange: 'KRX' }),
        b: trade({ symbol: 'B', price: 1, tradeId: '1', exchange: 'KRX' }),
        c: trade({ symbol: 'A', price: 1, tradeId: '1', exchange: 'NXT' }),
      };
      const { trades$ } = feed({ trades: 'abca|' }, values);
      expectSignals(trades$.pipe(uniqueTrades())).toBe('abc-|', values);
    }));

  it('forgets the oldest ids beyond its memory', () =>
    strategyTest(({ feed, expectSignals }) => {
      const values = { a: trade({ price: 1, tradeId: '1' }), b: trade({ price: 2, tradeId: '2' }), c: trade({ price: 3, tradeId: '3' }) };
      const { trades$ } = feed({ trades: 'abcab|' }, values);
      // Memory 2: after c it remembers ids 2 and 3, so a passes again (and pushes 2 out), then b.
      expectSignals(trades$.pipe(uniqueTrades(2))).toBe('abcab|', values);
      expectSignals(trades$.pipe(uniqueTrades(3))).toBe('abc--|', values);
    }));
});
