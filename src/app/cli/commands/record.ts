import { usageProblem } from '../usage';
import { Command } from 'commander';
import { brokers, cliStreams, findBroker, StreamFlags } from '../../brokers';
import { RecordingWriter, createRecordingWriter } from '../../replay/writer';
import { recordingHeader } from '../../replay/format';
import { startRecorder } from '../../replay/recorder';
import { CliContext, exitCodes } from '../context';
import { positiveNumber } from '../args';
import { openSqliteFile } from '../sqlite-file';
import { toSqlite } from '../../../sqlite';
import { Observable, Subscription, filter, share } from 'rxjs';

interface RecordOptions {
  readonly out?: string;
  readonly sqlite?: string;
  readonly type?: string;
  readonly exchange?: string;
  readonly depth?: number;
  readonly duration?: number;
  readonly includeAccount?: boolean;
}

/** Streams of the user's own account: recorded only with --include-account. */
const ACCOUNT_STREAMS = new Set(['orders', 'fills', 'positions', 'balance', 'balances', 'account']);

/**
 * `rx-market record <broker> <stream> [symbols...] --out FILE`: keeps the stream subscribed and
 * writes every frame the connection receives, with its receive time, to a gzip NDJSON recording
 * (format in src/replay/format.ts). A status line goes to stderr. Ctrl-C (or --duration) ends it
 * cleanly: the gzip stream is finished and the file closed before exiting 0.
 * With `--sqlite FILE` the normalized events go to a SQLite database too (or instead), a
 * transaction per second; a locked or read-only database fails before connecting (exit 2).
 */
export function registerRecord(program: Command, context: CliContext): void {
  program
    .command('record')
    .description('record the raw frames of a live stream to a gzip NDJSON file (replay it with `rx-market replay`)')
    .argument('<broker>', `broker: ${brokers.map((b) => b.name).join(', ')}`)
    .argument('<stream>', 'stream name, as for `rx-market stream`')
    .argument('[symbols...]', 'instrument codes')
    .option('--out <file>', 'raw frames to write (conventionally *.ndjson.gz); replaced if it exists')
    .option('--sqlite <file>', 'normalized events to store in a SQLite database (created if missing, appended to)')
    .option('--type <code>', 'wire type code for the raw stream')
    .option('--exchange <venue>', 'venue, as for `rx-market stream`')
    .option('--depth <n>', 'order book depth', positiveNumber)
    .option('--duration <sec>', 'stop after this many seconds', positiveNumber)
    .option('--include-account', 'allow recording an account stream (orders, fills, positions, balances)')
    .action((brokerName: string, streamName: string, symbols: string[], options: RecordOptions) =>
      runRecord(context, brokerName, streamName, symbols, options),
    );
}

