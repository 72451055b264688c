import { Observable, catchError, map, of, tap, timer } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { FeedError } from '../../src/core/errors';
import { Backlog } from '../../src/feed/backlog';
import { consume } from '../../src/feed/consume';
import { slowConsumer } from '../../src/feed/slow-consumer';

/**
 * Slow-consumer defaults per kind, in virtual time: books and quotes conflate to the latest per
 * symbol, trades and orders wait losslessly up to a bound and then end the stream with an
 * 'overflow' FeedError. `consume` is the async consumer (a concatMap that cannot grow without
 * bound); `slowConsumer` is the guard on every feed stream, for a consumer that takes too long
 * synchronously (here a fake clock the consumer advances, as a CPU-bound consumer would).
 */

interface Ev {
  readonly kind: 'trade' | 'book' | 'quote' | 'order';
  readonly symbol: string;
  readonly id: string;
  readonly broker: string;
}
const trade = (id: string, symbol = 'A'): Ev => ({ kind: 'trade', symbol, id, broker: 'toy' });
const book = (id: string, symbol = 'A'): Ev => ({ kind: 'book', symbol, id, broker: 'toy' });
const quote = (id: string, symbol = 'A'): Ev => ({ kind: 'quote', symbol, id, broker: 'toy' });
const order = (id: string): Ev => ({ kind: 'order', symbol: 'A', id, broker: 'toy' });

/** Ids, and an error as `kind:code` so it can be compared in a marble. */
const ids = (source: Observable<Ev>): Observable<string> =>
  source.pipe(
    map((e) => e.id),
    catchError((err: unknown) => of(err instanceof FeedError ? `${err.kind}:${err.code}` : 'other')),
  );

let ts: TestScheduler;
beforeEach(() => {
  ts = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
});

describe('consume (an async consumer)', () => {
  it('runs trades one at a time, in order, none lost (like concatMap)', () => {
    ts.run(({ hot, expectObservable }) => {
      const src = hot('-a-b-c-|', { a: trade('a'), b: trade('b'), c: trade('c') });
      const out = src.pipe(consume((e) => timer(3).pipe(map(() => e))));
      expectObservable(ids(out)).toBe('----a--b--(c|)');
    });
  });

  it('conflates books to the latest per symbol while the consumer is busy', () => {
    ts.run(({ hot, expectObservable }) => {
      // a runs 1→6; b, c, d arrive meanwhile: only d is left to run (6→11).
      const src = hot('-abcd---------|', { a: book('a'), b: book('b'), c: book('c'), d: book('d') });
      const out = src.pipe(consume((e) => timer(5).pipe(map(() => e))));
      expectObservable(ids(out)).toBe('------a----d--|');
    });
  });

  it('conflates per symbol and kind: one slot each, in the order they first waited', () => {
    ts.run(({ hot, expectObservable }) => {
      const src = hot('-a(bcdef)----------|', {
        a: trade('a'),
        b: book('b1', 'A'),
        c: quote('q1', 'A'),
        d: book('b2', 'B'),
        e: book('b3', 'A'),
        f: trade('t'),
      });
      const out = src.pipe(consume((e) => timer(3).pipe(map(() => e))));
      // While a runs: slots book A (b1 then b3), quote A, book B, then trade t.
      expectObservable(ids(out)).toBe('----a--b--q--B--t--|', { a: 'a', b: 'b3', q: 'q1', B: 'b2', t: 't' } as Record<string, string>);
    });
  });

  it('past its bound, a lossless kind ends the stream with an overflow FeedError', () => {
    ts.run(({ hot, expectObservable }) => {
      const src = hot('-abcd', { a: trade('a'), b: order('b'), c: trade('c'), d: trade('d') });
      const out = src.pipe(consume((e) => timer(10).pipe(map(() => e)), { maxQueued: 2 }));
      expectObservable(ids(out)).toBe('----(x|)', { x: 'overflow:SLOW_CONSUMER' });
    });
  });

  it('books never overflow: one slot per symbol', () => {
    ts.run(({ hot, expectObservable }) => {
      const src = hot('-abcde---------|', { a: book('a'), b: book('b'), c: book('c'), d: book('d'), e: book('e') });
      const out = src.pipe(consume((e) => timer(5).pipe(map(() => e)), { maxQueued: 1 }));
      expectObservable(ids(out)).toBe('------a----e---|');
    });
  });
});

describe('slowConsumer (the guard on every feed stream)', () => {
  it('a consumer that keeps up gets every event synchronously, as without the guard', () => {
    ts.run(({ hot, expectObservable }) => {
      const src = hot('-(abc)-d-|', { a: trade('a'), b: book('b'), c: book('c'), d: trade('d') });
      expectObservable(ids(src.pipe(slowConsumer({ scheduler: ts, sliceMs: 50 })))).toBe('-(abc)-d-|');
    });
  });

  it('a turn that took too long: the rest waits for the next turn, books conflated in place', () => {
    ts.run(({ hot, expectObservable }) => {
      let clock = 0;
      const src = hot('-(abcde)-|', { a: trade('a'), b: book('b1'), c: trade('c'), d: book('b2'), e: trade('e') });
      const out = src.pipe(
        slowConsumer({ scheduler: ts, sliceMs: 50, now: () => clock }),
        // The consumer spends 60 ms on the first event (the clock it is measured on moves).
        tap((e) => {
          if (e.id === 'a') clock += 60;
        }),
      );
      expectObservable(ids(out)).toBe('-(a2ce)--|', { a: 'a', 2: 'b2', c: 'c', e: 'e' } as Record<string, string>);
    });
  });

  it('a lossless kind past its bound ends the stream with an overflow FeedError', () => {
    ts.run(({ hot, expectObservable }) => {
      let clock = 0;
      const src = hot('-(abcd)-|', { a: trade('a'), b: trade('b'), c: trade('c'), d: trade('d') });
      const out = src.pipe(
        slowConsumer({ scheduler: ts, sliceMs: 50, maxQueued: 2, now: () => clock }),
        tap(() => (clock += 60)),
      );
      expectObservable(ids(out)).toBe('-(ax|)', { a: 'a', x: 'overflow:SLOW_CONSUMER' });
    });
  });

  it('delivers what waits before completing, a slice at a time', () => {
    ts.run(({ hot, expectObservable }) => {
      let clock = 0;
      const src = hot('-(abc|)', { a: trade('a'), b: trade('b'), c: trade('c') });
      const out = src.pipe(
        slowConsumer({ scheduler: ts, sliceMs: 50, now: () => clock }),
        tap(() => (clock += 60)),
      );
      expectObservable(ids(out)).toBe('-(abc|)');
    });
  });
});

describe('Backlog', () => {
  it('keeps the lossless part within its bound and counts conflated events', () => {
    const b = new Backlog<Ev>(2);
    expect([b.push(trade('1')), b.push(book('b1')), b.push(book('b2')), b.push(trade('2')), b.push(trade('3'))]).toEqual([
      true,
      true,
      true,
      true,
      false,
    ]);
    expect(b.conflated).toBe(1);
    expect([b.shift()?.id, b.shift()?.id, b.shift()?.id, b.shift()]).toEqual(['1', 'b2', '2', undefined]);
    // Taken slots free their place: a new book waits again, the bound counts afresh.
    expect([b.push(book('b3')), b.push(trade('4')), b.push(trade('5')), b.size]).toEqual([true, true, true, 3]);
  });
});
