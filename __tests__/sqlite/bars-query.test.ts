import Database from 'better-sqlite3';
import fc from 'fast-check';
import { from, lastValueFrom } from 'rxjs';
import { minuteBarsSql, toSqlite } from '../../src/sqlite';
import { trade } from '../../src/testing';

/** 1-minute OHLCV bars computed the plain way, for comparison. */
function expectedBars(trades: readonly { price: number; size: number; timestamp: number }[]) {
  const byMinute = new Map<number, { price: number; size: number; timestamp: number; seq: number }[]>();
  trades.forEach((t, seq) => {
    const minute = Math.floor(t.timestamp / 60_000) * 60_000;
    byMinute.set(minute, [...(byMinute.get(minute) ?? []), { ...t, seq }]);
  });
  return [...byMinute.entries()]
    .sort(([a], [b]) => a - b)
    .map(([minute, ts]) => {
      const ordered = [...ts].sort((a, b) => a.timestamp - b.timestamp || a.seq - b.seq);
      return {
        minute,
        open: ordered[0].price,
        high: Math.max(...ts.map((t) => t.price)),
        low: Math.min(...ts.map((t) => t.price)),
        close: ordered[ordered.length - 1].price,
        volume: ts.reduce((s, t) => s + t.size, 0),
        trades: ts.length,
      };
    });
}

describe('minuteBarsSql (the documented query over stored trades)', () => {
  it('gives the OHLCV bars of the stored trades, for any trades', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            price: fc.integer({ min: 1, max: 1_000_000 }),
            size: fc.integer({ min: 1, max: 10_000 }),
            timestamp: fc.integer({ min: 0, max: 10 * 60_000 }),
          }),
          { minLength: 1, maxLength: 60 },
        ),
        async (ts) => {
          const db = new Database(':memory:');
          try {
            await lastValueFrom(from(ts.map((t) => trade({ ...t, symbol: '005930' }))).pipe(toSqlite(db, { batchSize: 7 })));
            // Another symbol's trades must not leak in.
            await lastValueFrom(from([trade({ price: 1, size: 1, symbol: '000660', timestamp: ts[0].timestamp })]).pipe(toSqlite(db)));
            expect(db.prepare(minuteBarsSql).all('005930', 0, 11 * 60_000)).toEqual(expectedBars(ts));
          } finally {
            db.close();
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});
