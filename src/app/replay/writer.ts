import { chmod, createWriteStream } from 'fs';
import { createGzip, constants as zlib } from 'zlib';
import { ReceivedFrame } from '../../core/session-types';
import { frameLine, headerLine, RecordingHeader } from './format';

export interface RecordingWriter {
  readonly path: string;
  readonly header: RecordingHeader;
  /** Appends a received frame (its offset counted from the header's `startedAt`). */
  write(frame: ReceivedFrame): void;
  /** Frames written so far. */
  readonly frames: number;
  /** Compressed bytes on disk so far. */
  readonly bytes: number;
  /** Resolves once the file is open for writing; rejects (e.g. no such directory) if it cannot be. */
  readonly opened: Promise<void>;
  /** Resolves with the first write error (disk full, file gone), so a recorder can stop at once; never rejects. */
  readonly failed: Promise<Error>;
  /**
   * Finishes the gzip stream and closes the file; resolves once everything is on disk. Safe to
   * call more than once (from a signal handler and a normal end alike).
   */
  close(): Promise<void>;
}

export interface RecordingWriterOptions {
  /** How often buffered frames are flushed to the file, so an abrupt end loses at most this much. Default 1 000 ms. */
  readonly flushEveryMs?: number;
  /**
   * Compressed and uncompressed bytes the file may hold unwritten (the disk or the file system
   * stalled) before the recording fails instead of growing in memory. Default 16 MiB.
   */
  readonly maxQueuedBytes?: number;
}

/**
 * Writes a recording (see format.ts) to `path`, replacing the file. Frames go through one gzip
 * stream; a sync flush every `flushEveryMs` pushes whole lines to disk, so a process killed
 * without `close()` leaves a file that `readRecording` still reads up to the last flush.
 */
export function createRecordingWriter(path: string, header: RecordingHeader, options: RecordingWriterOptions = {}): RecordingWriter {
  // Recordings may hold account data: readable by the owner only (an existing file is re-moded).
  const file = createWriteStream(path, { mode: 0o600 });
  file.once('open', () => chmod(path, 0o600, () => undefined));
  const gzip = createGzip();
  gzip.pipe(file);
  let failure: Error | undefined;
  let reportFailure: (err: Error) => void = () => undefined;
  const failed = new Promise<Error>((resolve) => (reportFailure = resolve));
  const fail = (err: Error): void => {
    failure ??= err;
    reportFailure(failure);
  };
  file.on('error', fail);
  gzip.on('error', fail);
  const opened = new Promise<void>((resolve, reject) => {
    file.once('ready', () => resolve());
    void failed.then(reject);
  });
  // A caller that never awaits `opened` learns of the error from close() instead.
  opened.catch(() => undefined);
  gzip.write(headerLine(header));

  const maxQueued = options.maxQueuedBytes ?? 16 * 1024 * 1024;
  let frames = 0;
  let dirty = false;
  let lastT = 0;
  const flusher = setInterval(() => {
    if (dirty && !gzip.writableEnded) {
      dirty = false;
      gzip.flush(zlib.Z_SYNC_FLUSH);
    }
  }, options.flushEveryMs ?? 1_000);
  flusher.unref();

  let closed: Promise<void> | undefined;
  return {
    path,
    header,
    get frames() {
      return frames;
    },
    get bytes() {
      return file.bytesWritten;
    },
    opened,
    failed,
    write(received) {
      if (closed) throw new Error('recording already closed');
      // Offsets never go back, even if the clock does.
      lastT = Math.max(lastT, Math.round(received.at - header.startedAt));
      if (failure) return;
      gzip.write(frameLine({ t: lastT, frame: received.frame }));
      frames += 1;
      dirty = true;
      const queued = gzip.writableLength + file.writableLength;
      if (queued > maxQueued) {
        fail(
          new Error(
            `${path} is not being written fast enough: ${(queued / 1048576).toFixed(1)} MiB waiting (limit ${(maxQueued / 1048576).toFixed(1)} MiB)`,
          ),
        );
      }
    },
    close() {
      closed ??= new Promise<void>((resolve, reject) => {
        clearInterval(flusher);
        const done = (): void => (failure ? reject(failure) : resolve());
        if (failure) return done();
        file.once('close', done);
        file.once('error', () => done());
        gzip.end();
      });
      return closed;
    },
  };
}
