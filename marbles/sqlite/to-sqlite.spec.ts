import Database from 'better-sqlite3';
import { TestScheduler } from 'rxjs/testing';
import { toSqlite } from '../../src/sqlite';
import { book, order, trade } from '../../src/testing';

/** The rows of a table, in insertion order. */
const rows = (db: Database.Database, table: string): Record<string, unknown>[] =>
  db.prepare(`SELECT * FROM ${table} ORDER BY rowid`).all() as Record<string, unknown>[];

describe('toSqlite', () => {
  let db: Database.Database;
  beforeEach(() => (db = new Database(':memory:')));
  afterEach(() => db.close());

  const scheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

  it('commits a batch when it is full, after flushMs, and on completion', () => {
    const a = trade({ price: 100, size: 1, timestamp: 1 });
    const b = trade({ price: 101, size: 2, timestamp: 2 });
    const c = trade({ price: 102, size: 3, timestamp: 3 });
    const d = trade({ price: 103, size: 4, timestamp: 4 });
    const e = trade({ price: 104, size: 5, timestamp: 5 });
    const ts = scheduler();
    ts.run(({ cold, expectObservable }) => {
      const events = cold('-a-b-c-d----------e-|', { a, b, c, d, e });
      expectObservable(events.pipe(toSqlite(db, { batchSize: 3, flushMs: 5, scheduler: ts }))).toBe('-----x------y-------(z|)', {
        x: { rows: 3, tables: { trades: 3 }, total: 3 },
        y: { rows: 1, tables: { trades: 1 }, total: 4 },
        z: { rows: 1, tables: { trades: 1 }, total: 5 },
      });
    });
    expect(rows(db, 'trades').map((r) => [r.price, r.size, r.timestamp, r.symbol, r.broker])).toEqual([
      [100, 1, 1, 'TEST', 'test'],
      [101, 2, 2, 'TEST', 'test'],
      [102, 3, 3, 'TEST', 'test'],
      [103, 4, 4, 'TEST', 'test'],
      [104, 5, 5, 'TEST', 'test'],
    ]);
  });

  it('puts each kind in its own table; optional fields the event lacks stay NULL, never 0', () => {
    const ts = scheduler();
    const t = { ...trade({ price: 71000, size: 10, side: 'buy' }), change: -50, changePercent: -0.24, cumulativeVolume: 30379732 };
    const bk = book({
      bids: [[99, 5]],
      asks: [
        [101, 1],
        [102, 4],
      ],
    });
    const o = order({
      orderId: '0000018',
      side: 'buy',
      status: 'filled',
      orderQty: 10,
      orderPrice: 100,
      filledQty: 10,
      fillPrice: 100,
      fillQty: 10,
    });
    const other = {
      kind: 'ticker',
      broker: 'weex',
      symbol: 'BTCUSDT',
      time: '1970-01-01T00:00:00.000Z',
      timestamp: 0,
      last: 65000.2,
      raw: { big: true },
    };
    ts.run(({ cold, expectObservable }) => {
      expectObservable(cold('(tbox|)', { t, b: bk, o, x: other }).pipe(toSqlite(db, { scheduler: ts }))).toBe('(s|)', {
        s: { rows: 4, tables: { trades: 1, books: 1, orders: 1, events: 1 }, total: 4 },
      });
    });
    expect(rows(db, 'trades')[0]).toMatchObject({
      price: 71000,
      side: 'buy',
      change: -50,
      change_percent: -0.24,
      cumulative_volume: 30379732,
      cumulative_turnover: null,
      trade_id: null,
    });
    expect(rows(db, 'books')[0]).toMatchObject({ best_bid: 99, best_ask: 101, bids: '[{"price":99,"size":5}]', total_bid_size: null });
    expect(rows(db, 'orders')[0]).toMatchObject({
      order_id: '0000018',
      status: 'filled',
      filled_qty: 10,
      fill_qty: 10,
      original_order_id: null,
    });
    expect(JSON.parse(rows(db, 'events')[0].json as string)).toEqual({
      kind: 'ticker',
      broker: 'weex',
      symbol: 'BTCUSDT',
      time: other.time,
      timestamp: 0,
      last: 65000.2,
    });
  });

  it('stores the open batch when the subscriber leaves, and passes an error on after storing', () => {
    const ts = scheduler();
    const a = trade({ price: 1 });
    const b = trade({ price: 2 });
    ts.run(({ cold, expectObservable }) => {
      expectObservable(cold('-a-b------', { a, b }).pipe(toSqlite(db, { flushMs: 100, scheduler: ts })), '^---!').toBe('-----');
    });
    expect(rows(db, 'trades').map((r) => r.price)).toEqual([1, 2]);

    const ts2 = scheduler();
    ts2.run(({ cold, expectObservable }) => {
      expectObservable(cold('-a-#', { a }, new Error('feed failed')).pipe(toSqlite(db, { flushMs: 100, scheduler: ts2 }))).toBe(
        '---(s#)',
        { s: { rows: 1, tables: { trades: 1 }, total: 1 } },
        new Error('feed failed'),
      );
    });
    expect(rows(db, 'trades')).toHaveLength(3);
  });

  it('errors the stream with SQLite’s message when a write fails, keeping what was committed', () => {
    const ts = scheduler();
    ts.run(({ cold, expectObservable }) => {
      const events = cold('a-b|', { a: trade({ price: 1 }), b: trade({ price: 2 }) });
      const sink = events.pipe(toSqlite(db, { batchSize: 1, scheduler: ts }));
      // The table disappears after the first batch: the second write fails.
      ts.schedule(() => db.exec('DROP TABLE trades'), 1);
      expectObservable(sink).toBe(
        'a-#',
        { a: { rows: 1, tables: { trades: 1 }, total: 1 } },
        expect.objectContaining({ message: expect.stringContaining('no such table: trades') }),
      );
    });
  });

  it('rejects a batch size that is not a positive integer', () => {
    expect(() => toSqlite(db, { batchSize: 0 })).toThrow(/batchSize must be a positive integer/);
  });
});
