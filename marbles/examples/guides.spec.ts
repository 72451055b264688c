/**
 * The guides' examples (examples/guides/) in virtual time: each is written against `MarketFeed`,
 * so a marble feed stands in for any broker.
 */
import { Observable } from 'rxjs';
import { MarketFeed, Symbols } from '../../src';
import { book, position, strategyTest, trade } from '../../src/testing';
import { movingAverageSignal } from '../../examples/guides/moving-average';
import { priceBoard } from '../../examples/guides/price-board';
import { riskAlerts } from '../../examples/guides/risk-check';
import { topLevels } from '../../examples/guides/top-of-book';

/** A stream as a feed method: ignores the symbols (the marbles already are the symbol's events). */
const method =
  <T>(events$: Observable<T>) =>
  (_symbols?: Symbols): Observable<T> =>
    events$;

describe('guide examples', () => {
  it('topLevels keeps the best three levels a side and the spread', () =>
    strategyTest(({ feed, expectSignals }) => {
      const b = book({
        symbol: '005930',
        asks: [
          [101, 1],
          [102, 2],
          [103, 3],
          [104, 4],
        ],
        bids: [
          [100, 5],
          [99, 6],
          [98, 7],
          [97, 8],
        ],
      });
      const f = feed({ books: '-b-|' }, { b });
      const x = {
        symbol: '005930',
        time: b.time,
        asks: [
          { price: 101, size: 1 },
          { price: 102, size: 2 },
          { price: 103, size: 3 },
        ],
        bids: [
          { price: 100, size: 5 },
          { price: 99, size: 6 },
          { price: 98, size: 7 },
        ],
        spread: 1,
      };
      expectSignals(topLevels({ orderBook$: method(f.books$) }, '005930')).toBe('-x-|', { x });
    }));

  it('priceBoard keeps the latest line per symbol with the broker’s change and volume, absent where not sent', () =>
    strategyTest(({ feed, expectSignals }) => {
      const a = { ...trade({ symbol: '005930', price: 71000 }), change: -50, changePercent: -0.07, cumulativeVolume: 1000 };
      const b = trade({ symbol: '000660', price: 187500 });
      const c = { ...a, price: 71100, change: 50, changePercent: 0.07, cumulativeVolume: 1010 };
      const f = feed({ trades: '-a-b-c|' }, { a, b, c });
      const la = { symbol: '005930', price: 71000, time: a.time, change: -50, changePercent: -0.07, volume: 1000 };
      const lb = { symbol: '000660', price: 187500, time: b.time };
      const lc = { ...la, price: 71100, change: 50, changePercent: 0.07, volume: 1010 };
      expectSignals(priceBoard({ trades$: method(f.trades$) }, ['005930', '000660'])).toBe('-x-y-z|', {
        x: { changed: la, lines: { '005930': la } },
        y: { changed: lb, lines: { '005930': la, '000660': lb } },
        z: { changed: lc, lines: { '005930': lc, '000660': lb } },
      });
    }));

  it('movingAverageSignal holds inside the band and signals outside it', () =>
    strategyTest(({ feed, expectSignals }) => {
      const p = (price: number) => trade({ symbol: 'BTCUSDT', price });
      const f = feed({ trades: '-a-b-c-d-e|' }, { a: p(100), b: p(100), c: p(100), d: p(106), e: p(94) });
      const at = p(0).time;
      expectSignals(movingAverageSignal({ trades$: method(f.trades$) }, 'BTCUSDT', { period: 3, band: 0.02 })).toBe('-----x-y-z|', {
        x: { symbol: 'BTCUSDT', action: 'hold', price: 100, average: 100, time: at },
        y: { symbol: 'BTCUSDT', action: 'buy', price: 106, average: 102, time: at },
        z: { symbol: 'BTCUSDT', action: 'sell', price: 94, average: 100, time: at },
      });
    }));

  it('riskAlerts raises each breach once when it starts, and again only after it cleared', () =>
    strategyTest(({ feed, expectSignals }) => {
      const a = { ...position({ symbol: 'BTCUSDT', qty: 2, avgPrice: 300 }), lastPrice: 300 };
      const b = { ...position({ symbol: 'ETHUSDT', qty: -3, avgPrice: 150 }), lastPrice: 150, unrealizedPnl: -20 };
      const c = { ...a, qty: 0 };
      const d = { ...a, qty: 4, unrealizedPnl: -200 };
      const f = feed({ positions: '-a-b-b-c-d|' }, { a, b, c, d });
      expectSignals(
        riskAlerts({ positions$: () => f.positions$ } as Pick<MarketFeed, 'positions$'>, { maxExposure: 1000, maxLoss: 100 }),
      ).toBe('---x-----y|', {
        x: { exposure: 1050, unrealizedPnl: -20, breaches: ['exposure'] },
        y: { exposure: 1650, unrealizedPnl: -220, breaches: ['exposure', 'loss'] },
      });
    }));

  it('riskAlerts is empty on a feed that pushes no positions', () =>
    strategyTest(({ expectSignals }) => {
      expectSignals(riskAlerts({}, { maxExposure: 1, maxLoss: 1 })).toBe('|');
    }));
});
