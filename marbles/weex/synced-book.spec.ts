import { NEVER, Observable, map } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { syncedBook } from '../../src/book/synced-book';
import { BookMessage } from '../../src/book/book-sync';
import { BookState } from '../../src/book/book-state';

/**
 * The synced-book wrapper in virtual time: which states it shows, when it closes and reopens the
 * depth stream, and that it never shows a book that is not synced.
 */

let ts: TestScheduler;
beforeEach(() => {
  ts = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
});

const level = (price: number, size = 1) => ({ price, size, raw: [String(price), String(size)] as const });
const snap = (id: number, bid: number): BookMessage => ({
  kind: 'snapshot',
  firstId: id,
  lastId: id,
  bids: [level(bid)],
  asks: [level(200)],
  timestamp: id,
});
const delta = (first: number, last: number, bid: number): BookMessage => ({
  kind: 'delta',
  firstId: first,
  lastId: last,
  bids: [level(bid)],
  asks: [],
  timestamp: last,
});

/** A state in one word: y syncing, r<reason> resyncing, b<best bid>@<id> synced. */
const word = (s: BookState): string =>
  s.status === 'syncing'
    ? 'y'
    : s.status === 'resyncing'
      ? `r:${s.reason}#${s.resyncs}`
      : `b${s.book.bids[0]?.price}@${s.book.raw.lastUpdateId}#${s.resyncs}`;

/** Each open() gets the next scripted depth stream (its leading silence is the venue's delay). */
function book(opens: Observable<BookMessage>[], resets$: Observable<unknown> = NEVER) {
  let n = 0;
  return syncedBook({ open: () => opens[n++], resets$ }, { symbol: 'BTCUSDT', depth: 15, broker: 'weex' }).pipe(map(word));
}

describe('syncedBook', () => {
  it('shows syncing, then a book only from the snapshot on; early deltas wait for it', () => {
    ts.run(({ cold, expectObservable }) => {
      const depth = cold('-a-b-s-c', { a: delta(9, 10, 1), b: delta(11, 11, 2), s: snap(10, 3), c: delta(12, 12, 4) });
      expectObservable(book([depth])).toBe('y----x-z', { y: 'y', x: 'b3@11#0', z: 'b4@12#0' });
    });
  });

  it('on a gap: shows resyncing, closes the depth stream and opens it again, then syncs from the new snapshot', () => {
    ts.run(({ cold, expectObservable, expectSubscriptions }) => {
      const first = cold('-s-a-g---', { s: snap(10, 1), a: delta(11, 11, 2), g: delta(14, 14, 3) });
      const second = cold('-------t-c', { t: snap(20, 5), c: delta(21, 21, 6) });
      expectObservable(book([first, second])).toBe('ys-a-g------t-c', {
        y: 'y',
        s: 'b1@10#0',
        a: 'b2@11#0',
        g: 'r:gap#1',
        t: 'b5@20#1',
        c: 'b6@21#1',
      });
      expectSubscriptions(first.subscriptions).toBe('^----!');
      expectSubscriptions(second.subscriptions).toBe('-----^');
    });
  });

  it('on a crossed book: the same, with reason crossed', () => {
    ts.run(({ cold, expectObservable }) => {
      const first = cold('-s-x', { s: snap(10, 1), x: delta(11, 11, 250) });
      const second = cold('---t', { t: snap(30, 2) });
      expectObservable(book([first, second])).toBe('ys-x--t', { y: 'y', s: 'b1@10#0', x: 'r:crossed#1', t: 'b2@30#1' });
    });
  });

  it('on a reconnect: shows resyncing and waits for the snapshot the resubscription brings, keeping the stream', () => {
    ts.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const depth = cold('-s--a---t', { s: snap(10, 1), a: delta(11, 11, 2), t: snap(50, 9) });
      const resets = hot('------x');
      expectObservable(book([depth], resets)).toBe('ys--a-r-t', { y: 'y', s: 'b1@10#0', a: 'b2@11#0', r: 'r:reconnect#1', t: 'b9@50#1' });
      expectSubscriptions(depth.subscriptions).toBe('^');
    });
  });

  it('passes the depth stream failure on (a rejected subscription)', () => {
    ts.run(({ cold, expectObservable }) => {
      const depth = cold('-s-#', { s: snap(1, 1) }, new Error('refused'));
      expectObservable(book([depth])).toBe('ys-#', { y: 'y', s: 'b1@1#0' }, new Error('refused'));
    });
  });

  it('unsubscribing closes the depth stream, also one reopened for a resync', () => {
    ts.run(({ cold, expectObservable, expectSubscriptions }) => {
      const first = cold('-s-g', { s: snap(10, 1), g: delta(20, 20, 2) });
      const second = cold('----------t', { t: snap(30, 3) });
      expectObservable(book([first, second]), '^----!').toBe('ys-g', { y: 'y', s: 'b1@10#0', g: 'r:gap#1' });
      expectSubscriptions(first.subscriptions).toBe('^--!');
      expectSubscriptions(second.subscriptions).toBe('---^-!');
    });
  });
});
