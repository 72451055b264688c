import { asyncScheduler, Observable, SchedulerLike } from 'rxjs';

export interface FromEventsOptions {
  /** The timestamp that maps to the moment of subscription. Default: the first event's. */
  readonly origin?: number;
  /** Playback speed: 10 plays ten times faster. Default 1. */
  readonly speed?: number;
}

/**
 * Plays timestamped events on a scheduler: each event is emitted `(timestamp − origin) / speed`
 * ms after subscription, then the stream completes after the last one. On a TestScheduler this
 * puts a recorded session into virtual time (frame = ms), so a strategy can be marble-tested on
 * yesterday's data; on `asyncScheduler` it replays in real time.
 *
 * ```
 * fromEvents([a@1000, b@1003, c@1003, d@1010], scheduler)
 * result: a--(bc)---(d|)      (b and c share a timestamp: emitted together)
 * ```
 * Events are emitted in the given order: one whose timestamp is older than its predecessor's
 * (out of order in the recording) is emitted right after it, not before.
 */
export function fromEvents<T extends { readonly timestamp: number }>(
  events: readonly T[],
  scheduler: SchedulerLike = asyncScheduler,
  options: FromEventsOptions = {},
): Observable<T> {
  const speed = options.speed ?? 1;
  if (!Number.isFinite(speed) || speed <= 0) throw new RangeError(`fromEvents: speed must be a positive number, got ${speed}`);
  for (const [i, e] of events.entries()) {
    if (!Number.isFinite(e.timestamp)) throw new RangeError(`fromEvents: event ${i} has no finite timestamp (${e.timestamp})`);
  }
  return new Observable<T>((subscriber) => {
    if (events.length === 0) {
      subscriber.complete();
      return;
    }
    const origin = options.origin ?? events[0].timestamp;
    const start = scheduler.now();
    const dueOf = (i: number) => start + Math.max(0, (events[i].timestamp - origin) / speed);
    let i = 0;
    let due = dueOf(0);
    return scheduler.schedule(function () {
      // Emit everything due by now, keeping the recorded order.
      while (i < events.length && !subscriber.closed) {
        due = Math.max(due, dueOf(i));
        if (due > scheduler.now()) break;
        subscriber.next(events[i++]);
      }
      if (i === events.length) subscriber.complete();
      else if (!subscriber.closed) this.schedule(undefined, due - scheduler.now());
    }, due - start);
  });
}
