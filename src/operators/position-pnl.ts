import { merge, Observable } from 'rxjs';
import { map } from 'rxjs/operators';
import { MarketEvent, OrderEvent, Position, Trade } from '../model';
import { absExact, add, compare, div, exact, Exact, limitPlaces, min, mul, neg, sign, sub, toNumber, ZERO } from './exact';

/** The PnL of one symbol after a fill or a price change. */
export interface PnL {
  readonly symbol: string;
  /** Signed position: negative when short. */
  readonly qty: number;
  /** Average cost of the open position; 0 when flat. */
  readonly avgPrice: number;
  /** The price the position is marked at: the latest trade or fill seen for the symbol. */
  readonly lastPrice: number;
  /** PnL locked in by closing trades (average-cost method). */
  readonly realized: number;
  /** (lastPrice − avgPrice) × qty. */
  readonly unrealized: number;
  /** realized + unrealized, summed exactly. */
  readonly total: number;
  /**
   * Set after a gap of the account stream (`options.gaps$`) until the symbol is reconciled: fills
   * may have been lost in the gap (KIS notices carry no totals to infer them from), so qty and
   * PnL may be wrong. `since`: the start of the first unreconciled gap.
   */
  readonly uncertain?: { readonly since: number; readonly reason: string };
}

/** What marks positions uncertain: a gap of the account stream (a GapNotice fits). */
export interface AccountGap {
  readonly from: number;
  readonly reason: string;
}

/** A position held before the stream starts. */
export interface OpeningPosition {
  readonly symbol: string;
  /** Signed: negative for a short. */
  readonly qty: number;
  readonly avgPrice: number;
}

export interface PositionPnLOptions {
  readonly opening?: readonly OpeningPosition[];
  /**
   * Gaps of the account stream, e.g. `feed.gaps$.pipe(filter((g) => g.symbol === undefined))`
   * (account keys name no symbol). After one, every symbol's PnL carries `uncertain` until it is
   * reconciled: by a `position` event for it on `account$` (the broker's quantity and average
   * are taken), or by `reconciled$`.
   */
  readonly gaps$?: Observable<AccountGap>;
  /** Reconciled by the application (e.g. after checking a REST balance): one symbol, or all (undefined). */
  readonly reconciled$?: Observable<string | undefined>;
}

/** Places an average cost keeps when its exact fraction would need more (see positionPnL). */
const AVG_PLACES = 30;

interface Book {
  qty: Exact;
  /** Signed cost of the open position: avgPrice × qty. */
  cost: Exact;
  realized: Exact;
  last: Exact;
  uncertain?: { readonly since: number; readonly reason: string };
}

/** Applies a signed quantity `dq` at price `p` with the average-cost method. */
function applyFill(book: Book, dq: Exact, p: Exact): void {
  if (sign(book.qty) === 0 || sign(book.qty) === sign(dq)) {
    book.cost = add(book.cost, mul(p, dq));
    book.qty = add(book.qty, dq);
    return;
  }
  // Reducing (and maybe flipping): the closed part realizes against the average cost.
  const avg = limitPlaces(div(book.cost, book.qty), AVG_PLACES);
  const closing = min(absExact(dq), absExact(book.qty));
  const closed = sign(dq) > 0 ? closing : neg(closing); // signed like dq
  book.realized = add(book.realized, mul(sub(p, avg), neg(closed)));
  book.qty = add(book.qty, closed);
  book.cost = mul(avg, book.qty);
  const rest = sub(dq, closed);
  if (sign(rest) !== 0) {
    book.qty = rest;
    book.cost = mul(p, rest);
  }
}

function snapshot(symbol: string, b: Book): PnL {
  const unrealized = sub(mul(b.last, b.qty), b.cost);
  return {
    symbol,
    qty: toNumber(b.qty),
    avgPrice: sign(b.qty) === 0 ? 0 : toNumber(div(b.cost, b.qty)),
    lastPrice: toNumber(b.last),
    realized: toNumber(b.realized),
    unrealized: toNumber(unrealized),
    total: toNumber(add(b.realized, unrealized)),
    ...(b.uncertain ? { uncertain: b.uncertain } : {}),
  };
}

function finite(x: number | undefined): x is number {
  return x !== undefined && Number.isFinite(x);
}

