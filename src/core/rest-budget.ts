/**
 * One REST budget per credential: a token bucket every REST call of an app key goes through
 * (token issuance included), so quote polls, catch-up queries and backfills of every feed that
 * shares the key stay within the broker's limit together.
 *
 * A call asks for `weight` units (1 for brokers that count calls; the endpoint's weight on
 * WEEX). Units refill continuously at `limit / windowMs`; at most `burst` are held (default 1:
 * pure spacing, `windowMs / limit` between calls). Callers wait in a queue, highest `priority`
 * first, in arrival order within a priority. A quota answer from the broker (`backoff()`)
 * holds the whole bucket: nobody is granted anything until the hold is over, and each further
 * quota answer in a row doubles the hold; a granted call that succeeds (`ok()`) ends the streak.
 *
 *   limit 2 / 1000 ms, burst 1; three callers a, b, c subscribe at 0:
 *   a: (g|)                      granted at once
 *   b: 500ms (g|)                one spacing later
 *   c: 1000ms (g|)               two spacings later
 *
 * `take()` is lazy and cancellable: nothing is queued until it is subscribed, and unsubscribing
 * leaves the queue.
 */
import { Observable, SchedulerLike, Subscription, asyncScheduler } from 'rxjs';

export interface RestBudgetOptions {
  /** Units per window: calls, or weight where the broker weighs its endpoints. */
  readonly limit: number;
  /** The window `limit` applies to. Default 1 000 ms. */
  readonly windowMs?: number;
  /** Units that may be spent at once after a quiet spell. Default 1 (even spacing). */
  readonly burst?: number;
  /** First hold after a quota answer. Default 1 000 ms. */
  readonly backoffMs?: number;
  /** Longest hold. Default 60 000 ms. */
  readonly maxBackoffMs?: number;
  /** Grant times remembered for `grants` (newest kept). Default 1 000. */
  readonly record?: number;
  readonly scheduler?: SchedulerLike;
}

/** One recorded grant: when, how much, for what. */
export interface BudgetGrant {
  readonly at: number;
  readonly weight: number;
  readonly label?: string;
}

export interface TakeOptions {
  /** Units this call costs. Default 1. */
  readonly weight?: number;
  /** Higher goes first. Default 0. */
  readonly priority?: number;
  /** What the call is, for the record (`ka10075`, `GET /capi/v3/userTrades`). */
  readonly label?: string;
}

export interface RestBudget {
  /** Emits the grant time once the call may go, then completes. */
  take(options?: TakeOptions): Observable<number>;
  /**
   * The broker said "too many": hold every grant for `retryAfterMs` (when the broker said) or
   * the current backoff, which doubles with each quota answer in a row. Returns the hold.
   */
  backoff(retryAfterMs?: number): number;
  /** A granted call succeeded: the backoff streak ends. */
  ok(): void;
  /** Calls waiting now. */
  readonly waiting: number;
  /** Recent grants, oldest first. */
  readonly grants: readonly BudgetGrant[];
  /** Epoch ms (scheduler clock) before which nothing is granted; 0 when not held. */
  readonly heldUntil: number;
  readonly options: Readonly<Required<Omit<RestBudgetOptions, 'scheduler'>>>;
}

interface Waiter {
  readonly weight: number;
  readonly priority: number;
  readonly seq: number;
  readonly label?: string;
  readonly grant: (at: number) => void;
}

