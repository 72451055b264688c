/**
 * The CLI's output path: lines batched, back-pressure bounded, EPIPE quiet. In process on test
 * streams (lineOutput), and the built CLI against the Kiwoom loopback server.
 */
import { PassThrough, Writable } from 'stream';
import { lineOutput } from '../../src/app/cli/line-output';
import { CliRun, killRunningClis, spawnCli } from '../support/cli';
import { startKiwoomServer, KiwoomServer } from '../../src/testing';
import { kstInstant } from '../../src/brokers/kiwoom/mapping';

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('lineOutput', () => {
  it('hands the lines of one burst to the sink in one write, in order', async () => {
    const writes: string[] = [];
    const sink = new Writable({ write: (chunk: Buffer, _enc, cb) => (writes.push(chunk.toString()), cb()) });
    const out = lineOutput(sink);
    out.line('{"a":1}');
    out.line('{"a":2}');
    out.line('{"a":3}');
    await tick();
    out.line('{"a":4}');
    await out.flush();
    expect(writes.filter((w) => w !== '')).toEqual(['{"a":1}\n{"a":2}\n{"a":3}\n', '{"a":4}\n']);
  });

  it('ends with a reason once more than the bound waits unread', async () => {
    // A sink that never finishes a write: everything stays queued.
    const sink = new Writable({ highWaterMark: 1024, write: () => undefined });
    const out = lineOutput(sink, { maxQueuedBytes: 10_000 });
    const line = 'x'.repeat(99);
    let ended: unknown;
    void out.ended.then((e) => (ended = e));
    for (let burst = 0; burst < 20 && ended === undefined; burst++) {
      for (let i = 0; i < 10; i++) out.line(line);
      await tick();
    }
    expect(ended).toEqual({
      quiet: false,
      message: expect.stringMatching(/^the output is not being read fast enough: \d+ KiB waiting \(limit 10 KiB\); stopped$/),
    });
    // Nothing more is queued once it has ended.
    const queued = sink.writableLength;
    out.line(line);
    await tick();
    expect(sink.writableLength).toBe(queued);
  });

  it('ends quietly when the reader is gone (EPIPE)', async () => {
    const sink = new PassThrough();
    const out = lineOutput(sink);
    out.line('{}');
    sink.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    await expect(out.ended).resolves.toEqual({ quiet: true });
  });

  it('reports other write errors', async () => {
    const sink = new PassThrough();
    const out = lineOutput(sink);
    sink.emit('error', Object.assign(new Error('no space left on device'), { code: 'ENOSPC' }));
    await expect(out.ended).resolves.toEqual({ quiet: false, message: 'cannot write the output: no space left on device' });
  });
});

describe('rx-market stream output (built CLI)', () => {
  let server: KiwoomServer;
  beforeEach(async () => {
    server = await startKiwoomServer({ pingIntervalMs: 0 });
  });
  afterEach(async () => {
    killRunningClis();
    await server.close();
  });

  const at = kstInstant(Date.parse('2026-11-20T09:01:01+09:00'));
  const publishTrades = (n: number): void => {
    for (let i = 0; i < n; i++) {
      server.publish({
        kind: 'trade',
        broker: 'kiwoom',
        symbol: '005930',
        price: 60_000 + (i % 500),
        size: 1 + (i % 9),
        side: 'buy',
        direction: 'up',
        ...at,
        raw: {},
      });
    }
  };

  it('stops with one rx-market: line and exit 1 when stdout is not read', async () => {
    const run: CliRun = spawnCli(['stream', 'kiwoom', 'trades', '005930', '--max-buffer', '1', '--timeout', '60'], server.env);
    run.child.stdout!.pause(); // nobody reads: the pipe fills, then the CLI's own queue
    await server.waitFor(() => server.registrations().includes('0B|005930'), 15_000);
    for (let i = 0; i < 60 && run.child.exitCode === null; i++) {
      publishTrades(2_000);
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(await run.code).toBe(1);
    const errors = run
      .stderr()
      .split('\n')
      .filter((l) => l.startsWith('rx-market:'));
    expect(errors).toEqual([
      expect.stringMatching(/^rx-market: the output is not being read fast enough: [\d.]+ MiB waiting \(limit 1\.0 MiB\); stopped$/),
    ]);
  }, 60_000);

  it('ends quietly with exit 0 when the reader goes away (EPIPE)', async () => {
    const run = spawnCli(['stream', 'kiwoom', 'trades', '005930', '--timeout', '60'], server.env);
    await server.waitFor(() => server.registrations().includes('0B|005930'), 15_000);
    const firstLine = new Promise<void>((resolve) => run.child.stdout!.once('data', () => resolve()));
    publishTrades(10);
    await firstLine;
    run.child.stdout!.destroy(); // like `| head -1` exiting
    for (let i = 0; i < 100 && run.child.exitCode === null; i++) {
      publishTrades(50);
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(await run.code).toBe(0);
    expect(run.stderr()).not.toMatch(/rx-market:|EPIPE|Error/);
  }, 60_000);
});
