import { createReadStream } from 'fs';
import { createInterface } from 'readline';
import { createGunzip, constants as zlib } from 'zlib';
import { parseFrameLine, parseHeader, RecordedFrame, Recording } from './format';

/**
 * Reads a whole recording into memory. A file cut off while recording (no gzip trailer, a
 * partial last line) is read up to its last complete line and marked `truncated`. Errors name
 * the file and the line that is wrong.
 */
export async function readRecording(path: string): Promise<Recording> {
  const lines: string[] = [];
  // Z_SYNC_FLUSH as the final flush accepts a stream that stops without its trailer.
  const gunzip = createGunzip({ finishFlush: zlib.Z_SYNC_FLUSH });
  const source = createReadStream(path);
  source.on('error', (err) => gunzip.destroy(err));
  try {
    for await (const line of createInterface({ input: source.pipe(gunzip), crlfDelay: Infinity })) lines.push(line);
  } catch (err) {
    throw new Error(`${path}: ${describe(err)}`);
  }
  try {
    if (lines.length === 0) throw new Error('empty recording (no header line)');
    const header = parseHeader(lines[0]);
    const frames: RecordedFrame[] = [];
    let truncated = false;
    for (let i = 1; i < lines.length; i++) {
      try {
        frames.push(parseFrameLine(lines[i], i + 1));
      } catch (err) {
        // Only the last line may be broken: the one being written when the recording was cut off.
        if (i < lines.length - 1) throw err;
        truncated = true;
      }
    }
    return { header, frames, truncated };
  } catch (err) {
    throw new Error(`${path}: ${describe(err)}`);
  }
}

function describe(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e && (e.code === 'Z_DATA_ERROR' || e.code === 'Z_BUF_ERROR')) return 'not a gzip file (or corrupt)';
  if (e && e.code === 'ENOENT') return 'no such file';
  return e instanceof Error ? e.message : String(err);
}