async function runRecord(
  context: CliContext,
  brokerName: string,
  streamName: string,
  symbols: readonly string[],
  options: RecordOptions,
): Promise<void> {
  const { io } = context;
  const fail = (code: number, message: string): void => {
    io.stderr.write(`rx-market record: ${message}\n`);
    context.setExitCode(code);
  };
  const module = findBroker(brokerName);
  if (!module) return fail(exitCodes.usage, `unknown broker "${brokerName}"; known: ${brokers.map((b) => b.name).join(', ')}`);
  const stream = cliStreams(module)[streamName];
  if (!stream)
    return fail(exitCodes.usage, `unknown ${module.name} stream "${streamName}"; known: ${Object.keys(cliStreams(module)).join(', ')}`);
  if (ACCOUNT_STREAMS.has(streamName) && !options.includeAccount) {
    return fail(exitCodes.usage, `${streamName} is account data; recording it needs --include-account (files are created 0600)`);
  }
  if (stream.takesSymbols && symbols.length === 0) return fail(exitCodes.usage, `${module.name} ${streamName} needs at least one symbol`);

  if (options.out === undefined && options.sqlite === undefined)
    return fail(exitCodes.usage, 'say where to record: --out FILE, --sqlite FILE, or both');

  let db: ReturnType<typeof openSqliteFile> | undefined;
  if (options.sqlite !== undefined) {
    try {
      db = openSqliteFile(options.sqlite);
    } catch (err) {
      return fail(exitCodes.usage, err instanceof Error ? err.message : String(err));
    }
  }

  const flags: StreamFlags = { type: options.type, exchange: options.exchange, depth: options.depth };
  const problem = usageProblem(stream, symbols, flags);
  if (problem !== undefined) {
    db?.close();
    return fail(exitCodes.usage, problem);
  }
  let recorder;
  let writer;
  const stored = { rows: 0 };
  const storing = new Subscription();
  let storeFailed: (err: unknown) => void = () => undefined;
  const storeFailure = new Promise<unknown>((resolve) => (storeFailed = resolve));
  try {
    const feed = module.feedFromEnv(io.env);
    const source = stream.open(feed, symbols, flags).pipe(share());
    const header = recordingHeader({ broker: module.name, stream: streamName, symbols, flags: definedOnly(flags) }, Date.now());
    writer = options.out !== undefined ? createRecordingWriter(options.out, header) : noFile(header);
    // A bad --out path fails here, before connecting, not at the end of a long session.
    await writer.opened;
    if (db) storing.add(store(source, db, stored, storeFailed));
    recorder = startRecorder(feed, source, writer);
  } catch (err) {
    storing.unsubscribe();
    db?.close();
    await writer?.close().catch(() => undefined);
    return fail(exitCodes.fatal, err instanceof Error ? err.message : String(err));
  }

  const tty = (io.stderr as { isTTY?: boolean }).isTTY === true;
  const started = Date.now();
  const targets = [options.out, options.sqlite].filter((t) => t !== undefined).join(' + ');
  const status = (): string =>
    `recording ${module.name} ${streamName}${symbols.length ? ` ${symbols.join(' ')}` : ''} → ${targets}: ` +
    (options.out !== undefined ? `${writer.frames} frames, ` : '') +
    `${recorder.events} events, ` +
    (db ? `${stored.rows} rows stored, ` : '') +
    (options.out !== undefined ? `${kib(writer.bytes)} on disk, ` : '') +
    `${Math.round((Date.now() - started) / 1000)} s`;
  // On a terminal the line is rewritten in place (padded over the previous one); in a log, one line every 5 s.
  let width = 0;
  const inPlace = (text: string): string => {
    const line = `\r${text.padEnd(width)}`;
    width = text.length;
    return line;
  };
  const ticker = setInterval(() => io.stderr.write(tty ? inPlace(status()) : `${status()}\n`), tty ? 250 : 5_000);

  const outcome = await new Promise<unknown>((resolve) => {
    const timer = options.duration !== undefined ? setTimeout(() => stop(undefined), options.duration * 1000) : undefined;
    const stop = (result: unknown): void => {
      if (timer) clearTimeout(timer);
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
      resolve(result);
    };
    const onSignal = (): void => stop(undefined);
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    void recorder.ended.then(stop);
    // A write error (disk full) ends the recording now; close() below reports it.
    void writer.failed.then(() => stop(undefined));
    void storeFailure.then((err) =>
      stop(new Error(`could not store to ${options.sqlite}: ${err instanceof Error ? err.message : String(err)}`)),
    );
  });
  clearInterval(ticker);
  // A second Ctrl-C while the file is being finished would cut off the gzip trailer: wait for it.
  const patience = (): void => void io.stderr.write('\nfinishing the recording…\n');
  process.on('SIGINT', patience);
  try {
    // Unsubscribing commits the open batch.
    storing.unsubscribe();
    db?.close();
    await recorder.stop();
  } catch (err) {
    return fail(exitCodes.fatal, `could not finish ${options.out}: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    process.removeListener('SIGINT', patience);
  }
  io.stderr.write(`${tty ? inPlace(`${status()} (closed)`) : `${status()} (closed)`}\n`);
  if (outcome !== undefined) fail(exitCodes.fatal, `the stream failed: ${outcome instanceof Error ? outcome.message : String(outcome)}`);
}

const kib = (bytes: number): string => (bytes < 10_240 ? `${bytes} B` : `${Math.round(bytes / 1024)} KiB`);

function definedOnly(flags: StreamFlags): { type?: string; exchange?: string; depth?: number } {
  return Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined));
}

/** Stores the stream's normalized events (not the raw lines) in SQLite; counts committed rows. */
function store(
  source: Observable<unknown>,
  db: Parameters<typeof toSqlite>[0],
  stored: { rows: number },
  failed: (err: unknown) => void,
): Subscription {
  return source
    .pipe(
      filter((e): e is { kind: string } => typeof e === 'object' && e !== null && typeof (e as { kind?: unknown }).kind === 'string'),
      toSqlite(db),
    )
    .subscribe({ next: (batch) => (stored.rows = batch.total), error: failed });
}

/** The writer when only --sqlite is asked for: frames go nowhere. */
function noFile(header: RecordingWriter['header']): RecordingWriter {
  return {
    path: '',
    header,
    write: () => undefined,
    frames: 0,
    bytes: 0,
    opened: Promise.resolve(),
    failed: new Promise(() => undefined),
    close: async () => undefined,
  };
}
