/**
 * `rx-market record ... --sqlite FILE` through the built CLI against the Kiwoom simulator: events
 * land in SQLite batch by batch, a writer killed mid-stream (SIGKILL) leaves a sound file holding
 * every batch it committed, and files that cannot be written fail before connecting (exit 2).
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { kiwoomModule } from '../../src/app/brokers/kiwoom';
import { startSimulator, RunningSimulator } from '../../src/app/sim/simulator';
import { cleanEnv, runCli } from '../replay/support/cli';

const count = (file: string): number => {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT COUNT(*) AS n FROM trades').get() as { n: number }).n;
  } finally {
    db.close();
  }
};

describe('record --sqlite', () => {
  let dir: string;
  let sim: RunningSimulator;
  // Three CLI processes in turn: generous on a loaded machine (nothing here is a timing assertion).
  jest.setTimeout(60_000);
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rx-market-sqlite-'));
    sim = await startSimulator(kiwoomModule, { symbols: ['005930'], seed: 7, tradesPerSecond: 40 });
  });
  afterAll(async () => {
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps every committed batch when the writer is killed mid-stream, and the file takes more afterwards', async () => {
    const file = join(dir, 'ticks.db');
    const writer = runCli(['record', 'kiwoom', 'trades', '005930', '--sqlite', file], cleanEnv(sim.env));
    // Wait until at least two batches (one a second) are committed, then kill without warning.
    let seen = 0;
    const started = Date.now();
    while (Date.now() - started < 15_000) {
      await new Promise((r) => setTimeout(r, 200));
      try {
        seen = count(file);
      } catch {
        seen = 0; // not created yet
      }
      if (seen >= 5) break;
    }
    expect(seen).toBeGreaterThanOrEqual(5);
    writer.child.kill('SIGKILL');
    expect(await writer.exited).toBe('SIGKILL');

    // The file opens, is sound, and holds at least what was committed before the kill.
    const db = new Database(file);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    const rows = db.prepare('SELECT price, size, symbol, broker, timestamp FROM trades ORDER BY rowid').all() as {
      price: number;
      size: number;
      symbol: string;
      broker: string;
      timestamp: number;
    }[];
    db.close();
    expect(rows.length).toBeGreaterThanOrEqual(seen);
    for (const r of rows) {
      expect(r).toMatchObject({ symbol: '005930', broker: 'kiwoom' });
      expect(r.price).toBeGreaterThan(0);
      expect(r.size).toBeGreaterThan(0);
    }

    // A second run appends to the same file, and Ctrl-C ends it cleanly with its last batch stored.
    const again = runCli(['record', 'kiwoom', 'trades', '005930', '--sqlite', file], cleanEnv(sim.env));
    const resumed = Date.now();
    while (count(file) <= rows.length && Date.now() - resumed < 30_000) await new Promise((r) => setTimeout(r, 200));
    again.child.kill('SIGINT');
    expect(await again.exited).toBe(0);
    expect(again.stderr()).toMatch(/recording kiwoom trades 005930 → .*ticks\.db: \d+ events, \d+ rows stored, \d+ s \(closed\)/);
    expect(count(file)).toBeGreaterThan(rows.length);
  }, 60_000);

  it('fails before connecting, exit 2 with one line, on a database another process holds', async () => {
    const file = join(dir, 'locked.db');
    const holder = new Database(file);
    holder.exec('CREATE TABLE t (x)');
    holder.exec('BEGIN EXCLUSIVE');
    try {
      const run = runCli(['record', 'kiwoom', 'trades', '005930', '--sqlite', file], cleanEnv(sim.env));
      expect(await run.exited).toBe(2);
      expect(run.stderr()).toBe(`rx-market record: ${file}: the database is locked by another process\n`);
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
  });

  it('fails before connecting on a file that is not a database, and on a folder that does not exist', async () => {
    const junk = join(dir, 'junk.db');
    writeFileSync(junk, 'this is not a database, just text long enough to have a header page '.repeat(20));
    const notDb = runCli(['record', 'kiwoom', 'trades', '005930', '--sqlite', junk], cleanEnv(sim.env));
    expect(await notDb.exited).toBe(2);
    expect(notDb.stderr()).toBe(`rx-market record: ${junk}: not a SQLite database\n`);

    const nowhere = join(dir, 'no-such-folder', 'x.db');
    const missing = runCli(['record', 'kiwoom', 'trades', '005930', '--sqlite', nowhere], cleanEnv(sim.env));
    expect(await missing.exited).toBe(2);
    expect(missing.stderr()).toMatch(/^rx-market record: .*x\.db: Cannot open database because the directory does not exist/);
    expect(missing.stderr().split('\n')).toHaveLength(2);
  });

  it('asks for a target when neither --out nor --sqlite is given', async () => {
    const run = runCli(['record', 'kiwoom', 'trades', '005930'], cleanEnv(sim.env));
    expect(await run.exited).toBe(2);
    expect(run.stderr()).toBe('rx-market record: say where to record: --out FILE, --sqlite FILE, or both\n');
  });
});
