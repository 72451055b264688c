import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { lastValueFrom, merge, Subscription } from 'rxjs';
import { kiwoomModule } from '../../src/app/brokers/kiwoom';
import { cliStreams } from '../../src/app/contract-streams';
import { startKiwoomServer } from '../../src/testing';
import { ReceivedFrame } from '../../src/core/session-types';
import { Trade } from '../../src/model/market';
import { createRecordingWriter, readRecording, recordingHeader, replayToServer, startRecorder } from '../../src/app/replay';
import { startSimulator } from '../../src/app/sim/simulator';

const fast = { backoff: { initialMs: 20, maxMs: 50 }, connectionLingerMs: 0, keyLingerMs: 0 };
const waitUntil = async (ok: () => boolean, what: string, ms = 8_000): Promise<void> => {
  const started = Date.now();
  while (!ok()) {
    if (Date.now() - started > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};
const plain = (t: Trade) => ({ symbol: t.symbol, price: t.price, size: t.size, side: t.side, time: t.time });

describe('record → replay round trip through real Kiwoom loopback servers', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'rx-market-rt-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('replays exactly the recorded frames, in order, and a client decodes the same trades', async () => {
    const symbols = ['005930', '000660'];
    const path = join(dir, 'session.ndjson.gz');

    // 1. Record a simulated session as a client sees it.
    const sim = await startSimulator(kiwoomModule, { symbols, seed: 9, tradesPerSecond: 15 });
    const recordedFeed = kiwoomModule.feedFromEnv(sim.env, fast);
    const seen: ReceivedFrame[] = [];
    const tradesSeen: Trade[] = [];
    const watch = new Subscription();
    watch.add(recordedFeed.frames$.subscribe((f) => seen.push(f)));
    const stream$ = merge(...symbols.map((s) => cliStreams(kiwoomModule).trades.open(recordedFeed, [s], {})));
    watch.add(stream$.subscribe((t) => tradesSeen.push(t as Trade)));
    const writer = createRecordingWriter(path, recordingHeader({ broker: 'kiwoom', stream: 'trades', symbols }, Date.now()));
    const recorder = startRecorder(recordedFeed, stream$, writer);
    await waitUntil(() => tradesSeen.length >= 30, 'trades to record');
    await recorder.stop();
    watch.unsubscribe();
    await new Promise((r) => setTimeout(r, 50)); // let the feed release its keys and close first
    await sim.stop();

    const recording = await readRecording(path);
    expect(recording.truncated).toBe(false);
    expect(recording.header).toMatchObject({ broker: 'kiwoom', stream: 'trades', symbols });
    // Kiwoom batches a moment's entries of one item into one REAL frame: fewer frames than trades.
    expect(recording.frames.length).toBeGreaterThan(5);
    // The file holds what the connection received, in order (the recorder stopped at most a frame or two early).
    expect(recording.frames.map((f) => f.frame)).toEqual(seen.slice(0, recording.frames.length).map((f) => f.frame));
    expect(recording.frames.map((f) => f.t)).toEqual(
      seen.slice(0, recording.frames.length).map((f) => Math.max(0, f.at - recording.header.startedAt)),
    );

    // 2. Replay it through a fresh server (no pings, no market of its own) to a new client.
    const server = await startKiwoomServer({ pingIntervalMs: 0 });
    const replayFeed = kiwoomModule.feedFromEnv(server.env, fast);
    const received: string[] = [];
    const tradesReplayed: Trade[] = [];
    const client = new Subscription();
    let activeKeys = 0;
    client.add(replayFeed.frames$.subscribe((f) => received.push(f.frame)));
    client.add(replayFeed.subscriptions$.subscribe((keys) => (activeKeys = keys.filter((k) => k.state === 'active').length)));
    client.add(
      merge(...symbols.map((s) => cliStreams(kiwoomModule).trades.open(replayFeed, [s], {}))).subscribe((t) =>
        tradesReplayed.push(t as Trade),
      ),
    );
    try {
      await waitUntil(() => server.subscribedSymbols().length === symbols.length, 'the client to subscribe');
      await waitUntil(() => activeKeys === symbols.length, 'the subscription acks');
      const before = received.length;
      const progress = await lastValueFrom(replayToServer(recording, server, { speed: 20 }));
      expect(progress).toMatchObject({ done: recording.frames.length, sent: recording.frames.length, total: recording.frames.length });
      await waitUntil(() => received.length >= before + recording.frames.length, 'the replayed frames');

      expect(received.slice(before)).toEqual(recording.frames.map((f) => f.frame));
      const recordedTrades = tradesSeen.slice(0, tradesReplayed.length).map(plain);
      expect(tradesReplayed.length).toBeGreaterThanOrEqual(30);
      expect(tradesReplayed.map(plain)).toEqual(recordedTrades);
    } finally {
      client.unsubscribe();
      await new Promise((r) => setTimeout(r, 50));
      await server.close();
    }
  });
});
