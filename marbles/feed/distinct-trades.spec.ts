import * as fc from 'fast-check';
import { TestScheduler } from 'rxjs/testing';
import { from, lastValueFrom, toArray } from 'rxjs';
import { distinctTrades } from '../../src/feed/distinct-trades';
import { Trade } from '../../src/model';

/** distinctTrades: a print seen among the last `memory` of its stream is dropped; older ones pass. */

const trade = (id: string, symbol = 'A'): Trade => ({
  kind: 'trade',
  broker: 'toy',
  symbol,
  price: 1,
  size: 1,
  time: '',
  timestamp: 0,
  tradeId: id,
  raw: undefined,
});
const byId = (t: Trade): string | undefined => t.tradeId;

let ts: TestScheduler;
beforeEach(() => {
  ts = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
});

describe('distinctTrades', () => {
  it('drops a repeat, keeps prints without identity', () => {
    ts.run(({ cold, expectObservable }) => {
      const values = { a: trade('1'), b: trade('2'), n: trade(''), x: trade('1', 'B') };
      const none = (t: Trade): string | undefined => (t.tradeId === '' ? undefined : t.tradeId);
      expectObservable(cold('-a-b-a-n-n-x-|', values).pipe(distinctTrades(none))).toBe('-a-b---n-n-x-|', values);
    });
  });

  it('forgets the oldest identity once `memory` newer ones were seen, and keeps exactly `memory`', async () => {
    const ids = ['1', '2', '3', '1', '4', '1', '2', '5', '2', '3'];
    const out = await lastValueFrom(from(ids.map((id) => trade(id))).pipe(distinctTrades(byId, 3), toArray()));
    // memory 3: 1 2 3 | 1 (seen) | 4 (forgets 1) | 1 (passes, forgets 2) | 2 (passes, forgets 3) | 5 | 2 (seen) | 3 (passes)
    expect(out.map((t) => t.tradeId)).toEqual(['1', '2', '3', '4', '1', '2', '5', '3']);
  });

  it('the same identity at another price or size is another print; each is remembered and forgotten in turn', async () => {
    const p = (id: string, price: number, size = 1): Trade => ({ ...trade(id), price, size });
    const seq = [p('1', 10), p('1', 11), p('1', 11), p('1', 10), p('1', 10, 2), p('2', 10), p('1', 11), p('3', 10), p('1', 10), p('1', 11)];
    const out = await lastValueFrom(from(seq).pipe(distinctTrades(byId, 3), toArray()));
    // memory 3: 1@10 1@11 | 1@11 1@10 (seen) | 1@10x2 | 2@10 (forgets 1@10) | 1@11 (seen) | 3@10 (forgets 1@11) | 1@10 (forgotten: passes) | 1@11 (forgotten: passes)
    expect(out.map((t) => `${t.tradeId}@${t.price}x${t.size}`)).toEqual([
      '1@10x1',
      '1@11x1',
      '1@10x2',
      '2@10x1',
      '3@10x1',
      '1@10x1',
      '1@11x1',
    ]);
  });

  it('memory 0 remembers nothing', async () => {
    const out = await lastValueFrom(from(['1', '1'].map((id) => trade(id))).pipe(distinctTrades(byId, 0), toArray()));
    expect(out).toHaveLength(2);
  });
});

describe("distinctTrades on KRX prints (no trade id: the day's cumulative volume)", () => {
  const at = (iso: string, cumulative: number, size = 5, symbol = 'A', exchange = 'KRX'): Trade & { cum: number } => ({
    ...trade('', symbol),
    exchange,
    size,
    time: iso,
    timestamp: Date.parse(iso),
    cum: cumulative,
  });
  const keep = async (ts: readonly (Trade & { cum: number })[]): Promise<string[]> =>
    (
      await lastValueFrom(
        from(ts).pipe(
          distinctTrades((t: Trade & { cum: number }) => t.cum),
          toArray(),
        ),
      )
    ).map((t) => `${t.symbol}${t.exchange}@${t.time}:${t.cum}x${t.size}`);

  it('drops a print sent again; keeps the same volume on another symbol, venue, day, time or size', async () => {
    const a = at('2026-11-20T09:00:01+09:00', 100);
    const out = await keep([
      a,
      at('2026-11-20T09:00:02+09:00', 105),
      { ...a },
      at('2026-11-20T09:00:01+09:00', 100, 5, 'B'),
      at('2026-11-20T09:00:01+09:00', 100, 5, 'A', 'NXT'),
      at('2026-11-21T09:00:01+09:00', 100),
      // 00:00:01 UTC on the 21st is 09:00:01 in Seoul: the print before, sent again.
      at('2026-11-21T00:00:01Z', 100),
      // A recorded session may repeat a sample record at other times or sizes: other prints.
      at('2026-11-20T09:00:09+09:00', 100),
      at('2026-11-20T09:00:01+09:00', 100, 0),
    ]);
    expect(out).toEqual([
      'AKRX@2026-11-20T09:00:01+09:00:100x5',
      'AKRX@2026-11-20T09:00:02+09:00:105x5',
      'BKRX@2026-11-20T09:00:01+09:00:100x5',
      'ANXT@2026-11-20T09:00:01+09:00:100x5',
      'AKRX@2026-11-21T09:00:01+09:00:100x5',
      'AKRX@2026-11-20T09:00:09+09:00:100x5',
      'AKRX@2026-11-20T09:00:01+09:00:100x0',
    ]);
  });
});

describe('distinctTrades against a plain model', () => {
  /** The rule, spelt out: the last `memory` passed prints, a repeat = same symbol, venue, identity, price, size, time. */
  const model = (ts: readonly Trade[], memory: number): Trade[] => {
    const kept: Trade[] = [];
    const remembered: Trade[] = [];
    for (const t of ts) {
      const same = (r: Trade): boolean =>
        r.symbol === t.symbol &&
        r.exchange === t.exchange &&
        r.tradeId === t.tradeId &&
        r.price === t.price &&
        r.size === t.size &&
        r.timestamp === t.timestamp;
      if (t.tradeId !== undefined && remembered.some(same)) continue;
      kept.push(t);
      if (t.tradeId !== undefined && memory > 0) {
        remembered.push(t);
        if (remembered.length > memory) remembered.shift();
      }
    }
    return kept;
  };
  const print = fc.record({
    symbol: fc.constantFrom('A', 'A', 'A', 'B'),
    exchange: fc.constantFrom('KRX', 'KRX', 'KRX', 'NXT', undefined),
    tradeId: fc.constantFrom('1', '1', '2', '3', undefined),
    price: fc.constantFrom(10, 11),
    size: fc.constantFrom(1, 2),
    timestamp: fc.constantFrom(0, 0, 1000),
  });

  it('passes exactly the prints the model passes, for any memory', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(print, { minLength: 10, maxLength: 80 }), fc.integer({ min: 0, max: 5 }), async (specs, memory) => {
        const ts = specs.map((s): Trade => ({ ...trade(s.tradeId ?? '', s.symbol), ...s }));
        const out = await lastValueFrom(
          from(ts).pipe(
            distinctTrades((t: Trade) => t.tradeId, memory),
            toArray(),
          ),
        );
        expect(out).toEqual(model(ts, memory));
      }),
      { seed: 1305, numRuns: 3000 },
    );
  });
});
