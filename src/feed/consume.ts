/**
 * `concatMap` for a feed, with the slow-consumer defaults per kind: `project` runs on one event
 * at a time (an async write, a request, a timer), and what arrives meanwhile waits in a Backlog:
 * books and quotes conflate to the latest per symbol, trades, orders and the other kinds queue
 * losslessly up to `maxQueued`, and one more ends the stream with a FeedError of kind 'overflow'
 * instead of growing (a plain `concatMap` buffers without bound: 800 MB in a minute at 30k/s).
 *
 * ```
 * consume(x => timer(3)), maxQueued 2     t: trade, b: book (one symbol)
 * in:   -t1-b1-b2-b3-t2-|
 * runs:  t1----b3----t2----|              (b1, b2 replaced by b3 while t1 ran)
 *
 * in:   -t1t2t3t4-        runs t1; t2, t3 wait; t4 is a third: # overflow
 * ```
 */
import { ObservableInput, Observable, OperatorFunction, Subscription, from } from 'rxjs';
import { Backlog, ConflateKey, latestPerSymbol, overflowError } from './backlog';

export interface ConsumeOptions<T> {
  /** Lossless events kept while `project` runs; one more is an 'overflow' error. Default 10 000. */
  readonly maxQueued?: number;
  /** The conflation slot of an event (books and quotes per symbol); undefined: keep every one. */
  readonly conflate?: ConflateKey<T>;
  /** Named in the overflow error when the events do not say their broker. */
  readonly broker?: string;
}

export function consume<T, R>(project: (value: T) => ObservableInput<R>, options: ConsumeOptions<T> = {}): OperatorFunction<T, R> {
  const maxQueued = options.maxQueued ?? 10_000;
  const keyOf = options.conflate ?? (latestPerSymbol as ConflateKey<T>);
  return (source) =>
    new Observable<R>((subscriber) => {
      const backlog = new Backlog<T>(maxQueued, keyOf);
      let running: Subscription | undefined;
      let sourceDone = false;

      /** Starts `project` on one event; a synchronous inner is done when this returns. */
      const start = (value: T): void => {
        let inner: ObservableInput<R>;
        try {
          inner = project(value);
        } catch (err: unknown) {
          subscriber.error(err);
          return;
        }
        let sync = true;
        let done = false;
        running = new Subscription(); // taken while the inner runs, even synchronously
        const current = from(inner).subscribe({
          next: (r) => subscriber.next(r),
          error: (err: unknown) => subscriber.error(err),
          complete: () => {
            done = true;
            if (sync) return;
            running = undefined;
            drain();
          },
        });
        sync = false;
        running = done ? undefined : current;
      };
      /** Runs waiting events while no inner is running (a loop: synchronous inners do not nest). */
      const drain = (): void => {
        while (running === undefined && !subscriber.closed) {
          if (backlog.size === 0) {
            if (sourceDone) subscriber.complete();
            return;
          }
          start(backlog.shift() as T);
        }
      };

      subscriber.add(() => {
        running?.unsubscribe();
        backlog.clear();
      });
      subscriber.add(
        source.subscribe({
          next: (value) => {
            if (running === undefined && backlog.size === 0) {
              start(value);
              drain();
              return;
            }
            if (!backlog.push(value)) {
              const waiting = backlog.size;
              backlog.clear();
              subscriber.error(overflowError(options.broker, value, maxQueued, `consume maxQueued ${maxQueued}; ${waiting} waiting`));
            }
          },
          error: (err: unknown) => subscriber.error(err),
          complete: () => {
            sourceDone = true;
            if (running === undefined && backlog.size === 0) subscriber.complete();
          },
        }),
      );
    });
}
