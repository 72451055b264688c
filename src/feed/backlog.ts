/**
 * What a consumer that lags has not taken yet, kept the way each kind of event allows:
 *
 * - books and quotes **conflate**: one slot per (kind, symbol, venue); a newer one replaces the
 *   one waiting, in its place in line (a book or quote is a full state: only the latest matters);
 * - everything else (trades, orders, fills, positions, balances) is kept **losslessly**, in order,
 *   up to `maxQueued`; one more is an overflow (the caller ends the stream with `overflowError`)
 *   rather than growing without bound or dropping in silence.
 *
 * ```
 * bound 2        in: T1 B1 B2 T2 Q1 B3 T3
 * waiting after each: T1 | T1 B1 | T1 B2 | T1 B2 T2 | ... Q1 | T1 B3 T2 Q1 | overflow (3 > 2)
 * ```
 */
import { FeedError } from '../core/errors';

/** The conflation slot of an event, or undefined when every one of its kind must be kept. */
export type ConflateKey<T> = (value: T) => string | undefined;

/** Books and quotes conflate per kind, symbol and venue; other kinds are lossless. */
export function latestPerSymbol(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const e = value as { kind?: unknown; symbol?: unknown; exchange?: unknown };
  if (e.kind !== 'book' && e.kind !== 'quote') return undefined;
  return `${e.kind}\u0000${String(e.symbol)}\u0000${e.exchange === undefined ? '' : String(e.exchange)}`;
}

interface Slot<T> {
  value: T;
  readonly key: string | undefined;
}

export class Backlog<T> {
  private queue: Slot<T>[] = [];
  private head = 0;
  private readonly slots = new Map<string, Slot<T>>();
  /** Lossless events waiting. */
  private lossless = 0;
  /** Events replaced by a newer one of the same slot (for tests and the memory bench). */
  conflated = 0;

  constructor(
    readonly maxQueued: number,
    private readonly keyOf: ConflateKey<T> = latestPerSymbol,
  ) {}

  get size(): number {
    return this.queue.length - this.head;
  }

  /** Keeps `value`; false when it would take the lossless part beyond its bound (nothing kept). */
  push(value: T): boolean {
    const key = this.keyOf(value);
    if (key !== undefined) {
      const slot = this.slots.get(key);
      if (slot !== undefined) {
        slot.value = value;
        this.conflated += 1;
        return true;
      }
      const fresh = { value, key };
      this.slots.set(key, fresh);
      this.queue.push(fresh);
      return true;
    }
    if (this.lossless >= this.maxQueued) return false;
    this.lossless += 1;
    this.queue.push({ value, key });
    return true;
  }

  /** The oldest waiting event (its latest value for a conflated slot); undefined when none. */
  shift(): T | undefined {
    if (this.head >= this.queue.length) return undefined;
    const slot = this.queue[this.head];
    this.head += 1;
    if (slot.key !== undefined) this.slots.delete(slot.key);
    else this.lossless -= 1;
    if (this.head === this.queue.length) this.clear();
    else if (this.head >= 1_024 && this.head * 2 >= this.queue.length) {
      // Drop the taken part now and then, so a backlog that never empties does not keep it.
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    return slot.value;
  }

  clear(): void {
    this.queue = [];
    this.head = 0;
    this.slots.clear();
    this.lossless = 0;
  }
}

/** The error a stream ends with when its consumer fell `maxQueued` lossless events behind. */
export function overflowError(broker: string | undefined, value: unknown, maxQueued: number, option: string): FeedError {
  const e = (typeof value === 'object' && value !== null ? value : {}) as { kind?: unknown; symbol?: unknown; broker?: unknown };
  const who = typeof e.broker === 'string' ? e.broker : (broker ?? 'feed');
  const what = typeof e.kind === 'string' ? `${e.kind} events` : 'events';
  const of = typeof e.symbol === 'string' ? ` (${e.symbol})` : '';
  return new FeedError({
    kind: 'overflow',
    broker: who,
    code: 'SLOW_CONSUMER',
    message:
      `${who}: the consumer fell ${maxQueued} ${what}${of} behind; the stream ends rather than grow ` +
      `or drop them (bound: ${option}; consume faster, or pipe through a conflating operator)`,
  });
}
