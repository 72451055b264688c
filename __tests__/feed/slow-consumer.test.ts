import { Subject } from 'rxjs';
import { FeedError } from '../../src/core/errors';
import { slowConsumer } from '../../src/feed/slow-consumer';

/** The guard in real time: a CPU-bound consumer no longer holds the event loop for a whole burst. */
const busy = (ms: number): void => {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // a consumer doing synchronous work
  }
};

interface Ev {
  readonly kind: 'trade' | 'book';
  readonly symbol: string;
  readonly n: number;
}

describe('slowConsumer in real time', () => {
  it('lets a timer (a heartbeat) run in the middle of a burst, and delivers every trade in order', async () => {
    const source = new Subject<Ev>();
    const got: number[] = [];
    let heartbeatAfter: number | undefined;
    const done = new Promise<void>((resolve, reject) =>
      source.pipe(slowConsumer({ sliceMs: 20 })).subscribe({
        next: (e) => {
          busy(2);
          got.push(e.n);
        },
        error: reject,
        complete: resolve,
      }),
    );
    setTimeout(() => (heartbeatAfter = got.length), 0);
    // One turn: 100 trades arrive at once, as from one socket read (200 ms of consumer work).
    for (let n = 0; n < 100; n++) source.next({ kind: 'trade', symbol: 'A', n });
    source.complete();
    const deliveredInTheBurst = got.length;
    await done;
    expect(got).toEqual(Array.from({ length: 100 }, (_, n) => n));
    expect(deliveredInTheBurst).toBeLessThan(100);
    expect(heartbeatAfter).toBeDefined();
    expect(heartbeatAfter).toBeLessThan(100);
  });

  it('conflates books to the latest, and ends a lossless stream past its bound with an overflow error', async () => {
    const source = new Subject<Ev>();
    const books: number[] = [];
    source.pipe(slowConsumer({ sliceMs: 5 })).subscribe((e) => {
      busy(10);
      books.push(e.n);
    });
    for (let n = 0; n < 50; n++) source.next({ kind: 'book', symbol: 'A', n });
    for (let waited = 0; books.length < 2 && waited < 10_000; waited += 20) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 50)); // nothing more comes
    expect(books).toEqual([0, 49]);

    const trades = new Subject<Ev>();
    const failure = new Promise<unknown>((resolve) =>
      trades.pipe(slowConsumer({ sliceMs: 5, maxQueued: 10 })).subscribe({ next: () => busy(10), error: resolve }),
    );
    for (let n = 0; n < 50; n++) trades.next({ kind: 'trade', symbol: 'A', n });
    const err = await failure;
    expect(err).toBeInstanceOf(FeedError);
    expect((err as FeedError).kind).toBe('overflow');
    expect((err as FeedError).message).toMatch(/fell 10 trade events \(A\) behind/);
  });
});
