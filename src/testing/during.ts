import { Observable, SchedulerLike, Subscription } from 'rxjs';

/**
 * Subscribes to `source` at scheduler time `from` and unsubscribes at `to`, collecting what it
 * emits into `values` and any error into `errors`: for specs about who listens when (ref counts,
 * lingers, re-registration) in virtual time.
 *
 *   during(scheduler, feed.trades$('005930'), 10, 50)   // a subscriber from 10 ms to 50 ms
 */
export function during<T>(
  scheduler: SchedulerLike,
  source: Observable<T>,
  from: number,
  to: number,
  values: T[] = [],
  errors: unknown[] = [],
): T[] {
  let subscription: Subscription | undefined;
  scheduler.schedule(() => {
    subscription = source.subscribe({ next: (v) => values.push(v), error: (e: unknown) => errors.push(e) });
  }, from);
  scheduler.schedule(() => subscription?.unsubscribe(), to);
  return values;
}
