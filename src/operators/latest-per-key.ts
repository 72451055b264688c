import { Observable, OperatorFunction } from 'rxjs';

export interface LatestPerKeyOptions<T, K> {
  /** The key a value is conflated under. Default: its `symbol`. */
  readonly key?: (value: T) => K;
  /**
   * What each notifier tick emits:
   * - 'changed' (default): the keys updated since the previous emission, newest value each;
   * - 'all': every key seen so far, newest value each (a full snapshot for a table redraw).
   * Either way a tick with no update since the previous emission emits nothing.
   */
  readonly emit?: 'changed' | 'all';
  /**
   * Whether `candidate` replaces `current`. Default: always (arrival order wins). Pass e.g.
   * `(a, b) => a.timestamp >= b.timestamp` so an out-of-order older event cannot overwrite a
   * newer one.
   */
  readonly isNewer?: (candidate: T, current: T) => boolean;
  /**
   * false (default): the notifier *samples*: a tick that finds nothing new is dropped.
   * true: the notifier signals *demand* (the consumer is ready for one batch): a signal that
   * finds nothing new is remembered, and the next value is handed over the moment it arrives.
   * Use it when the consumer pulls after finishing each batch, so it can never wait forever.
   */
  readonly demand?: boolean;
}

/**
 * Conflates a fast stream to the newest value per key (symbol) and hands it over when the
 * consumer asks: on each `notifier` emission it emits a Map of key → newest value.
 *
 * ```
 * latestPerKey(tick$)          a, b, d: symbol A; c: symbol B
 * source: -a-c-b-----d-|
 * tick$:  --------t-------t
 * result: --------x----(y|)    x = {A: b, B: c}; y = {A: d}, flushed on complete
 * ```
 * How the consumer pulls — the notifier decides:
 * - at a fixed rate: `interval(250)` (a dashboard refresh);
 * - on the browser's paint: `animationFrames()` (at most one update per frame);
 * - on demand, with backpressure: with `{ demand: true }`, a `BehaviorSubject` (ready at
 *   start) the consumer `next()`s when it has finished with the previous Map (e.g. after a slow
 *   write): it never queues more than one batch, and gets the next value without delay when
 *   it asks before anything is pending.
 *
 * The Map is new on each emission (safe to keep), ordered by each key's first update since the
 * previous emission. On completion, pending updates are flushed, then it completes; an error
 * from the source or the notifier passes through at once (pending updates are dropped).
 * The notifier completing stops sampling; pending updates then wait for the source to complete.
 *
 * Numerics: none; values pass through untouched.
 */
export function latestPerKey<T extends { readonly symbol: string }>(
  notifier: Observable<unknown>,
  options?: Omit<LatestPerKeyOptions<T, string>, 'key'>,
): OperatorFunction<T, ReadonlyMap<string, T>>;
export function latestPerKey<T, K>(
  notifier: Observable<unknown>,
  options: LatestPerKeyOptions<T, K> & { readonly key: (value: T) => K },
): OperatorFunction<T, ReadonlyMap<K, T>>;
export function latestPerKey<T, K>(
  notifier: Observable<unknown>,
  options: LatestPerKeyOptions<T, K> = {},
): OperatorFunction<T, ReadonlyMap<K, T>> {
  const keyOf = options.key ?? ((v: T) => (v as unknown as { symbol: K }).symbol);
  const all = options.emit === 'all';
  const isNewer = options.isNewer;
  const demand = options.demand === true;
  return (source) =>
    new Observable<ReadonlyMap<K, T>>((subscriber) => {
      const latest = new Map<K, T>();
      let changed = new Map<K, T>();
      let wanted = false;

      const flush = () => {
        if (changed.size === 0) return false;
        const out = all ? new Map(latest) : changed;
        changed = new Map();
        subscriber.next(out);
        return true;
      };

      const ticks = notifier.subscribe({
        next: () => {
          if (!flush() && demand) wanted = true;
        },
        error: (e) => subscriber.error(e),
      });
      const values = source.subscribe({
        next: (v) => {
          const k = keyOf(v);
          const current = latest.get(k);
          if (current !== undefined && isNewer && !isNewer(v, current)) return;
          latest.set(k, v);
          changed.set(k, v);
          if (wanted) {
            wanted = false;
            flush();
          }
        },
        error: (e) => subscriber.error(e),
        complete: () => {
          flush();
          subscriber.complete();
        },
      });
      return () => {
        ticks.unsubscribe();
        values.unsubscribe();
      };
    });
}
