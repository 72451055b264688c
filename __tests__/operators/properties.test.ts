/**
 * Invariants of the operators, checked with fast-check on generated markets. Prices are
 * generated as decimals (ticks of 0.01) and sizes as lots of 0.001, like a crypto venue, because
 * that is where float arithmetic would break the invariants; the expected values are computed
 * independently in scaled BigInt integers.
 */
import fc from 'fast-check';
import { from, Observable, share, Subject } from 'rxjs';
import { map } from 'rxjs/operators';
import { TestScheduler } from 'rxjs/testing';
import {
  Bar,
  bars,
  bookImbalance,
  crossover,
  ema,
  latestPerKey,
  microPrice,
  midPrice,
  PnL,
  positionPnL,
  spread,
  vwap,
} from '../../src/operators';
import { book, fill, fromEvents, trade } from '../../src/testing';
import { Trade } from '../../src/model';

const TICK = 100; // price = ticks / 100
const LOT = 1000; // size = lots / 1000

const ticks = fc.integer({ min: 1, max: 10_000_000 });
const lots = fc.integer({ min: 1, max: 100_000 });
const price = (t: number) => t / TICK;
const size = (l: number) => l / LOT;

/** A generated print: price in ticks, size in lots, arrival frame gap. */
const print = fc.record({ ticks, lots, gap: fc.integer({ min: 0, max: 7 }), symbol: fc.constantFrom('A', 'B') });

function collect<T>(o: Observable<T>): T[] {
  const out: T[] = [];
  o.subscribe((x) => out.push(x));
  return out;
}

/** Runs an operator chain on trades arriving at virtual frames, returns what it emitted. */
function inVirtualTime<T>(trades: readonly Trade[], op: (t$: Observable<Trade>) => Observable<T>): T[] {
  const out: T[] = [];
  const scheduler = new TestScheduler(() => undefined);
  scheduler.run(() => {
    op(fromEvents(trades, scheduler, { origin: 0 })).subscribe((x) => out.push(x));
  });
  return out;
}

function tradesOf(prints: readonly { ticks: number; lots: number; gap: number; symbol: string }[]): Trade[] {
  let at = 0;
  return prints.map((p) => {
    at += p.gap;
    return trade({ symbol: p.symbol, price: price(p.ticks), size: size(p.lots), timestamp: at });
  });
}

describe('bars (property)', () => {
  it('high ≥ open, close ≥ low; volumes and trade counts add up; bars are in time order', () => {
    fc.assert(
      fc.property(
        fc.array(print, { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 1, max: 12 }),
        fc.boolean(),
        (prints, interval, flat) => {
          const trades = tradesOf(prints);
          const out: Bar[] = inVirtualTime(trades, (t$) => t$.pipe(bars(interval, { empty: flat ? 'flat' : 'skip' })));
          for (const b of out) {
            expect(b.high).toBeGreaterThanOrEqual(Math.max(b.open, b.close));
            expect(b.low).toBeLessThanOrEqual(Math.min(b.open, b.close));
            expect(b.end - b.start).toBe(interval);
            if (b.trades === 0) expect([b.open, b.high, b.low, b.close, b.volume]).toEqual([b.close, b.close, b.close, b.close, 0]);
          }
          for (const symbol of ['A', 'B']) {
            const mine = out.filter((b) => b.symbol === symbol);
            const theirs = prints.filter((p) => p.symbol === symbol);
            // Volume in lots, compared as integers: exact summation leaves no residue.
            expect(mine.reduce((s, b) => s + Math.round(b.volume * LOT), 0)).toBe(theirs.reduce((s, p) => s + p.lots, 0));
            expect(mine.reduce((s, b) => s + b.trades, 0)).toBe(theirs.length);
            for (let i = 1; i < mine.length; i++) expect(mine[i].start).toBeGreaterThan(mine[i - 1].start);
            if (flat) for (let i = 1; i < mine.length; i++) expect(mine[i].start).toBe(mine[i - 1].end);
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('sums volume to the exact decimal', () => {
    fc.assert(
      fc.property(fc.array(lots, { minLength: 1, maxLength: 40 }), (ls) => {
        const trades = ls.map((l) => trade({ price: 1, size: size(l) }));
        const [b] = inVirtualTime(trades, (t$) => t$.pipe(bars(1000)));
        // The nearest double to the exact decimal sum, as the number parser gives it.
        expect(b.volume).toBe(Number(`${ls.reduce((s, l) => s + l, 0)}e-3`));
      }),
    );
  });
});

describe('vwap (property)', () => {
  it('lies between the lowest and highest price of its window, for count and time windows', () => {
    fc.assert(
      fc.property(fc.array(print, { minLength: 1, maxLength: 50 }), fc.integer({ min: 1, max: 10 }), (prints, n) => {
        const trades = tradesOf(prints).map((t) => ({ ...t, symbol: 'A' }));
        const byCount = collect(from(trades).pipe(vwap({ trades: n })));
        byCount.forEach((v, i) => {
          const window = trades.slice(Math.max(0, i - n + 1), i + 1).map((t) => t.price);
          expect(v).toBeGreaterThanOrEqual(Math.min(...window));
          expect(v).toBeLessThanOrEqual(Math.max(...window));
        });
        const byTime = inVirtualTime(trades, (t$) => t$.pipe(vwap({ ms: n })));
        byTime.forEach((v, i) => {
          const now = trades[i].timestamp;
          const window = trades
            .slice(0, i + 1)
            .filter((t) => t.timestamp > now - n)
            .map((t) => t.price);
          expect(v).toBeGreaterThanOrEqual(Math.min(...window));
          expect(v).toBeLessThanOrEqual(Math.max(...window));
        });
      }),
    );
  });

  it('equals Σ(price × size) / Σ size computed in scaled integers', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ ticks, lots }), { minLength: 1, maxLength: 30 }), (ps) => {
        const trades = ps.map((p) => trade({ price: price(p.ticks), size: size(p.lots) }));
        const got = collect(from(trades).pipe(vwap())).pop();
        const num = ps.reduce((s, p) => s + BigInt(p.ticks) * BigInt(p.lots), 0n);
        const den = ps.reduce((s, p) => s + BigInt(p.lots), 0n) * BigInt(TICK);
        // Both fit in 2^53 here, so one IEEE division gives the correctly rounded quotient.
        expect(got).toBe(Number(num) / Number(den));
      }),
    );
  });
});

