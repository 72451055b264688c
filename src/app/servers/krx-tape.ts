/**
 * What a KRX venue knows about one stock at every moment: the previous close, today's open, high
 * and low (with their times), cumulative volume and value, buy- and sell-initiated volume and
 * counts, the current book and the book before it. The Kiwoom and KIS loopback servers keep one
 * per symbol, update it from every published trade and book, and encode every field of a frame
 * from it, so a trade's price, change, rate, best quotes and cumulative volume, the book and the
 * best-quote push agree with each other at every moment, as on the real wire.
 *
 * The previous close comes from the event's `raw.previousClose` (the simulator sets it), or a
 * `setPreviousClose`; without either it is inferred from the first event: its price when the
 * event's direction is flat (or unknown), one KRX tick below it when up, above when down.
 */
import { OrderBook, PriceLevel, Trade } from '../../model';
import { krxGrid } from '../sim/grid';
import { hashString } from '../sim/rng';

/** What the simulator (or a test) may attach to an event's `raw` for the venue. */
export interface VenueHints {
  readonly previousClose?: number;
  /** KRX session of a print: '1' pre-market after-hours, '2' regular, '3' post-market after-hours. */
  readonly session?: '1' | '2' | '3';
  /** Market-operation code in force (Kiwoom 0s codes). */
  readonly operation?: string;
  /** True for auction (single-price) prints and books during a call auction. */
  readonly auction?: boolean;
  /** Expected (indicative) auction price and size, during call auctions. */
  readonly expected?: { readonly price: number; readonly size: number };
}

export function venueHints(raw: unknown): VenueHints {
  return typeof raw === 'object' && raw !== null ? (raw as VenueHints) : {};
}

export interface Extreme {
  readonly price: number;
  /** HHMMSS KST */
  readonly time: string;
}

export class KrxTape {
  previousClose: number | undefined;
  /** Previous day's volume (for volume-vs-yesterday fields); derived from the symbol. */
  readonly previousVolume: number;
  /** Listed shares (turnover, market cap); derived from the symbol. */
  readonly listedShares: number;
  open: Extreme | undefined;
  high: Extreme | undefined;
  low: Extreme | undefined;
  last: number | undefined;
  lastSize = 0;
  lastTime = '000000';
  cumVolume = 0;
  /** Cumulative traded value in KRW (exact: integer prices times integer sizes). */
  cumValue = 0;
  buyVolume = 0;
  sellVolume = 0;
  buyTrades = 0;
  sellTrades = 0;
  book: OrderBook | undefined;
  previousBook: OrderBook | undefined;

  constructor(readonly symbol: string) {
    const h = hashString(symbol);
    this.previousVolume = 1_000_000 + (h % 20_000_000);
    this.listedShares = 50_000_000 + (h % 5_000_000_000);
  }

  /** Sets the reference price unless one is known. */
  reference(price: number, direction: 'up' | 'down' | 'flat' | undefined, hints: VenueHints): number {
    if (hints.previousClose !== undefined && hints.previousClose > 0) this.previousClose = hints.previousClose;
    if (this.previousClose === undefined) {
      this.previousClose =
        direction === 'up' && price > 1
          ? krxGrid.down(krxGrid.floor(price))
          : direction === 'down'
            ? krxGrid.up(krxGrid.floor(price))
            : price;
    }
    return this.previousClose;
  }

  onTrade(t: Trade, hhmmss: string): void {
    this.reference(t.price, t.direction, venueHints(t.raw));
    const at = { price: t.price, time: hhmmss };
    if (!this.open) this.open = at;
    if (!this.high || t.price > this.high.price) this.high = at;
    if (!this.low || t.price < this.low.price) this.low = at;
    this.last = t.price;
    this.lastSize = t.size;
    this.lastTime = hhmmss;
    this.cumVolume += t.size;
    this.cumValue += t.price * t.size;
    if (t.side === 'buy') {
      this.buyVolume += t.size;
      this.buyTrades += 1;
    } else if (t.side === 'sell') {
      this.sellVolume += t.size;
      this.sellTrades += 1;
    }
  }

  onBook(b: OrderBook): void {
    const best = b.bids[0]?.price ?? b.asks[0]?.price;
    if (best !== undefined) this.reference(best, undefined, venueHints(b.raw));
    this.previousBook = this.book;
    this.book = b;
  }

  /** The last price, or (before the first trade) the previous close. */
  current(): number {
    return this.last ?? this.previousClose ?? 0;
  }

  bestAsk(): PriceLevel | undefined {
    return this.book?.asks[0];
  }

  bestBid(): PriceLevel | undefined {
    return this.book?.bids[0];
  }

  /** Volume-weighted average price of the day (KRW, 2 decimals), or 0 before any trade. */
  vwap(): number {
    return this.cumVolume === 0 ? 0 : Math.round((this.cumValue / this.cumVolume) * 100) / 100;
  }

  /** Buy- over sell-initiated volume, in percent (체결강도); 0 when nothing was sold. */
  strength(): number {
    return this.sellVolume === 0 ? (this.buyVolume > 0 ? 500 : 0) : (this.buyVolume / this.sellVolume) * 100;
  }
}

/** The tapes of a server, one per symbol. */
export class KrxTapes {
  private readonly tapes = new Map<string, KrxTape>();

  of(symbol: string): KrxTape {
    let tape = this.tapes.get(symbol);
    if (!tape) this.tapes.set(symbol, (tape = new KrxTape(symbol)));
    return tape;
  }

  setPreviousClose(symbol: string, price: number): void {
    this.of(symbol).previousClose = price;
  }
}

// ---- KRX wire number formats ------------------------------------------------------------------

/** +/− against a reference, nothing when equal: '+60700', '-60700', '60700'. */
export function signedVs(value: number, reference: number): string {
  const abs = String(Math.abs(value));
  return value > reference ? `+${abs}` : value < reference ? `-${abs}` : abs;
}

/** A signed difference: '+100', '-100', '0'. */
export function signedDelta(delta: number): string {
  return delta > 0 ? `+${delta}` : delta < 0 ? `-${Math.abs(delta)}` : '0';
}

/** A percentage with two decimals, signed when `signed` and non-zero: '+1.24', '-0.24', '0.00'. */
export function percent(value: number, signed: boolean): string {
  const fixed = (Math.round(Math.abs(value) * 100) / 100).toFixed(2);
  if (!signed || fixed === '0.00') return fixed;
  return value > 0 ? `+${fixed}` : `-${fixed}`;
}

/** 전일대비기호: 1 limit up, 2 up, 3 unchanged, 4 limit down, 5 down (±30% limits). */
export function changeSign(price: number, reference: number): string {
  if (price === reference) return '3';
  if (price > reference) return price >= limitUp(reference) ? '1' : '2';
  return price <= limitDown(reference) ? '4' : '5';
}

/** KRX daily price limits: ±30% of the reference, on the grid. */
export function limitUp(reference: number): number {
  return krxGrid.floor(reference * 1.3);
}

export function limitDown(reference: number): number {
  const raw = Math.ceil(reference * 0.7);
  const floor = krxGrid.floor(raw);
  return floor < raw ? krxGrid.up(floor) : floor;
}

/** The KST HHMMSS of an epoch instant. */
export function kstHhmmss(epochMs: number): string {
  const d = new Date(epochMs + 9 * 3_600_000);
  return [d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()].map((n) => String(n).padStart(2, '0')).join('');
}
