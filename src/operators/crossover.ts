import { asapScheduler, Observable, SchedulerLike, Subscription } from 'rxjs';

/** 'up': fast crossed above slow; 'down': fast crossed below slow. */
export type Cross = 'up' | 'down';

export interface CrossoverOptions {
  /**
   * Where a comparison waits for the other input when only one has moved. Default
   * `asapScheduler`: the end of the current instant (a microtask in real time; the same frame
   * in `TestScheduler.run`). Pass `queueScheduler` to compare at once on every update.
   */
  readonly scheduler?: SchedulerLike;
}

/**
 * Emits 'up' when `fast$` moves from below `slow$` to above it, and 'down' for the reverse,
 * comparing the latest value of each.
 *
 * ```
 * crossover(fast$, slow$)
 * fast:   -1---3---3---1---|
 * slow:   -2-------2-4-----|
 * result: -----u-----d-----|   u = 'up', d = 'down'
 * ```
 * - Touching is not crossing: equal values keep the previous side, so 1 → 2 → 3 against a flat
 *   2 is one 'up' (when it reaches 3), and 1 → 2 → 1 is nothing.
 * - The first comparison only sets the side; there is no crossing before there are two sides.
 * - Glitch-free: when `fast$` and `slow$` derive from one source (two EMAs of one price, a price
 *   and its VWAP) they move in the same instant, one after the other. A comparison is made when
 *   both have moved, or when one moves again while the other stood still, or at the end of the
 *   instant; so the stale pair (new fast, old slow) never signals a crossing that did not
 *   happen, and a burst of trades decoded from one frame is still compared trade by trade.
 * - Completes when both inputs complete (or when one completes without ever emitting);
 *   errors as soon as either errors. A NaN input errors the stream.
 *
 * Numerics: compares the input doubles exactly; no arithmetic.
 */
export function crossover(fast$: Observable<number>, slow$: Observable<number>, options: CrossoverOptions = {}): Observable<Cross> {
  const scheduler = options.scheduler ?? asapScheduler;
  return new Observable<Cross>((subscriber) => {
    const value: { fast?: number; slow?: number } = {};
    /** Moved since the last comparison. */
    const fresh = { fast: false, slow: false };
    let side: -1 | 0 | 1 = 0;
    /** A comparison is scheduled for the end of this instant. */
    let due = false;
    let pending: Subscription | undefined;
    let open = 2;

    const compare = () => {
      fresh.fast = fresh.slow = false;
      const { fast, slow } = value;
      if (fast === undefined || slow === undefined || fast === slow) return;
      const now = fast > slow ? 1 : -1;
      if (side !== 0 && now !== side) subscriber.next(now > 0 ? 'up' : 'down');
      side = now;
    };

    const input = (name: 'fast' | 'slow') => ({
      next: (x: number) => {
        if (subscriber.closed) return;
        if (Number.isNaN(x)) return subscriber.error(new RangeError(`crossover: ${name}$ emitted NaN`));
        // Moving again while the other stood still: the pair before this move was a real state.
        if (fresh[name]) compare();
        value[name] = x;
        fresh[name] = true;
        if (fresh.fast && fresh.slow) compare();
        else if (!due) {
          due = true;
          pending = scheduler.schedule(() => {
            due = false;
            compare();
          });
        }
      },
      error: (e: unknown) => subscriber.error(e),
      complete: () => {
        if (--open === 0 || value[name] === undefined) {
          pending?.unsubscribe();
          compare();
          subscriber.complete();
        }
      },
    });
    const subs = new Subscription();
    subs.add(fast$.subscribe(input('fast')));
    subs.add(slow$.subscribe(input('slow')));
    return () => {
      subs.unsubscribe();
      pending?.unsubscribe();
    };
  });
}
