import { PriceLevel } from '../../../model/market';

/** A book as the loopback server holds it: full depth, exact by price, with its update id. */
export interface BookView {
  readonly lastUpdateId: number;
  readonly bids: readonly PriceLevel[];
  readonly asks: readonly PriceLevel[];
}

/** [price, size] pairs as the wire carries them ("0" size removes). */
export type WirePair = [string, string];

/** Changes to send one depth view's subscribers. */
export interface ViewDiff {
  readonly bids: WirePair[];
  readonly asks: WirePair[];
}

const HISTORY = 512;

/**
 * The loopback server's book for one symbol. Simple on purpose (Maps, sorted on demand): it is
 * the reference the client's fast book is checked against. Keeps the recent top-N views by
 * update id, so tests can check every book a client showed against what the server had then.
 */
export class ServerBook {
  readonly bids = new Map<number, number>();
  readonly asks = new Map<number, number>();
  lastUpdateId = 0;
  private readonly history = new Map<number, Map<number, BookView>>();

  /** Top `depth` levels a side, best first. */
  view(depth: number): BookView {
    return { lastUpdateId: this.lastUpdateId, bids: top(this.bids, depth, -1), asks: top(this.asks, depth, 1) };
  }

  /** The top-`depth` view right after update `id`, if still remembered. */
  viewAt(depth: number, id: number): BookView | undefined {
    if (id === this.lastUpdateId) return this.view(depth);
    return this.history.get(depth)?.get(id);
  }

  /**
   * Applies level changes (size 0 removes) and takes `ids` update ids (at least one), plus
   * `skip` ids that are never sent (an injected gap). Returns each depth's view diff and the id range.
   */
  change(
    bids: readonly PriceLevel[],
    asks: readonly PriceLevel[],
    depths: readonly number[],
    skip = 0,
  ): { readonly first: number; readonly last: number; readonly diffs: Map<number, ViewDiff> } {
    const before = new Map(depths.map((d) => [d, this.view(d)]));
    for (const { price, size } of bids) set(this.bids, price, size);
    for (const { price, size } of asks) set(this.asks, price, size);
    const first = this.lastUpdateId + 1 + skip;
    const last = first + Math.max(1, bids.length + asks.length) - 1;
    this.lastUpdateId = last;
    const diffs = new Map<number, ViewDiff>();
    for (const d of depths) {
      const after = this.view(d);
      diffs.set(d, { bids: diff(before.get(d)!.bids, after.bids), asks: diff(before.get(d)!.asks, after.asks) });
      this.remember(d, after);
    }
    return { first, last, diffs };
  }

  /** The changes that turn this book into `bids`/`asks` exactly. */
  changesTo(bids: readonly PriceLevel[], asks: readonly PriceLevel[]): { bids: PriceLevel[]; asks: PriceLevel[] } {
    return { bids: changes(this.bids, bids), asks: changes(this.asks, asks) };
  }

  private remember(depth: number, view: BookView): void {
    let byId = this.history.get(depth);
    if (!byId) this.history.set(depth, (byId = new Map()));
    byId.set(view.lastUpdateId, view);
    if (byId.size > HISTORY) byId.delete(byId.keys().next().value as number);
  }
}

function set(side: Map<number, number>, price: number, size: number): void {
  if (size > 0) side.set(price, size);
  else side.delete(price);
}

function top(side: Map<number, number>, depth: number, order: 1 | -1): PriceLevel[] {
  return [...side.entries()]
    .sort((a, b) => order * (a[0] - b[0]))
    .slice(0, depth)
    .map(([price, size]) => ({ price, size }));
}

function diff(before: readonly PriceLevel[], after: readonly PriceLevel[]): WirePair[] {
  const out: WirePair[] = [];
  const next = new Map(after.map((l) => [l.price, l.size]));
  for (const l of before) if (!next.has(l.price)) out.push([String(l.price), '0']);
  const prev = new Map(before.map((l) => [l.price, l.size]));
  for (const l of after) if (prev.get(l.price) !== l.size) out.push([String(l.price), String(l.size)]);
  return out;
}

function changes(current: Map<number, number>, target: readonly PriceLevel[]): PriceLevel[] {
  const wanted = new Map(target.filter((l) => l.size > 0).map((l) => [l.price, l.size]));
  const out: PriceLevel[] = [];
  for (const price of current.keys()) if (!wanted.has(price)) out.push({ price, size: 0 });
  for (const [price, size] of wanted) if (current.get(price) !== size) out.push({ price, size });
  return out;
}
