import { Observable, OperatorFunction, SchedulerLike, Subscription, asyncScheduler } from 'rxjs';
import { MarketEvent } from '../model/market';
import { SqliteDatabase, SqliteStatement, prepareDatabase } from './database';
import { Column, Table, columnsOf, insertStatement, rowOf, tableOf } from './schema';

export interface ToSqliteOptions {
  /** A batch is committed once it holds this many events. Default 500. */
  readonly batchSize?: number;
  /** ... or this long after its first event, whichever comes first. Default 1 000 ms. */
  readonly flushMs?: number;
  /** Store each event's `raw` record as JSON too. Default false (it can be large). */
  readonly raw?: boolean;
  /** Timers (a `TestScheduler` in marble tests). Default `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
}

/** What one committed transaction wrote. */
export interface SqliteBatch {
  /** Rows in this batch. */
  readonly rows: number;
  /** Rows per table in this batch. */
  readonly tables: Readonly<Record<string, number>>;
  /** Rows committed since the sink started. */
  readonly total: number;
}

/**
 * Stores normalized events in SQLite (better-sqlite3), batched in transactions, and emits one
 * summary per committed batch. A batch commits when it is full, `flushMs` after its first event,
 * when the source completes or errors (then the error is passed on), and when the subscriber
 * leaves — so only a crash can lose events, and at most the batch still open.
 *
 * ```
 * events:                        -a-b-c-d-------e-|
 * toSqlite(db, { batchSize: 3,
 *                flushMs: 5 }):  -----x------y----(z|)    x: 3 rows (full), y: 1 row (5 after d), z: 1 row (complete)
 * ```
 *
 * The schema (a table per kind, indexes on (symbol, timestamp)) is created on subscription; a
 * write that fails (disk full, locked file) errors the stream with SQLite's message.
 */
export function toSqlite(
  db: SqliteDatabase,
  options: ToSqliteOptions = {},
): OperatorFunction<MarketEvent | { readonly kind: string }, SqliteBatch> {
  const batchSize = options.batchSize ?? 500;
  const flushMs = options.flushMs ?? 1_000;
  const withRaw = options.raw === true;
  const scheduler = options.scheduler ?? asyncScheduler;
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new RangeError(`toSqlite: batchSize must be a positive integer, got ${batchSize}`);
  if (!(flushMs >= 0)) throw new RangeError(`toSqlite: flushMs must be 0 or more, got ${flushMs}`);

  return (source) =>
    new Observable<SqliteBatch>((subscriber) => {
      const inserts = new Map<Table, { readonly statement: SqliteStatement; readonly columns: readonly Column[] }>();
      let pending: object[] = [];
      let total = 0;
      let timer: Subscription | undefined;

      const insertFor = (table: Table) => {
        let insert = inserts.get(table);
        if (!insert) {
          insert = { statement: db.prepare(insertStatement(table, withRaw)), columns: columnsOf(table, withRaw) };
          inserts.set(table, insert);
        }
        return insert;
      };
      const writeAll = db.transaction((events: readonly object[]) => {
        const counts: Record<string, number> = {};
        for (const event of events) {
          const table = tableOf(event as MarketEvent);
          const insert = insertFor(table);
          insert.statement.run(...rowOf(insert.columns, event));
          counts[table.name] = (counts[table.name] ?? 0) + 1;
        }
        return counts;
      });

      /** Commits the open batch; false if SQLite refused it (the stream has errored then). */
      const flush = (): boolean => {
        timer?.unsubscribe();
        timer = undefined;
        if (pending.length === 0) return true;
        const batch = pending;
        pending = [];
        let counts: Record<string, number>;
        try {
          counts = writeAll(batch) as Record<string, number>;
        } catch (err) {
          subscriber.error(err);
          return false;
        }
        total += batch.length;
        subscriber.next({ rows: batch.length, tables: counts, total });
        return true;
      };

      // Registered before subscribing: a subscriber that leaves still gets its last events stored.
      subscriber.add(() => {
        timer?.unsubscribe();
        if (pending.length === 0) return;
        try {
          writeAll(pending);
        } catch {
          // Nobody is left to tell: this batch is lost with the failed write.
        }
        pending = [];
      });

      try {
        prepareDatabase(db, { raw: withRaw });
      } catch (err) {
        subscriber.error(err);
        return;
      }
      const upstream = source.subscribe({
        next: (event) => {
          pending.push(event);
          if (pending.length >= batchSize) flush();
          else if (timer === undefined) timer = scheduler.schedule(() => flush(), flushMs);
        },
        error: (err: unknown) => {
          if (flush()) subscriber.error(err);
        },
        complete: () => {
          if (flush()) subscriber.complete();
        },
      });
      return () => upstream.unsubscribe();
    });
}