describe('book operators (property)', () => {
  const side = fc.array(fc.record({ ticks: fc.integer({ min: 1, max: 1000 }), lots }), { maxLength: 5 });

  it('on an uncrossed two-sided book: spread > 0, bid ≤ micro ≤ ask, mid halfway, imbalance in [−1, 1]', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100_000 }),
        fc.integer({ min: 1, max: 50 }),
        side,
        side,
        fc.integer({ min: 1, max: 10 }),
        (bidTicks, gap, bidsRest, asksRest, levels) => {
          const bid = price(bidTicks);
          const ask = price(bidTicks + gap);
          const b = book({
            bids: [[bid, 1], ...bidsRest.map((l, i) => [price(Math.max(1, bidTicks - 1 - i)), size(l.lots)] as const)],
            asks: [[ask, 2], ...asksRest.map((l, i) => [price(bidTicks + gap + 1 + i), size(l.lots)] as const)],
          });
          const [s] = collect(from([b]).pipe(spread()));
          const [m] = collect(from([b]).pipe(midPrice()));
          const [mp] = collect(from([b]).pipe(microPrice()));
          const [imb] = collect(from([b]).pipe(bookImbalance(levels)));
          expect(s).toBe(Number(`${gap}e-2`));
          expect(m).toBeGreaterThan(bid);
          expect(m).toBeLessThan(ask);
          expect(mp).toBeGreaterThanOrEqual(bid);
          expect(mp).toBeLessThanOrEqual(ask);
          expect(imb).toBeGreaterThanOrEqual(-1);
          expect(imb).toBeLessThanOrEqual(1);
        },
      ),
    );
  });
});

describe('ema (property)', () => {
  it('stays within the range of the values seen so far', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 50 }),
        fc.integer({ min: 1, max: 30 }),
        (xs, n) => {
          collect(from(xs).pipe(ema(n))).forEach((v, i) => {
            const seen = xs.slice(0, i + 1);
            expect(v).toBeGreaterThanOrEqual(Math.min(...seen) - 1e-9);
            expect(v).toBeLessThanOrEqual(Math.max(...seen) + 1e-9);
          });
        },
      ),
    );
  });
});

describe('crossover (property)', () => {
  it("alternates 'up' and 'down', and each one matches a change of side", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 5 })), { maxLength: 40 }),
        fc.boolean(),
        (pairs, burst) => {
          // fast and slow move together from one source: one pair per instant, or all in one instant.
          const out: string[] = [];
          const scheduler = new TestScheduler(() => undefined);
          scheduler.run(() => {
            const pairs$ = fromEvents(
              pairs.map(([f, s], i) => ({ f, s, timestamp: burst ? 0 : i })),
              scheduler,
            ).pipe(share());
            crossover(pairs$.pipe(map((p) => p.f)), pairs$.pipe(map((p) => p.s))).subscribe((x) => out.push(x));
          });
          for (let i = 1; i < out.length; i++) expect(out[i]).not.toBe(out[i - 1]);
          // The expected sequence: changes of the last non-zero sign of fast − slow.
          const expected: string[] = [];
          let side = 0;
          for (const [f, s] of pairs) {
            const now = Math.sign(f - s);
            if (now === 0) continue;
            if (side !== 0 && now !== side) expected.push(now > 0 ? 'up' : 'down');
            side = now;
          }
          expect(out).toEqual(expected);
        },
      ),
    );
  });
});

