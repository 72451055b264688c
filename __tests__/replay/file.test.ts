import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { gunzipSync, gzipSync } from 'zlib';
import { createRecordingWriter, readRecording, recordingHeader } from '../../src/app/replay';

describe('recording files', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'rx-market-rec-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const header = recordingHeader({ broker: 'kiwoom', stream: 'trades', symbols: ['005930', '000660'] }, 1_000_000);
  const frames = [
    '{"trnm":"LOGIN","return_code":0}',
    '{"trnm":"REAL","data":[{"type":"0B","item":"005930","values":{"10":"-60700"}}]}',
    'line with\nnewline, "quotes" and 한글',
    '{"trnm":"PING"}',
  ];

  it('writes gzip NDJSON: a header line, then {t, frame} lines, read back exactly', async () => {
    const path = join(dir, 'a.ndjson.gz');
    const writer = createRecordingWriter(path, header);
    frames.forEach((frame, i) => writer.write({ at: 1_000_000 + i * 250, frame }));
    expect(writer.frames).toBe(4);
    await writer.close();
    await writer.close(); // a second close (signal + normal end) is harmless

    const lines = gunzipSync(readFileSync(path)).toString('utf8').split('\n');
    expect(JSON.parse(lines[0])).toEqual({
      format: 'rx-market-recording',
      version: 1,
      broker: 'kiwoom',
      stream: 'trades',
      symbols: ['005930', '000660'],
      started: '1970-01-01T00:16:40.000Z',
      startedAt: 1_000_000,
    });
    expect(JSON.parse(lines[2])).toEqual({ t: 250, frame: frames[1] });
    expect(lines).toHaveLength(6); // 5 lines and the final newline

    const recording = await readRecording(path);
    expect(recording.header).toEqual(header);
    expect(recording.frames).toEqual(frames.map((frame, i) => ({ t: i * 250, frame })));
    expect(recording.truncated).toBe(false);
  });

  it('keeps offsets from going back when the clock does', async () => {
    const path = join(dir, 'b.ndjson.gz');
    const writer = createRecordingWriter(path, header);
    writer.write({ at: 1_000_500, frame: 'a' });
    writer.write({ at: 1_000_100, frame: 'b' });
    await writer.close();
    expect((await readRecording(path)).frames.map((f) => f.t)).toEqual([500, 500]);
  });

  it('a recording cut off without close() is readable up to its last flush', async () => {
    const path = join(dir, 'c.ndjson.gz');
    const writer = createRecordingWriter(path, header, { flushEveryMs: 20 });
    frames.forEach((frame, i) => writer.write({ at: 1_000_000 + i, frame }));
    await new Promise((r) => setTimeout(r, 200));
    // What is on disk now, as a killed process would leave it (no gzip trailer):
    const cut = join(dir, 'cut.ndjson.gz');
    writeFileSync(cut, readFileSync(path));
    await writer.close();
    const recording = await readRecording(cut);
    expect(recording.frames.map((f) => f.frame)).toEqual(frames);

    // And a file that ends inside a line drops only that line.
    const text = gunzipSync(readFileSync(path)).toString('utf8');
    const partial = join(dir, 'partial.ndjson.gz');
    writeFileSync(partial, gzipSync(text.slice(0, text.length - 10)));
    const partialRec = await readRecording(partial);
    expect(partialRec.frames.map((f) => f.frame)).toEqual(frames.slice(0, 3));
    expect(partialRec.truncated).toBe(true);
  });

  it('says when the file opens, and reports a file it cannot write at once', async () => {
    const good = createRecordingWriter(join(dir, 'ok.ndjson.gz'), header);
    await expect(good.opened).resolves.toBeUndefined();
    await good.close();

    const bad = createRecordingWriter(join(dir, 'no-such-dir', 'x.ndjson.gz'), header);
    await expect(bad.opened).rejects.toThrow(/ENOENT/);
    await expect(bad.failed).resolves.toThrow(/ENOENT/);
    await expect(bad.close()).rejects.toThrow(/ENOENT/);
  });

  it('says clearly what is wrong with a file that is not a recording', async () => {
    const plain = join(dir, 'plain.txt');
    writeFileSync(plain, 'hello');
    await expect(readRecording(plain)).rejects.toThrow(/not a gzip file/);
    await expect(readRecording(join(dir, 'missing.gz'))).rejects.toThrow(/no such file/);
    const wrongHeader = join(dir, 'h.gz');
    writeFileSync(wrongHeader, gzipSync('{"format":"other"}\n'));
    await expect(readRecording(wrongHeader)).rejects.toThrow(/line 1: not an rx-market-recording v1 header/);
    const badLine = join(dir, 'l.gz');
    writeFileSync(badLine, gzipSync(`${JSON.stringify(header)}\n{"t":1,"frame":"x"}\n{"t":-5,"frame":"y"}\n{"t":3,"frame":"z"}\n`));
    await expect(readRecording(badLine)).rejects.toThrow(/line 3: not a \{t, frame\} line \(bad t\)/);
  });
});
