/** A recording whose file cannot keep up fails with a reason instead of growing in memory. */
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { createRecordingWriter, readRecording, recordingHeader } from '../../src/app/replay';

describe('recording writer back-pressure', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'rx-market-bounded-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const header = recordingHeader({ broker: 'kiwoom', stream: 'trades', symbols: ['005930'] }, 1_000_000);

  it('fails once more than maxQueuedBytes wait unwritten, and close() reports it', async () => {
    const path = join(dir, 'big.ndjson.gz');
    const writer = createRecordingWriter(path, header, { maxQueuedBytes: 64 * 1024 });
    await writer.opened;
    const frame = JSON.stringify({
      trnm: 'REAL',
      data: [{ type: '0B', item: '005930', values: { '10': '-60700', pad: 'x'.repeat(900) } }],
    });
    // Written in one go, faster than gzip and the file can take it.
    for (let i = 0; i < 1_000; i++) writer.write({ at: 1_000_000 + i, frame });
    const failure = await writer.failed;
    expect(failure.message).toMatch(/big\.ndjson\.gz is not being written fast enough: [\d.]+ MiB waiting \(limit 0\.1 MiB\)/);
    expect(writer.frames).toBeLessThan(1_000);
    await expect(writer.close()).rejects.toThrow(/not being written fast enough/);
  });

  it('keeps every frame while the file keeps up', async () => {
    const path = join(dir, 'ok.ndjson.gz');
    const writer = createRecordingWriter(path, header, { maxQueuedBytes: 64 * 1024 });
    await writer.opened;
    for (let i = 0; i < 50; i++) {
      writer.write({ at: 1_000_000 + i, frame: `{"n":${i}}` });
      await new Promise((r) => setImmediate(r));
    }
    await writer.close();
    const recording = await readRecording(path);
    expect(recording.frames.map((f) => f.frame)).toEqual(Array.from({ length: 50 }, (_, i) => `{"n":${i}}`));
  });
});
