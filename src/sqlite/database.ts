import { SCHEMA_VERSION, createStatements } from './schema';

/**
 * The part of a better-sqlite3 `Database` the sink uses. Typed structurally so the library's types
 * do not depend on better-sqlite3's; pass `new Database(file)` from `better-sqlite3` (12.x).
 */
export interface SqliteDatabase {
  exec(sql: string): unknown;
  prepare(sql: string): SqliteStatement;
  transaction(fn: (...args: any[]) => any): (...args: any[]) => any;
  pragma(source: string, options?: { readonly simple?: boolean }): unknown;
}

export interface SqliteStatement {
  run(...params: unknown[]): unknown;
  all?(...params: unknown[]): unknown[];
  get?(...params: unknown[]): unknown;
}

export interface PrepareOptions {
  /** Add a `raw` column (the broker's record as JSON) to every table. Default false. */
  readonly raw?: boolean;
}

/**
 * Readies a database for the sink: WAL journal (readers never block the writer, and a crash loses
 * at most the transaction being written), `synchronous = NORMAL` (durable against a process crash,
 * the case that matters for a recorder), the tables and indexes. Idempotent. Throws what SQLite
 * throws: a locked, read-only or corrupt file fails here, before any event is taken.
 */
export function prepareDatabase(db: SqliteDatabase, options: PrepareOptions = {}): void {
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  // Takes the write lock now, so a file another writer holds fails at once rather than mid-stream.
  db.transaction(() => {
    for (const statement of createStatements(options.raw === true)) db.exec(statement);
    db.prepare('INSERT OR REPLACE INTO rxm_meta (key, value) VALUES (?, ?)').run('schema_version', String(SCHEMA_VERSION));
  })();
}
