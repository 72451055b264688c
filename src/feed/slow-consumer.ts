/**
 * The slow-consumer guard of a feed's streams: a consumer that keeps up pays one clock read per
 * event; one that lags no longer holds the socket (heartbeat echoes, pings, reads) hostage, and
 * what it has not taken yet is bounded per kind (see Backlog):
 *
 * - while a turn of the event loop has spent less than `sliceMs` delivering, events go straight
 *   through (synchronously, as without the guard); each turn first delivers what waits, within
 *   the same budget;
 * - beyond it, events wait in a Backlog and are delivered in later turns, `sliceMs` at a time,
 *   so the socket is read and heartbeats answered in between: books and quotes conflate to the
 *   latest per symbol, trades, orders and the other kinds queue losslessly up to `maxQueued`;
 * - past that bound the stream errors with a FeedError of kind 'overflow' (nothing dropped in
 *   silence); complete and error wait until what is queued has been delivered.
 *
 * Order is kept across kinds: a conflated slot stays where its first event queued.
 *
 * ```
 * consumer busy 60 ms on T1, sliceMs 50;  in (one turn): T1 B1 B2 T2 B3|
 * out:  T1 ── next turn ── B3 T2|      (B1, B2, B3 share one slot, queued before T2)
 * ```
 */
import { MonoTypeOperatorFunction, Observable, SchedulerLike, Subscription, asyncScheduler } from 'rxjs';
import type { SchedulerAction } from 'rxjs';
import { SlowConsumerOptions } from '../core/session-types';
import { Backlog, ConflateKey, latestPerSymbol, overflowError } from './backlog';

export type { SlowConsumerOptions };

export const defaultSlowConsumer: Required<SlowConsumerOptions> = { maxQueued: 10_000, sliceMs: 50 };

export interface SlowConsumerRuntime extends SlowConsumerOptions {
  readonly broker?: string;
  /** Delivers the backlog in later turns; `asyncScheduler` by default. */
  readonly scheduler?: SchedulerLike;
  /** The clock delivery time is measured on; the scheduler's by default. */
  readonly now?: () => number;
  /** Runs `fn` when the current turn of the event loop ends; a microtask by default, the scheduler in virtual time. */
  readonly afterTurn?: (fn: () => void) => void;
  /** The conflation slot of an event (books and quotes per symbol by default). */
  readonly conflate?: ConflateKey<unknown>;
}

export function slowConsumer<T>(runtime: SlowConsumerRuntime = {}): MonoTypeOperatorFunction<T> {
  const scheduler = runtime.scheduler ?? asyncScheduler;
  const now = runtime.now ?? (() => scheduler.now());
  const sliceMs = runtime.sliceMs ?? defaultSlowConsumer.sliceMs;
  const maxQueued = runtime.maxQueued ?? defaultSlowConsumer.maxQueued;
  const afterTurn =
    runtime.afterTurn ??
    (runtime.scheduler === undefined || runtime.scheduler === asyncScheduler
      ? (fn: () => void) => queueMicrotask(fn)
      : (fn: () => void) => void scheduler.schedule(fn));
  const keyOf = (runtime.conflate ?? latestPerSymbol) as ConflateKey<T>;

  return (source) =>
    new Observable<T>((subscriber) => {
      const backlog = new Backlog<T>(maxQueued, keyOf);
      /** When this turn's delivering began; -1 between turns. */
      let turnStart = -1;
      const endTurn = (): void => {
        turnStart = -1;
      };
      let draining: Subscription | undefined;
      let ended: { readonly error?: unknown } | undefined;

      const finish = (): void => {
        if (ended === undefined) return;
        if ('error' in ended) subscriber.error(ended.error);
        else subscriber.complete();
      };

      function drain(this: SchedulerAction<unknown>): void {
        const start = now();
        for (;;) {
          if (backlog.size === 0) {
            draining = undefined;
            finish();
            return;
          }
          subscriber.next(backlog.shift() as T);
          if (subscriber.closed) return;
          if (now() - start >= sliceMs) {
            this.schedule();
            return;
          }
        }
      }

      subscriber.add(() => {
        draining?.unsubscribe();
        backlog.clear();
      });
      subscriber.add(
        source.subscribe({
          next: (value) => {
            const t = now();
            if (turnStart < 0) {
              turnStart = t;
              afterTurn(endTurn);
            }
            // Every turn has its budget, for what waits first and then for this event: a
            // consumer that keeps up catches up here, without waiting for the drain's turn.
            while (backlog.size > 0 && now() - turnStart < sliceMs) {
              subscriber.next(backlog.shift() as T);
              if (subscriber.closed) return;
            }
            if (backlog.size === 0 && t - turnStart < sliceMs) {
              subscriber.next(value);
              return;
            }
            if (!backlog.push(value)) {
              const waiting = backlog.size;
              backlog.clear();
              subscriber.error(overflowError(runtime.broker, value, maxQueued, `slowConsumer.maxQueued ${maxQueued}; ${waiting} waiting`));
              return;
            }
            draining ??= scheduler.schedule(drain);
          },
          error: (error: unknown) => {
            ended = { error };
            if (draining === undefined) finish();
          },
          complete: () => {
            ended = {};
            if (draining === undefined) finish();
          },
        }),
      );
    });
}
