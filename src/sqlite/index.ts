/**
 * 'rx-market/sqlite': store normalized events in SQLite (Node, with better-sqlite3 12.x installed).
 *
 *   import Database from 'better-sqlite3';
 *   feed.trades$('005930').pipe(toSqlite(new Database('ticks.db'))).subscribe();
 */
export { toSqlite } from './to-sqlite';
export type { ToSqliteOptions, SqliteBatch } from './to-sqlite';
export { prepareDatabase } from './database';
export type { SqliteDatabase, SqliteStatement, PrepareOptions } from './database';
export { tables as sqliteTables, tableOf as sqliteTableOf, SCHEMA_VERSION as SQLITE_SCHEMA_VERSION } from './schema';
export { minuteBarsSql } from './queries';