/**
 * Realized and unrealized PnL per symbol, from the account's fills (`account$`: order events;
 * other account events such as positions are ignored) and the market's last price (`trades$`).
 * Emits the symbol's PnL after every fill, and after every trade that changes the last price of
 * a symbol with fills (or an opening position).
 *
 * ```
 * positionPnL(trades$, account$)      f = buy 10 @ 100 (fill), g = sell 4 @ 103 (fill)
 * account: -f------g----|             a = trade @ 102, b = trade @ 102, c = trade @ 101
 * trades:  ---a--b----c-|
 * result:  -p-q----r--s-|   p: qty 10 avg 100 unreal 0      q: unreal 20
 *                           r: qty 6  real 12  unreal 18     s: unreal 6 (b: same price, no emit)
 * ```
 * Average-cost method: buys into a long (or sells into a short) move the average; a reducing
 * fill realizes (fill − average) × closed quantity and leaves the average unchanged; a fill that
 * goes through zero closes the old position and opens the rest at the fill price. Gross of
 * fees and taxes: a round trip realizes exactly (sell − buy) × quantity, nothing hidden.
 *
 * Fills: an order event is a fill when it has a `fillPrice`. The quantity applied is the growth
 * of the order's cumulative `filledQty` (keyed by account + orderId), so partial fills add up,
 * a duplicate fill event (redelivered after a reconnect) applies nothing, and a stale older one
 * arriving after a newer one applies nothing (the newer one already carried its quantity, at
 * its own price). Where a broker leaves `filledQty` at 0, `fillQty` is applied as is.
 * Cancels, rejections, acceptances and modifications move nothing: the filled part of a
 * cancelled order stays in the position.
 *
 * Gaps (`options.gaps$`, the account stream's gap notices): fills lost in a gap cannot always be
 * inferred (KIS notices carry no totals), so from the gap on every symbol's PnL carries
 * `uncertain: { since, reason }` until reconciled, by the broker's `position` for the symbol on
 * `account$` (its quantity and average are taken) or by `reconciled$` (a symbol, or all):
 *
 * ```
 * account: -f------g---|     gaps$: ------x-----|     reconciled$: ---------r--|
 * result:  -p--q-u-vw-y|     u, v: uncertain (u at the gap itself); w: reconciled, y: after
 * ```
 *
 * Numerics: exact. Quantities, costs and PnL are exact fractions (see `exact.ts`), each output
 * rounded to the nearest double once; an average cost such as 302/3 is kept as that fraction,
 * so a round trip realizes (sell − buy) × qty to the last digit. One bound: when a partial close
 * would leave an average cost needing more than 30 decimal places (repeating fractions compounded
 * over many add/reduce cycles), it is rounded to 30 places (1e-30 of a price unit, far below
 * what a double shows), so a long session stays fast instead of growing ever longer fractions.
 */
export function positionPnL(
  trades$: Observable<Trade>,
  account$: Observable<MarketEvent>,
  options: PositionPnLOptions = {},
): Observable<PnL> {
  return new Observable<PnL>((subscriber) => {
    const books = new Map<string, Book>();
    const opening = new Map<string, OpeningPosition>();
    for (const o of options.opening ?? []) opening.set(o.symbol, o);
    const applied = new Map<string, Exact>();
    /** An account gap not reconciled yet: symbols seen for the first time after it are uncertain too. */
    let openGap: { readonly since: number; readonly reason: string } | undefined;

    const bookOf = (symbol: string, price: Exact): Book => {
      let b = books.get(symbol);
      if (!b) {
        const o = opening.get(symbol);
        const qty = exact(o?.qty ?? 0);
        b = { qty, cost: o ? mul(exact(o.avgPrice), qty) : ZERO, realized: ZERO, last: price, uncertain: openGap };
        books.set(symbol, b);
      }
      return b;
    };

    const onFill = (e: OrderEvent) => {
      if (!finite(e.fillPrice)) return;
      const id = `${e.account ?? ''}\u0000${e.orderId}`;
      let qty: Exact;
      if (e.filledQty > 0) {
        const before = applied.get(id) ?? ZERO;
        const cumulative = exact(e.filledQty);
        if (compare(cumulative, before) <= 0) return;
        applied.set(id, cumulative);
        qty = sub(cumulative, before);
      } else if (finite(e.fillQty) && e.fillQty > 0) {
        qty = exact(e.fillQty);
      } else return;
      const price = exact(e.fillPrice);
      const b = bookOf(e.symbol, price);
      applyFill(b, e.side === 'buy' ? qty : neg(qty), price);
      b.last = price;
      subscriber.next(snapshot(e.symbol, b));
    };

    const onTrade = (t: Trade) => {
      if (!Number.isFinite(t.price)) return;
      const price = exact(t.price);
      let b = books.get(t.symbol);
      if (!b) {
        if (!opening.has(t.symbol)) return;
        b = bookOf(t.symbol, price);
      } else if (compare(b.last, price) === 0) return;
      b.last = price;
      subscriber.next(snapshot(t.symbol, b));
    };

    const onGap = (g: AccountGap) => {
      openGap ??= { since: g.from, reason: g.reason };
      for (const [symbol, b] of books) {
        if (b.uncertain) continue;
        b.uncertain = openGap;
        subscriber.next(snapshot(symbol, b));
      }
    };

    const settle = (symbol: string, b: Book) => {
      b.uncertain = undefined;
      if (![...books.values()].some((x) => x.uncertain)) openGap = undefined;
      subscriber.next(snapshot(symbol, b));
    };

    // The broker's position is the truth a gap may have hidden: taken when the symbol is uncertain.
    const onPosition = (p: Position) => {
      const b = books.get(p.symbol);
      if (!b?.uncertain || !Number.isFinite(p.qty) || !Number.isFinite(p.avgPrice)) return;
      b.qty = exact(p.qty);
      b.cost = mul(exact(p.avgPrice), b.qty);
      settle(p.symbol, b);
    };

    const onReconciled = (symbol: string | undefined) => {
      if (symbol === undefined) openGap = undefined;
      for (const [s, b] of books) if (b.uncertain && (symbol === undefined || s === symbol)) settle(s, b);
    };

    return merge(
      trades$.pipe(map((t) => () => onTrade(t))),
      account$.pipe(map((e) => () => (e.kind === 'order' ? onFill(e) : e.kind === 'position' ? onPosition(e) : undefined))),
      ...(options.gaps$ ? [options.gaps$.pipe(map((g) => () => onGap(g)))] : []),
      ...(options.reconciled$ ? [options.reconciled$.pipe(map((s) => () => onReconciled(s)))] : []),
    ).subscribe({
      next: (handle) => handle(),
      error: (e) => subscriber.error(e),
      complete: () => subscriber.complete(),
    });
  });
}
