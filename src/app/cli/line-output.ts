/**
 * NDJSON output with back-pressure: lines are gathered and handed to the sink in one write per
 * burst (everything emitted while one socket frame is handled: the batch is flushed in a
 * microtask), and what the sink has not taken yet is bounded.
 *
 *   lines:   a-b-c---------d------e-f--
 *   writes:  (abc)---------(d)----(ef)-     one write per frame/tick, never one per line
 *
 * - The sink is slower than the feed: its queue grows; past `maxQueuedBytes` the output fails
 *   with a one-line reason (the CLI prints it and exits 1) instead of growing without end.
 * - The reader went away (EPIPE, e.g. `| head`): the output ends quietly.
 */
export interface LineOutputOptions {
  /** Output the sink may hold unwritten before the stream is stopped. Default 16 MiB. */
  readonly maxQueuedBytes?: number;
}

export const DEFAULT_MAX_QUEUED_BYTES = 16 * 1024 * 1024;

/** How the output ended early: the reader left (quiet), or a reason to report. */
export type OutputEnd = { readonly quiet: true } | { readonly quiet: false; readonly message: string };

export interface LineOutput {
  /** Queues one line (without its newline). Ignored once the output has ended. */
  line(text: string): void;
  /** Resolves when the output cannot go on (see OutputEnd); never rejects. */
  readonly ended: Promise<OutputEnd>;
  /** Writes what is queued now; resolves once the sink took it (or at once if it has ended). */
  flush(): Promise<void>;
  /** Stops listening to the sink. */
  close(): void;
}

/** The part of a writable stream this needs (process.stdout, or a test's stream). */
export type Sink = NodeJS.WritableStream & { readonly writableLength?: number };

export function lineOutput(sink: Sink, options: LineOutputOptions = {}): LineOutput {
  const max = options.maxQueuedBytes ?? DEFAULT_MAX_QUEUED_BYTES;
  let batch = '';
  let scheduled = false;
  let over = false;
  let resolveEnd!: (end: OutputEnd) => void;
  const ended = new Promise<OutputEnd>((resolve) => (resolveEnd = resolve));
  const end = (how: OutputEnd): void => {
    if (over) return;
    over = true;
    batch = '';
    resolveEnd(how);
  };
  const onError = (err: NodeJS.ErrnoException): void =>
    end(
      err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED'
        ? { quiet: true }
        : { quiet: false, message: `cannot write the output: ${err.message}` },
    );
  sink.on('error', onError);

  const flush = (): void => {
    scheduled = false;
    if (over || batch === '') return;
    const text = batch;
    batch = '';
    sink.write(text);
    const queued = sink.writableLength ?? 0;
    if (queued > max) {
      end({
        quiet: false,
        message: `the output is not being read fast enough: ${mib(queued)} waiting (limit ${mib(max)}); stopped`,
      });
    }
  };

  return {
    line(text) {
      if (over) return;
      batch += `${text}\n`;
      if (!scheduled) {
        scheduled = true;
        queueMicrotask(flush);
      }
    },
    ended,
    flush() {
      flush();
      if (over) return Promise.resolve();
      return new Promise<void>((resolve) => sink.write('', () => resolve()));
    },
    close() {
      sink.removeListener('error', onError);
      // Later EPIPEs (the reader leaving while we exit) stay quiet.
      sink.on('error', () => undefined);
    },
  };
}

function mib(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1)} MiB` : `${Math.round(bytes / 1024)} KiB`;
}
