import { NEVER, Observable, map, of } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { createFallback } from '../../src/feed/fallback';
import { FeedStatus } from '../../src/core/status';
import { OrderBook, Quote } from '../../src/model';

/**
 * The fallback for a stale key, in virtual time: the socket stays open, one symbol's key goes
 * quiet; only that symbol is polled, every pollMs, until its data is back; status$ stays open.
 */

let ts: TestScheduler;
beforeEach(() => {
  ts = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
});

const quote = (symbol: string): Quote => ({
  kind: 'quote',
  broker: 'toy',
  symbol,
  bestBid: 1,
  bestAsk: 2,
  time: '',
  timestamp: 0,
  raw: {},
});
const open: FeedStatus = { state: 'open', since: 0, connections: 1, keys: 2 } as FeedStatus;

describe('fallback for a stale key', () => {
  it('polls the stale symbol alone while it is stale; the socket stays open, status$ too', () => {
    ts.run(({ hot, expectObservable, flush }) => {
      const asked: string[][] = [];
      const rest = {
        broker: 'toy',
        quotes: (symbols: readonly string[]): Observable<readonly Quote[]> => {
          asked.push([...symbols]);
          return of(symbols.map(quote));
        },
        orderBook: (): Observable<OrderBook> => NEVER,
      };
      const status$ = hot<FeedStatus>('o', { o: open });
      // A goes stale at 50 ms; a gap notice says it is live again at 320 ms.
      const stale$ = hot('50ms s 269ms g', { s: { symbol: 'A', stale: true }, g: { symbol: 'A', stale: false } });
      const fallback = createFallback({
        rest,
        status$,
        stale$,
        options: { afterMs: 1_000, pollMs: 100 },
        report: () => undefined,
        scheduler: ts,
      });
      expectObservable(fallback.quotes('A').pipe(map((q) => `${q.symbol}${q.source === 'rest' ? 'r' : ''}`)), '^ 999ms !').toBe(
        '50ms a 99ms a 99ms a',
        { a: 'Ar' },
      );
      expectObservable(fallback.quotes('B'), '^ 999ms !').toBe('-');
      expectObservable(fallback.status$.pipe(map((s) => s.state)), '^ 999ms !').toBe('o', { o: 'open' });
      flush();
      expect(asked).toEqual([['A'], ['A'], ['A']]);
    });
  });
});
