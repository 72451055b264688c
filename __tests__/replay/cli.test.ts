import { mkdtempSync, rmSync, statSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Subscription } from 'rxjs';
import { kiwoomModule } from '../../src/app/brokers/kiwoom';
import { cliStreams } from '../../src/app/contract-streams';
import { readRecording } from '../../src/app/replay';
import { startSimulator } from '../../src/app/sim/simulator';
import { cleanEnv, exportedEnv, runCli } from './support/cli';

const fast = { backoff: { initialMs: 20, maxMs: 50 }, connectionLingerMs: 0, keyLingerMs: 0 };

describe('rx-market record and replay', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'rx-market-cli-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('record stops cleanly on Ctrl-C with a complete file; replay serves it to a client, frame for frame', async () => {
    const file = join(dir, 'trades.ndjson.gz');
    const sim = await startSimulator(kiwoomModule, { symbols: ['005930'], seed: 4, tradesPerSecond: 20 });
    let recording;
    try {
      const record = runCli(['record', 'kiwoom', 'trades', '005930', '--out', file], cleanEnv(sim.env));
      // The writer flushes every second: wait for data on disk, then interrupt.
      const started = Date.now();
      // Kiwoom frames carry every FID of the sample (and batch entries): wait for a few kilobytes.
      while ((statSync(file, { throwIfNoEntry: false })?.size ?? 0) < 4_000 && Date.now() - started < 12_000) {
        await new Promise((r) => setTimeout(r, 50));
      }
      await new Promise((r) => setTimeout(r, 300));
      record.child.kill('SIGINT');
      expect(await record.exited).toBe(0);
      expect(record.stderr()).toMatch(/recording kiwoom trades 005930 → .*: \d+ frames, \d+ events, .* \(closed\)/);
      recording = await readRecording(file);
    } finally {
      await sim.stop();
    }
    expect(recording.truncated).toBe(false);
    expect(recording.header).toMatchObject({ format: 'rx-market-recording', broker: 'kiwoom', stream: 'trades', symbols: ['005930'] });
    const data = recording.frames.filter((f) => f.frame.includes('"REAL"'));
    expect(data.length).toBeGreaterThan(5);

    const replay = runCli(['replay', file, '--speed', '10']);
    const env = exportedEnv((await replay.waitFor(/KIWOOM_WS_URL=\S+\n/)).input!);
    await replay.waitFor(/waiting for a client to subscribe/, 'stderr');
    const feed = kiwoomModule.feedFromEnv(env, fast);
    const received: string[] = [];
    const client = new Subscription();
    client.add(feed.frames$.subscribe((f) => received.push(f.frame)));
    client.add(
      cliStreams(kiwoomModule)
        .trades.open(feed, ['005930'], {})
        .subscribe({ error: () => undefined }),
    );
    try {
      expect(await replay.exited).toBe(0);
      // Only data frames go out: the recorded session's LOGIN/REG acks and PINGs would confuse
      // a client that is having its own session.
      expect(replay.stderr()).toContain(`done: ${data.length} of ${recording.frames.length} frames sent`);
      expect(replay.stderr()).toMatch(/replay \|.*\| 100% · \d+\/\d+ frames/);
      const start = received.indexOf(data[0].frame);
      expect(start).toBeGreaterThan(0);
      expect(received.slice(start, start + data.length)).toEqual(data.map((f) => f.frame));
      const recordedControl = recording.frames.filter((f) => !f.frame.includes('"REAL"')).map((f) => f.frame);
      expect(recordedControl.length).toBeGreaterThan(0);
      expect(received.slice(start).filter((f) => recordedControl.includes(f) && !f.includes('PING'))).toEqual([]);
    } finally {
      client.unsubscribe();
    }
  }, 30_000);

  it('replay says clearly when the file is not a recording', async () => {
    const replay = runCli(['replay', join(dir, 'missing.ndjson.gz')]);
    expect(await replay.exited).toBe(2);
    expect(replay.stderr()).toMatch(/rx-market replay: .*missing\.ndjson\.gz: no such file/);
  });

  it('record fails at once, before connecting, when it cannot write --out', async () => {
    // No --duration: before the file was checked up front this ran until Ctrl-C.
    const record = runCli(
      ['record', 'kiwoom', 'trades', '005930', '--out', join(dir, 'missing-dir', 'x.gz')],
      cleanEnv({
        KIWOOM_APPKEY: 'k',
        KIWOOM_SECRETKEY: 's',
        KIWOOM_REST_URL: 'http://127.0.0.1:9',
        KIWOOM_WS_URL: 'ws://127.0.0.1:9/ws',
      }),
    );
    expect(await record.exited).toBe(1);
    expect(record.stderr()).toMatch(/rx-market record: ENOENT: no such file or directory, open '.*missing-dir/);
    expect(record.stderr()).not.toMatch(/recording kiwoom/);
  });

  it('record refuses an unknown stream before connecting', async () => {
    const record = runCli(['record', 'kiwoom', 'nope', '--out', join(dir, 'x.gz')]);
    expect(await record.exited).toBe(2);
    expect(record.stderr()).toMatch(/unknown kiwoom stream "nope"; known: trades, book/);
  });
});
