import { Observable, SchedulerLike } from 'rxjs';
import type { SchedulerAction } from 'rxjs';

export interface LagMonitorOptions {
  /** How often the loop is sampled. Default 500 ms. */
  readonly intervalMs?: number;
  /** Lateness that counts as lag. */
  readonly thresholdMs: number;
}

/**
 * Event-loop lag: a timer due every `intervalMs` that fires late means everything else on the
 * loop is late too, heartbeat echoes and pings included; a broker that misses its echoes drops
 * the connection. Emits the lateness when it first exceeds `thresholdMs` (and again when it grows
 * by more than the threshold), and `undefined` once a tick is on time again.
 *
 *   loop blocked:        ████████
 *   ticks       ─t─t─t─t─────────t─t─t─
 *   lag$        ─────────────────1600──undefined─
 */
export function eventLoopLag(scheduler: SchedulerLike, options: LagMonitorOptions): Observable<number | undefined> {
  const intervalMs = options.intervalMs ?? 500;
  return new Observable<number | undefined>((subscriber) => {
    let expected = scheduler.now() + intervalMs;
    let reported: number | undefined;
    return scheduler.schedule(function tick(this: SchedulerAction<unknown>) {
      const now = scheduler.now();
      const late = Math.max(0, now - expected);
      expected = now + intervalMs;
      if (late > options.thresholdMs) {
        if (reported === undefined || late > reported + options.thresholdMs) {
          reported = late;
          subscriber.next(late);
        }
      } else if (reported !== undefined) {
        reported = undefined;
        subscriber.next(undefined);
      }
      this.schedule(undefined, intervalMs);
    }, intervalMs);
  });
}
