import { chmodSync } from 'fs';
import { SqliteDatabase, prepareDatabase } from '../../sqlite';

/** Why a SQLite file cannot be written, as a user reads it. */
export class SqliteFileError extends Error {}

/**
 * Opens (creating if needed) a SQLite file for `record --sqlite` and readies it, so that a locked,
 * read-only or foreign file fails here, before connecting. better-sqlite3 is loaded only now: the
 * other commands and library users never need it.
 */
export function openSqliteFile(file: string): SqliteDatabase & { close(): unknown } {
  let Database: new (file: string, options?: { timeout?: number }) => SqliteDatabase & { close(): unknown };
  try {
    Database = require('better-sqlite3');
  } catch {
    throw new SqliteFileError('--sqlite needs the better-sqlite3 package (12.x): npm install better-sqlite3@12');
  }
  let db: (SqliteDatabase & { close(): unknown }) | undefined;
  try {
    // timeout 0: a file another writer holds is reported at once, not waited on.
    db = new Database(file, { timeout: 0 });
    // Recorded events may be account data: readable by the owner only.
    chmodSync(file, 0o600);
    prepareDatabase(db);
    return db;
  } catch (err) {
    try {
      db?.close();
    } catch {
      // already unusable
    }
    throw new SqliteFileError(`${file}: ${describe(err)}`);
  }
}

function describe(err: unknown): string {
  const code = (err as { code?: string }).code ?? '';
  const message = err instanceof Error ? err.message : String(err);
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return 'the database is locked by another process';
  if (code.startsWith('SQLITE_READONLY')) return 'the database is read-only';
  if (code === 'SQLITE_NOTADB') return 'not a SQLite database';
  if (code.startsWith('SQLITE_CANTOPEN')) return 'cannot open the file (does its folder exist and is it writable?)';
  return message;
}
