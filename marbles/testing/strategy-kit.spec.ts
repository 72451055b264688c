import { filter, map, takeWhile } from 'rxjs';
import { simulateMarket } from '../../src/app/sim';
import { bars, vwap } from '../../src/operators';
import { book, fill, fromEvents, strategyTest, trade } from '../../src/testing';
import { TestScheduler } from 'rxjs/testing';

describe('strategyTest', () => {
  it('runs a fake feed of hot marble streams and checks signals', () =>
    strategyTest(({ feed, expectSignals }) => {
      const f = feed(
        { trades: '-a-b|', books: 'p---|' },
        { a: trade({ price: 10 }), b: trade({ price: 20 }), p: book({ bids: [[9, 1]], asks: [[11, 1]] }) },
      );
      expectSignals(f.trades$.pipe(map((t) => t.price))).toBe('-x-y|', { x: 10, y: 20 });
      expectSignals(f.events$.pipe(map((e) => e.kind))).toBe('pt-t|', { p: 'book', t: 'trade' });
    }));

  it('leaves streams without marbles silent and open, like a quiet live feed', () =>
    strategyTest(({ feed, expectSignals }) => {
      const f = feed({ trades: '-|' });
      expectSignals(f.books$).toBe('');
      expectSignals(f.trades$).toBe('-|');
    }));

  it('fails with both diagrams drawn when signals differ', () => {
    let message = '';
    try {
      strategyTest(({ feed, expectSignals }) => {
        const { trades$ } = feed({ trades: '-a--b|' }, { a: trade({ price: 1 }), b: trade({ price: 3 }) });
        expectSignals(trades$.pipe(map((t) => t.price))).toBe('-x-y-|', { x: 1, y: 3 });
      });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toBe(['signals differ', '  expected: -x-y-|', '  actual:   -x--y|', '  x = 1', '  y = 3'].join('\n'));
  });

  it('names values missing from the dictionary in the failure', () => {
    expect(() =>
      strategyTest(({ cold, expectSignals }) => {
        expectSignals(cold('a|', { a: 5 })).toBe('x|', { x: 4 });
      }),
    ).toThrow(['signals differ', '  expected: x|', '  actual:   A|', '  x = 4', '  A = 5   (not in values)'].join('\n'));
  });

  it('refuses a stream character mapped to an event of another kind, or to nothing', () => {
    expect(() => strategyTest(({ feed }) => feed({ books: 'a' }, { a: trade({ price: 1 }) }))).toThrow(
      "feed: 'a' in books marbles is a trade event, not a book",
    );
    expect(() => strategyTest(({ feed }) => feed({ trades: '-z' }, {}))).toThrow("feed: 'z' in trades marbles has no entry in values");
  });

  it('honours subscription marbles', () =>
    strategyTest(({ cold, expectSignals }) => {
      // A cold stream starts when subscribed (frame 1) and is cut at frame 3.
      expectSignals(cold<string>('abcde|'), '-^-!').toBe('-ab', { a: 'a', b: 'b' });
    }));

  it('stops at maxFrames when something never ends', () =>
    strategyTest(
      ({ feed, expectSignals }) => {
        const { trades$ } = feed({ trades: 'a' }, { a: trade({ price: 1 }) });
        expectSignals(
          trades$.pipe(
            bars(10, { empty: 'flat' }),
            map((b) => b.trades),
          ),
        ).toBe('10ms a 9ms b 9ms b 9ms b', { a: 1, b: 0 });
      },
      { maxFrames: 45 },
    ));

  it('plays a recording in virtual time through recordedFeed and play', () =>
    strategyTest(({ recordedFeed, play, expectSignals }) => {
      const t0 = Date.parse('2026-11-20T09:00:00+09:00');
      const events = [
        trade({ price: 100, size: 1, timestamp: t0 }),
        fill({ side: 'buy', price: 100, qty: 1, timestamp: t0 + 2 }),
        trade({ price: 110, size: 3, timestamp: t0 + 3 }),
        trade({ price: 90, size: 1, timestamp: t0 + 3 }),
      ];
      const f = recordedFeed(events);
      expectSignals(f.trades$.pipe(vwap())).toBe('x--(yz|)', { x: 100, y: 107.5, z: 104 });
      expectSignals(f.orders$.pipe(map((o) => o.status))).toBe('--f|', { f: 'filled' });
      expectSignals(play(events, { speed: 0.5 }).pipe(map((e) => e.kind))).toBe('t---o-(tt|)', { t: 'trade', o: 'order' });
    }));
});

describe('recordedFeed', () => {
  it('takes any Observable of events, e.g. a simulated market on the kit scheduler', () =>
    strategyTest(({ recordedFeed, scheduler, expectSignals }) => {
      const market$ = simulateMarket({ broker: 'kiwoom', symbols: ['005930'], seed: 3, stepMs: 10, scheduler, trader: false }).pipe(
        takeWhile(() => scheduler.now() < 200),
      );
      const f = recordedFeed(market$);
      const crossed$ = f.books$.pipe(
        map((b) => b.bids.length > 0 && b.asks.length > 0 && b.bids[0].price >= b.asks[0].price),
        filter(Boolean),
      );
      // The simulator promises no crossed book; the kit turns that into a virtual-time check.
      expectSignals(crossed$).toBe('200ms |');
    }));
});

describe('fromEvents', () => {
  it('emits events at their timestamps relative to the first, together when they share one', () => {
    const scheduler = new TestScheduler((a, b) => expect(a).toEqual(b));
    scheduler.run(({ expectObservable }) => {
      const at = (timestamp: number, id: string) => ({ timestamp, id });
      const events = [at(1000, 'a'), at(1003, 'b'), at(1003, 'c'), at(1010, 'd')];
      expectObservable(fromEvents(events, scheduler).pipe(map((e) => e.id))).toBe('a--(bc)---(d|)');
    });
  });

  it('keeps the recorded order when a timestamp goes backwards, and honours origin and speed', () => {
    const scheduler = new TestScheduler((a, b) => expect(a).toEqual(b));
    scheduler.run(({ expectObservable }) => {
      const events = [
        { timestamp: 10, id: 'a' },
        { timestamp: 4, id: 'b' },
        { timestamp: 20, id: 'c' },
      ];
      expectObservable(fromEvents(events, scheduler).pipe(map((e) => e.id))).toBe('(ab)------(c|)');
      expectObservable(fromEvents(events, scheduler, { origin: 0, speed: 2 }).pipe(map((e) => e.id))).toBe('-----(ab)-(c|)');
    });
  });

  it('completes at once when empty, and rejects bad input', () => {
    const scheduler = new TestScheduler((a, b) => expect(a).toEqual(b));
    scheduler.run(({ expectObservable }) => expectObservable(fromEvents([], scheduler)).toBe('|'));
    expect(() => fromEvents([{ timestamp: NaN }])).toThrow('fromEvents: event 0 has no finite timestamp (NaN)');
    expect(() => fromEvents([], undefined, { speed: 0 })).toThrow('fromEvents: speed must be a positive number, got 0');
  });
});