export function createRestBudget(options: RestBudgetOptions): RestBudget {
  const scheduler = options.scheduler ?? asyncScheduler;
  const o = {
    limit: options.limit,
    windowMs: options.windowMs ?? 1_000,
    burst: Math.max(1, options.burst ?? 1),
    backoffMs: options.backoffMs ?? 1_000,
    maxBackoffMs: options.maxBackoffMs ?? 60_000,
    record: options.record ?? 1_000,
  };
  if (!(o.limit > 0) || !(o.windowMs > 0))
    throw new RangeError(`REST budget: limit and windowMs must be positive (got ${o.limit} / ${o.windowMs})`);
  const msPerUnit = o.windowMs / o.limit;

  let tokens = o.burst;
  let refilledAt = scheduler.now();
  let heldUntil = 0;
  let strikes = 0;
  let seq = 0;
  const queue: Waiter[] = [];
  const grants: BudgetGrant[] = [];
  let wake: Subscription | undefined;

  const refill = (now: number): void => {
    tokens = Math.min(o.burst, tokens + (now - refilledAt) / msPerUnit);
    refilledAt = now;
  };

  /** Grants what can be granted now; schedules itself for the next one. */
  const pump = (): void => {
    wake?.unsubscribe();
    wake = undefined;
    const now = scheduler.now();
    refill(now);
    while (queue.length > 0) {
      if (now < heldUntil) return schedule(heldUntil - now);
      const head = queue[0];
      // A call heavier than the bucket goes when the bucket is full.
      const cost = Math.min(head.weight, o.burst);
      // A hair of tolerance: continuous refill in floating point must not miss a due grant.
      if (tokens + 1e-9 < cost) return schedule(Math.ceil((cost - tokens) * msPerUnit));
      tokens = Math.max(0, tokens - cost);
      queue.shift();
      grants.push({ at: now, weight: head.weight, ...(head.label ? { label: head.label } : {}) });
      if (grants.length > o.record) grants.shift();
      head.grant(now);
    }
  };

  const schedule = (delay: number): void => {
    wake = scheduler.schedule(pump, Math.max(1, delay));
  };

  const enqueue = (w: Waiter): void => {
    // Sorted by priority (descending), then arrival.
    let i = queue.length;
    while (i > 0 && queue[i - 1].priority < w.priority) i--;
    queue.splice(i, 0, w);
  };

  return {
    take: (t: TakeOptions = {}) =>
      new Observable<number>((subscriber) => {
        const waiter: Waiter = {
          weight: Math.max(0, t.weight ?? 1),
          priority: t.priority ?? 0,
          seq: seq++,
          label: t.label,
          grant: (at) => {
            subscriber.next(at);
            subscriber.complete();
          },
        };
        enqueue(waiter);
        pump();
        return () => {
          const i = queue.indexOf(waiter);
          if (i >= 0) {
            queue.splice(i, 1);
            if (i === 0) pump();
          }
        };
      }),
    backoff: (retryAfterMs?: number) => {
      const hold = retryAfterMs !== undefined && retryAfterMs > 0 ? retryAfterMs : Math.min(o.maxBackoffMs, o.backoffMs * 2 ** strikes);
      strikes += 1;
      const now = scheduler.now();
      heldUntil = Math.max(heldUntil, now + hold);
      tokens = 0;
      refilledAt = now;
      pump();
      return hold;
    },
    ok: () => {
      strikes = 0;
    },
    get waiting() {
      return queue.length;
    },
    get grants() {
      return grants;
    },
    get heldUntil() {
      return heldUntil;
    },
    options: o,
  };
}

/**
 * Budgets by credential, so every feed and client of one app key shares one. The first caller's
 * options win; later callers get the same budget. Budgets are kept per scheduler, so virtual-time
 * tests never share one with real time (or with each other).
 */
const registries = new WeakMap<object, Map<string, RestBudget>>();

export function budgetFor(id: string, options: RestBudgetOptions): RestBudget {
  const scheduler: object = options.scheduler ?? asyncScheduler;
  let budgets = registries.get(scheduler);
  if (!budgets) registries.set(scheduler, (budgets = new Map()));
  let b = budgets.get(id);
  if (!b) budgets.set(id, (b = createRestBudget(options)));
  return b;
}

/**
 * A fetch-like function whose every call first takes a grant from `budget` (token issuance
 * counts against the same budget as the REST calls of its key). Token calls go first (priority).
 */
export function budgeted<A extends unknown[], R>(
  call: (...args: A) => Promise<R>,
  budget: RestBudget,
  label: string,
  priority = 100,
): (...args: A) => Promise<R> {
  return (...args: A) =>
    new Promise<void>((resolve, reject) => {
      budget.take({ priority, label }).subscribe({ next: () => resolve(), error: reject });
    }).then(() => call(...args));
}