describe('latestPerKey (property)', () => {
  it('never loses the newest value of a key', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ key: fc.constantFrom('A', 'B', 'C'), v: fc.integer(), tick: fc.boolean() })), (steps) => {
        const tick$ = new Subject<void>();
        const source$ = new Observable<{ key: string; v: number }>((sub) => {
          for (const s of steps) {
            sub.next({ key: s.key, v: s.v });
            if (s.tick) tick$.next();
          }
          sub.complete();
        });
        const last = new Map<string, number>();
        source$.pipe(latestPerKey(tick$, { key: (x) => x.key })).subscribe((m) => m.forEach((x, k) => last.set(k, x.v)));
        const expected = new Map<string, number>();
        for (const s of steps) expected.set(s.key, s.v);
        expect(last).toEqual(expected);
      }),
    );
  });
});

describe('positionPnL (property)', () => {
  /** Splits q lots into 1–4 partial fills of one order. */
  const partials = (q: number, cuts: readonly number[]) => {
    const points = [...new Set(cuts.map((c) => 1 + (c % Math.max(1, q - 1))).filter((c) => c < q))].sort((a, b) => a - b);
    return [...points, q];
  };

  it('realizes exactly (sell − buy) × qty on a round trip split in partial fills, with nothing hidden', () => {
    fc.assert(
      fc.property(
        ticks,
        ticks,
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.array(fc.nat(), { maxLength: 3 }),
        fc.array(fc.nat(), { maxLength: 3 }),
        fc.boolean(),
        (buyT, sellT, q, buyCuts, sellCuts, shortFirst) => {
          const [first, second] = shortFirst ? (['sell', 'buy'] as const) : (['buy', 'sell'] as const);
          const [firstT, secondT] = shortFirst ? [sellT, buyT] : [buyT, sellT];
          const fills = [
            ...partials(q, buyCuts).map((cum, i, all) =>
              fill({
                orderId: '1',
                side: first,
                price: price(firstT),
                qty: size(cum - (all[i - 1] ?? 0)),
                orderQty: size(q),
                filledQty: size(cum),
              }),
            ),
            ...partials(q, sellCuts).map((cum, i, all) =>
              fill({
                orderId: '2',
                side: second,
                price: price(secondT),
                qty: size(cum - (all[i - 1] ?? 0)),
                orderQty: size(q),
                filledQty: size(cum),
              }),
            ),
          ];
          // Each fill delivered twice, as after a reconnect.
          const account = fills.flatMap((f) => [f, f]);
          const out: PnL[] = collect(positionPnL(from([]), from(account)));
          const end = out[out.length - 1];
          const expected = (BigInt(sellT) - BigInt(buyT)) * BigInt(q); // in units of 1e-5
          expect(end.qty).toBe(0);
          expect(end.unrealized).toBe(0);
          expect(end.realized).toBe(Number(`${expected}e-5`));
          expect(end.total).toBe(end.realized);
        },
      ),
    );
  });

  it('ends flat with realized = cash in − cash out, whatever the path (flips included)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ buy: fc.boolean(), ticks: fc.integer({ min: 1, max: 100_000 }), lots: fc.integer({ min: 1, max: 1000 }) }), {
          maxLength: 20,
        }),
        fc.integer({ min: 1, max: 100_000 }),
        (path, closeTicks) => {
          let pos = 0;
          const fills = path.map((p, i) => {
            pos += p.buy ? p.lots : -p.lots;
            return fill({ orderId: String(i), side: p.buy ? 'buy' : 'sell', price: price(p.ticks), qty: size(p.lots) });
          });
          if (pos !== 0)
            fills.push(fill({ orderId: 'close', side: pos > 0 ? 'sell' : 'buy', price: price(closeTicks), qty: size(Math.abs(pos)) }));
          const out = collect(positionPnL(from([]), from(fills)));
          let cash = 0n; // in units of 1e-5
          for (const f of fills)
            cash += (f.side === 'sell' ? 1n : -1n) * BigInt(Math.round(f.fillPrice! * TICK)) * BigInt(Math.round(f.fillQty! * LOT));
          const realized = out.length ? out[out.length - 1].realized : 0;
          expect(realized).toBe(Number(`${cash}e-5`));
        },
      ),
    );
  });
});
