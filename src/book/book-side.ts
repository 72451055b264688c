import { PriceLevel } from '../model/market';

/** A level as the venue wrote it, for users who need exact decimals. */
export type RawLevel = readonly [price: string, size: string];

/** Below this many moved numbers a plain loop beats TypedArray.copyWithin's call overhead. */
const LOOP_SHIFT_MAX = 64;

/**
 * One side of a book in one sorted Float64Array of (key, size) pairs, searched by bisection.
 *
 * The best level sits at the END of the arrays (keys ascend towards it: −price for asks, price
 * for bids), because most book traffic is near the top: changing a level costs O(log n), and
 * adding or removing one moves only the levels better than it — few, for the levels that change
 * most. The wire strings are kept in a Map by price, so they never move. Zero sizes remove.
 */
export class BookSide {
  /** [key0, size0, key1, size1, ...]: one array, so a shift is one move. */
  private data: Float64Array;
  private readonly raws = new Map<number, RawLevel>();
  private count = 0;

  constructor(
    readonly side: 'bid' | 'ask',
    capacity = 64,
  ) {
    this.data = new Float64Array(capacity * 2);
  }

  get length(): number {
    return this.count;
  }

  /** Sets a level's size; 0 (or less) removes it. `raw` keeps the wire strings. */
  set(price: number, size: number, raw?: RawLevel): void {
    const key = this.side === 'bid' ? price : -price;
    const i = this.search(key);
    const found = i < this.count && this.data[2 * i] === key;
    if (size <= 0) {
      if (found) {
        this.removeAt(i);
        this.raws.delete(price);
      }
      return;
    }
    if (found) this.data[2 * i + 1] = size;
    else this.insertAt(i, key, size);
    if (raw !== undefined) this.raws.set(price, raw);
    else if (!found) this.raws.delete(price);
  }

  /** Size at a price, 0 if there is no level. */
  sizeAt(price: number): number {
    const key = this.side === 'bid' ? price : -price;
    const i = this.search(key);
    return i < this.count && this.data[2 * i] === key ? this.data[2 * i + 1] : 0;
  }

  /** Best price, or undefined when empty. */
  bestPrice(): number | undefined {
    if (this.count === 0) return undefined;
    const key = this.data[2 * (this.count - 1)];
    return this.side === 'bid' ? key : -key;
  }

  /** Keeps only the best `n` levels. */
  truncate(n: number): void {
    const drop = this.count - n;
    if (drop <= 0) return;
    for (let i = 0; i < drop; i++) this.raws.delete(this.priceAt(i));
    this.data.copyWithin(0, 2 * drop, 2 * this.count);
    this.count = n;
  }

  clear(): void {
    this.count = 0;
    this.raws.clear();
  }

  /** The best `n` levels (all by default), best first, as fresh model objects. */
  levels(n = this.count): PriceLevel[] {
    const m = Math.min(n, this.count);
    const out = new Array<PriceLevel>(m);
    for (let j = 0; j < m; j++) {
      const i = this.count - 1 - j;
      out[j] = { price: this.priceAt(i), size: this.data[2 * i + 1] };
    }
    return out;
  }

  /** The best `n` levels as the venue wrote them (numbers rendered where no strings were kept). */
  rawLevels(n = this.count): RawLevel[] {
    const m = Math.min(n, this.count);
    const out = new Array<RawLevel>(m);
    for (let j = 0; j < m; j++) {
      const i = this.count - 1 - j;
      const price = this.priceAt(i);
      out[j] = this.raws.get(price) ?? [String(price), String(this.data[2 * i + 1])];
    }
    return out;
  }

  private priceAt(i: number): number {
    return this.side === 'bid' ? this.data[2 * i] : -this.data[2 * i];
  }

  /** First index whose key is >= `key`. */
  private search(key: number): number {
    const data = this.data;
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (data[2 * mid] < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private insertAt(i: number, key: number, size: number): void {
    if (2 * this.count === this.data.length) this.grow();
    const data = this.data;
    const from = 2 * i;
    const to = 2 * this.count;
    if (to - from <= LOOP_SHIFT_MAX) {
      for (let j = to + 1; j > from + 1; j--) data[j] = data[j - 2];
    } else {
      data.copyWithin(from + 2, from, to);
    }
    data[from] = key;
    data[from + 1] = size;
    this.count += 1;
  }

  private removeAt(i: number): void {
    const data = this.data;
    const from = 2 * i;
    const to = 2 * (this.count - 1);
    if (to - from <= LOOP_SHIFT_MAX) {
      for (let j = from; j < to; j++) data[j] = data[j + 2];
    } else {
      data.copyWithin(from, from + 2, to + 2);
    }
    this.count -= 1;
  }

  private grow(): void {
    const data = new Float64Array(this.data.length * 2);
    data.set(this.data);
    this.data = data;
  }
}
