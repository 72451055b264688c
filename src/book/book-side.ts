import { PriceLevel } from '../model/market';

/** A level as the venue wrote it, for users who need exact decimals. */
export type RawLevel = readonly [price: string, size: string];

/** Below this many moved numbers a plain loop beats TypedArray.copyWithin's call overhead. */
const LOOP_SHIFT_MAX = 64;

/**
 * One side of a book in one sorted Float64Array of (key, size, slot) triples, searched by
 * bisection.
 *
 * The best level sits at the END of the array (keys ascend towards it: −price for asks, price
 * for bids), because most book traffic is near the top: changing a level costs O(log n), and
 * adding or removing one moves only the levels better than it — few, for the levels that change
 * most. The wire strings of a level sit in `raws[slot]`, a slot it keeps while it lives, so a
 * shift moves numbers only (a Map keyed by price would hash a double and allocate an entry per
 * new level). Zero sizes remove. Capacity grows by doubling and never shrinks, so a book held at
 * a steady depth allocates nothing per change.
 */
export class BookSide {
  /** [key0, size0, slot0, key1, size1, slot1, ...]: one array, so a shift is one move. */
  private data: Float64Array;
  /** The wire strings of the level holding a slot (undefined where none were given). */
  private raws: (RawLevel | undefined)[];
  /** Free slots, a stack: free[0 .. freeCount). */
  private free: Int32Array;
  private freeCount = 0;
  private count = 0;
  /** +1 for bids, −1 for asks: key = price × sign. */
  private readonly sign: number;

  constructor(
    readonly side: 'bid' | 'ask',
    capacity = 64,
  ) {
    this.sign = side === 'bid' ? 1 : -1;
    this.data = new Float64Array(capacity * 3);
    this.raws = new Array<RawLevel | undefined>(capacity).fill(undefined);
    this.free = new Int32Array(capacity);
    this.resetSlots();
  }

  get length(): number {
    return this.count;
  }

  /** Sets a level's size; 0 (or less) removes it. `raw` keeps the wire strings. */
  set(price: number, size: number, raw?: RawLevel): void {
    // The search is written out here: a computed double passed to another (not inlined) function
    // would be boxed, an allocation per change.
    const key = price * this.sign;
    const data = this.data;
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (data[3 * mid] < key) lo = mid + 1;
      else hi = mid;
    }
    const i = lo;
    const found = i < this.count && data[3 * i] === key;
    if (size <= 0) {
      if (found) this.removeAt(i);
      return;
    }
    if (found) {
      data[3 * i + 1] = size;
      // A change without wire strings keeps the ones it had (as a Map by price would).
      if (raw !== undefined) this.raws[data[3 * i + 2]] = raw;
    } else {
      this.insertAt(i, price, size, raw);
    }
  }

  /** Size at a price, 0 if there is no level. */
  sizeAt(price: number): number {
    const key = price * this.sign;
    const i = this.search(key);
    return i < this.count && this.data[3 * i] === key ? this.data[3 * i + 1] : 0;
  }

  /** Best price, or undefined when empty. */
  bestPrice(): number | undefined {
    if (this.count === 0) return undefined;
    return this.priceAt(this.count - 1);
  }

  /** Whether this side's best price reaches the other side's (a bid side against asks: a crossed book). */
  crosses(other: BookSide): boolean {
    if (this.count === 0 || other.count === 0) return false;
    const mine = this.data[3 * (this.count - 1)] * this.sign;
    const theirs = other.data[3 * (other.count - 1)] * other.sign;
    return this.sign > 0 ? mine >= theirs : mine <= theirs;
  }

  /** Keeps only the best `n` levels. */
  truncate(n: number): void {
    const drop = this.count - n;
    if (drop <= 0) return;
    const data = this.data;
    for (let i = 0; i < drop; i++) this.release(data[3 * i + 2]);
    if (3 * n <= LOOP_SHIFT_MAX) {
      // copyWithin allocates a little on each call; a short loop does not.
      for (let j = 0; j < 3 * n; j++) data[j] = data[j + 3 * drop];
    } else {
      data.copyWithin(0, 3 * drop, 3 * this.count);
    }
    this.count = n;
  }

  clear(): void {
    this.count = 0;
    this.resetSlots();
  }

  /** The best `n` levels (all by default), best first, as fresh model objects. */
  levels(n = this.count): PriceLevel[] {
    const m = Math.min(n, this.count);
    const out = new Array<PriceLevel>(m);
    for (let j = 0; j < m; j++) {
      const i = this.count - 1 - j;
      out[j] = { price: this.priceAt(i), size: this.data[3 * i + 1] };
    }
    return out;
  }

  /** The best `n` levels as the venue wrote them (numbers rendered where no strings were kept). */
  rawLevels(n = this.count): RawLevel[] {
    const m = Math.min(n, this.count);
    const out = new Array<RawLevel>(m);
    for (let j = 0; j < m; j++) {
      const i = this.count - 1 - j;
      out[j] = this.raws[this.data[3 * i + 2]] ?? [String(this.priceAt(i)), String(this.data[3 * i + 1])];
    }
    return out;
  }

  private priceAt(i: number): number {
    // `+ 0` turns the −0 of a zero ask price back into 0.
    return this.data[3 * i] * this.sign + 0;
  }

  /** First index whose key is >= `key`. */
  private search(key: number): number {
    const data = this.data;
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (data[3 * mid] < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Inserts at i (takes the price, not the key: a double received as a parameter is already boxed). */
  private insertAt(i: number, price: number, size: number, raw: RawLevel | undefined): void {
    if (this.count === this.raws.length) this.grow();
    const data = this.data;
    const from = 3 * i;
    const to = 3 * this.count;
    if (to - from <= LOOP_SHIFT_MAX) {
      for (let j = to + 2; j > from + 2; j--) data[j] = data[j - 3];
    } else {
      data.copyWithin(from + 3, from, to);
    }
    const slot = this.free[--this.freeCount];
    data[from] = price * this.sign;
    data[from + 1] = size;
    data[from + 2] = slot;
    this.raws[slot] = raw;
    this.count += 1;
  }

  private removeAt(i: number): void {
    const data = this.data;
    const from = 3 * i;
    const to = 3 * (this.count - 1);
    this.release(data[from + 2]);
    if (to - from <= LOOP_SHIFT_MAX) {
      for (let j = from; j < to; j++) data[j] = data[j + 3];
    } else {
      data.copyWithin(from, from + 3, to + 3);
    }
    this.count -= 1;
  }

  private release(slot: number): void {
    this.raws[slot] = undefined;
    this.free[this.freeCount++] = slot;
  }

  /** Every slot free (the book is empty). */
  private resetSlots(): void {
    const capacity = this.raws.length;
    this.raws.fill(undefined);
    for (let k = 0; k < capacity; k++) this.free[k] = capacity - 1 - k;
    this.freeCount = capacity;
  }

  private grow(): void {
    const old = this.raws.length;
    const capacity = old * 2;
    const data = new Float64Array(capacity * 3);
    data.set(this.data);
    this.data = data;
    const raws = new Array<RawLevel | undefined>(capacity).fill(undefined);
    for (let k = 0; k < old; k++) raws[k] = this.raws[k];
    this.raws = raws;
    // Every old slot is taken (the side is full): the free stack holds the new ones only.
    const free = new Int32Array(capacity);
    for (let k = 0; k < capacity - old; k++) free[k] = capacity - 1 - k;
    this.free = free;
    this.freeCount = capacity - old;
  }
}
