/**
 * Trade backfill (opt-in): after a gap, fetch the trades of the gap window from the broker's
 * REST and emit them before the live ones, marked `source: 'rest'`, de-duplicated, in order.
 *
 *   live:   -t1-t2----(gap)---------t5-t6-
 *   REST:                  [t2 t3 t4 t5]
 *   out:    -t1-t2-------------t3ʳ t4ʳ t5-t6-        t2 and t5 were seen live: not repeated
 *
 * A trade's identity is its exchange trade id where both sides have one (WEEX); otherwise
 * (KRX, whose REST and socket times are whole seconds and carry no id) the second, price, size
 * and side, counted with multiplicity: two identical prints in one second are two trades, and
 * each is matched once. Live trades that arrive while the query runs wait and follow the REST
 * ones; a live trade the REST window already delivered is dropped. Where the broker serves only
 * the latest N trades and the gap held more, what is available is emitted and the window is
 * reported as incomplete on `report`.
 */
import { MonoTypeOperatorFunction, Observable, Subscription, concatMap, from, toArray } from 'rxjs';
import { FeedError, toFeedError } from '../core/errors';
import { Trade } from '../model/market';
import { Gap } from './gaps';
import { MarketRest, TradeWindow } from './rest-source';

export interface BackfillOptions {
  readonly rest: Pick<MarketRest, 'trades' | 'broker'>;
  readonly gaps$: Observable<Gap>;
  /** The symbols of the stream. */
  readonly symbols: readonly string[];
  readonly report: (error: FeedError) => void;
  /** Identities remembered per symbol. Default 5 000. */
  readonly memory?: number;
}

/** The identity of a print (see the file comment). */
export function tradeIdentity(t: Trade): string {
  if (t.tradeId !== undefined && t.tradeId !== '') return `id:${t.tradeId}`;
  return `${Math.floor(t.timestamp / 1000)}|${t.price}|${t.size}|${t.side ?? ''}`;
}

/** A bounded multiset of identities. */
class Seen {
  private readonly counts = new Map<string, number>();
  private readonly order: string[] = [];
  constructor(private readonly memory: number) {}
  add(id: string): void {
    this.counts.set(id, (this.counts.get(id) ?? 0) + 1);
    this.order.push(id);
    if (this.order.length > this.memory) this.take(this.order.shift() as string, false);
  }
  /** Removes one occurrence; true when there was one. */
  take(id: string, fromOrder = true): boolean {
    const n = this.counts.get(id) ?? 0;
    if (n === 0) return false;
    if (n === 1) this.counts.delete(id);
    else this.counts.set(id, n - 1);
    if (fromOrder) {
      const i = this.order.indexOf(id);
      if (i >= 0) this.order.splice(i, 1);
    }
    return true;
  }
  count(id: string): number {
    return this.counts.get(id) ?? 0;
  }
}

export function backfillTrades<T extends Trade>(options: BackfillOptions): MonoTypeOperatorFunction<T | Trade> {
  const memory = options.memory ?? 5_000;
  const broker = options.rest.broker;
  return (source) =>
    new Observable<T | Trade>((subscriber) => {
      /** What was emitted lately, per symbol (live and REST). */
      const seen = new Map<string, Seen>();
      /** What REST emitted and the socket may still bring. */
      const pending = new Map<string, Seen>();
      const of = (m: Map<string, Seen>, s: string): Seen => {
        let x = m.get(s);
        if (!x) m.set(s, (x = new Seen(memory)));
        return x;
      };
      let buffer: (T | Trade)[] = [];
      let querying = false;
      const queued: Gap[] = [];
      const subscriptions = new Subscription();
      subscriber.add(subscriptions);

      /** The newest print REST delivered, per symbol. */
      const restNewest = new Map<string, number>();
      const onLive = (t: T | Trade): void => {
        const id = tradeIdentity(t);
        if (of(pending, t.symbol).take(id)) return; // REST delivered it already
        // A venue's recent-trades snapshot (WEEX, on a fresh subscription) older than what REST
        // delivered is history the backfill already covered (or, asked by count, left out).
        if (t.snapshot && t.timestamp < (restNewest.get(t.symbol) ?? -Infinity)) return;
        of(seen, t.symbol).add(id);
        subscriber.next(t);
      };

      const fill = (symbol: string, gap: Gap, window: TradeWindow): void => {
        const start = Math.floor(gap.from / 1000) * 1000;
        const s = of(seen, symbol);
        const trades = gap.limit !== undefined ? window.trades.slice(-gap.limit) : window.trades;
        // Prints of the window already emitted: matched once each, oldest window first.
        const already = new Map<string, number>();
        for (const t of trades) {
          if (t.timestamp < start) continue;
          const id = tradeIdentity(t);
          const used = already.get(id) ?? 0;
          if (used < s.count(id)) {
            already.set(id, used + 1);
            continue;
          }
          s.add(id);
          of(pending, symbol).add(id);
          restNewest.set(symbol, Math.max(restNewest.get(symbol) ?? -Infinity, t.timestamp));
          subscriber.next({ ...t, source: 'rest' });
        }
        if (!window.complete) {
          options.report(
            new FeedError({
              kind: 'notice',
              broker,
              message: `${broker}: trade backfill of ${symbol} is incomplete: the broker serves only the latest trades, and the gap since ${new Date(gap.from).toISOString()} held more`,
            }),
          );
        }
      };

      const run = (gap: Gap): void => {
        querying = true;
        const symbols = gap.symbol !== undefined ? options.symbols.filter((s) => s === gap.symbol) : options.symbols;
        subscriptions.add(
          from(symbols)
            .pipe(
              concatMap((symbol) =>
                options.rest.trades(symbol, gap.from, gap.limit).pipe(
                  toArray(),
                  concatMap((w) => w.map((window) => ({ symbol, window }))),
                ),
              ),
            )
            .subscribe({
              next: ({ symbol, window }) => fill(symbol, gap, window),
              error: (err: unknown) => {
                options.report(
                  toFeedError(err, { kind: 'connection', broker }).with({
                    message: `${broker}: trade backfill failed; trades of the gap are missing (${err instanceof Error ? err.message : String(err)})`,
                  }),
                );
                finish();
              },
              complete: () => finish(),
            }),
        );
      };
      const finish = (): void => {
        querying = false;
        const waiting = buffer;
        buffer = [];
        for (const t of waiting) onLive(t);
        const next = queued.shift();
        if (next) run(next);
      };

      subscriptions.add(
        options.gaps$.subscribe((gap) => {
          if (gap.symbol !== undefined && !options.symbols.includes(gap.symbol)) return;
          if (querying) queued.push(gap);
          else run(gap);
        }),
      );
      subscriptions.add(
        source.subscribe({
          next: (t) => (querying ? buffer.push(t) : onLive(t)),
          error: (err: unknown) => subscriber.error(err),
          complete: () => subscriber.complete(),
        }),
      );
    });
}
