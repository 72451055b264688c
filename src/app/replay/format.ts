/**
 * The recording format: gzip-compressed NDJSON (one JSON object per line, UTF-8, '\n' endings).
 *
 * Line 1, the header:
 *   {"format":"rx-market-recording","version":1,"broker":"kiwoom","stream":"trades",
 *    "symbols":["005930"],"flags":{},"started":"2026-11-20T00:00:00.000Z","startedAt":1794960000000}
 * Every later line, one received frame:
 *   {"t":125,"frame":"{\"trnm\":\"REAL\",...}"}
 * where `t` is the receive time in milliseconds after `startedAt` (whole, never decreasing) and
 * `frame` is the WebSocket text frame exactly as it arrived: every frame of the connection,
 * data and control alike (acks, heartbeats, notices).
 *
 * A recording cut off without closing (power loss, kill -9) is still readable up to the last
 * complete line: the writer flushes the compressor every second, and the reader accepts a
 * stream that ends mid-way.
 */
import * as t from 'io-ts';
import { isLeft } from 'fp-ts/Either';

export const RECORDING_FORMAT = 'rx-market-recording';
export const RECORDING_VERSION = 1;

const NonNegativeNumber = new t.Type<number, number, unknown>(
  'NonNegativeNumber',
  (u): u is number => typeof u === 'number' && Number.isFinite(u) && u >= 0,
  (u, c) => (typeof u === 'number' && Number.isFinite(u) && u >= 0 ? t.success(u) : t.failure(u, c)),
  t.identity,
);

const Flags = t.partial({ type: t.string, exchange: t.string, depth: t.number });

export const RecordingHeader = t.intersection([
  t.type({
    format: t.literal(RECORDING_FORMAT),
    version: t.literal(RECORDING_VERSION),
    broker: t.string,
    stream: t.string,
    symbols: t.array(t.string),
    /** ISO-8601 (UTC) of `startedAt`, for people reading the file. */
    started: t.string,
    /** Epoch ms that frame offsets count from. */
    startedAt: NonNegativeNumber,
  }),
  t.partial({ flags: Flags }),
]);
export type RecordingHeader = t.TypeOf<typeof RecordingHeader>;

export const RecordedFrame = t.type({ t: NonNegativeNumber, frame: t.string });
/** One frame of a recording: receive offset `t` (ms after the header's `startedAt`) and the text. */
export type RecordedFrame = t.TypeOf<typeof RecordedFrame>;

export interface Recording {
  readonly header: RecordingHeader;
  readonly frames: readonly RecordedFrame[];
  /** The file ended inside a line (cut off while recording); that line was dropped. */
  readonly truncated: boolean;
}

/** A header for a recording starting now. */
export function recordingHeader(
  fields: {
    readonly broker: string;
    readonly stream: string;
    readonly symbols: readonly string[];
    readonly flags?: RecordingHeader['flags'];
  },
  startedAt: number,
): RecordingHeader {
  return {
    format: RECORDING_FORMAT,
    version: RECORDING_VERSION,
    broker: fields.broker,
    stream: fields.stream,
    symbols: [...fields.symbols],
    ...(fields.flags && Object.keys(fields.flags).length > 0 ? { flags: fields.flags } : {}),
    started: new Date(startedAt).toISOString(),
    startedAt,
  };
}

function parseLine<A>(codec: t.Decoder<unknown, A>, line: string, lineNo: number, what: string): A {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    throw new Error(`line ${lineNo}: not JSON (expected ${what})`);
  }
  const decoded = codec.decode(json);
  if (isLeft(decoded)) {
    const paths = decoded.left.map(
      (e) =>
        e.context
          .map((c) => c.key)
          .filter(Boolean)
          .join('.') || '(root)',
    );
    throw new Error(`line ${lineNo}: not ${what} (bad ${[...new Set(paths)].join(', ')})`);
  }
  return decoded.right;
}

/** The header line, or an Error saying why this is not a recording. */
export function parseHeader(line: string): RecordingHeader {
  return parseLine(RecordingHeader, line, 1, `an ${RECORDING_FORMAT} v${RECORDING_VERSION} header`);
}

/** One frame line (`lineNo` for the error message). */
export function parseFrameLine(line: string, lineNo: number): RecordedFrame {
  return parseLine(RecordedFrame, line, lineNo, 'a {t, frame} line');
}

/** The NDJSON text of a whole recording (uncompressed): header, then one line per frame. */
export function parseRecordingText(text: string): Recording {
  const truncated = text.length > 0 && !text.endsWith('\n');
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '' || truncated) lines.pop();
  if (lines.length === 0) throw new Error('empty recording (no header line)');
  const header = parseHeader(lines[0]);
  const frames = lines.slice(1).map((line, i) => parseFrameLine(line, i + 2));
  return { header, frames, truncated };
}

export const headerLine = (header: RecordingHeader): string => `${JSON.stringify(header)}\n`;
export const frameLine = (frame: RecordedFrame): string => `${JSON.stringify({ t: frame.t, frame: frame.frame })}\n`;
