import { Command } from 'commander';
import { BackfillSpec, backfillSpec, messageOf, oneLine, positiveInt, positiveNumber } from '../args';
import { Observable, Subject, Subscription, merge, of, skipWhile, take } from 'rxjs';
import { FeedError } from '../../../core/errors';
import { backfillTrades } from '../../../feed/backfill';
import { gapsFromStatus } from '../../../feed/gaps';
import { MarketRest } from '../../../feed/rest-source';
import { Trade } from '../../../model';
import { brokers, cliStreams, findBroker, Feed, StreamFlags, StreamLine } from '../../brokers';
import { FeedStatus } from '../../../core/status';
import { CliContext, exitCodes } from '../context';
import { lineOutput } from '../line-output';
import { usageProblem } from '../usage';

interface StreamOptions {
  readonly type?: string;
  readonly exchange?: string;
  readonly depth?: number;
  readonly count?: number;
  readonly timeout?: number;
  readonly raw?: boolean;
  readonly maxBuffer?: number;
  readonly backfill?: BackfillSpec;
}

/**
 * `rx-market stream <broker> <stream> [symbols...]`: one normalized event per NDJSON line on
 * stdout and nothing else there; status and errors on stderr. Exits 0 after --count events,
 * 1 on a fatal error, 3 when --timeout passes first. Reconnects and bad frames do not stop it.
 * Lines go out in one write per burst; a reader that leaves (EPIPE) ends it quietly (exit 0), one
 * that stops reading ends it with exit 1 once --max-buffer MiB wait unread.
 */
export function registerStream(program: Command, context: CliContext): void {
  program
    .command('stream')
    .description('print a live stream as NDJSON, one normalized event per line')
    .argument('<broker>', `broker: ${brokers.map((b) => b.name).join(', ') || '(none registered)'}`)
    .argument('<stream>', "stream name, e.g. trades, book, quotes, orders (every broker's below)")
    .argument('[symbols...]', 'instrument codes, e.g. 005930 or BTCUSDT')
    .option('--type <code>', 'wire type code for the raw stream (e.g. 0J)')
    .option('--exchange <venue>', 'venue, e.g. KRX, NXT, SOR (Kiwoom) or KRX, NXT, UN (KIS)')
    .option('--depth <n>', 'order book depth where the broker offers several', positiveInt)
    .option('--count <n>', 'exit 0 after this many events', positiveInt)
    .option('--timeout <sec>', 'exit non-zero if this many seconds pass first', positiveNumber)
    .option('--raw', "include each event's raw broker record")
    .option(
      '--backfill <duration|count>',
      'trades: first the REST trades of this long ago (90s, 5m) or this many (200), then live, de-duplicated; the same after every gap',
      backfillSpec,
    )
    .option('--max-buffer <MiB>', 'output a slow reader may leave unread before the stream stops with exit 1', positiveNumber, 16)
    .action((brokerName: string, streamName: string, symbols: string[], options: StreamOptions) =>
      runStream(context, brokerName, streamName, symbols, options),
    );
}

async function runStream(
  context: CliContext,
  brokerName: string,
  streamName: string,
  symbols: readonly string[],
  options: StreamOptions,
): Promise<void> {
  const { io } = context;
  const fail = (code: number, message: string): void => {
    io.stderr.write(`rx-market: ${oneLine(message)}\n`);
    context.setExitCode(code);
  };

  const broker = findBroker(brokerName);
  if (!broker) return fail(exitCodes.usage, `unknown broker "${brokerName}"; known: ${brokers.map((b) => b.name).join(', ')}`);
  const stream = cliStreams(broker)[streamName];
  if (!stream) {
    return fail(exitCodes.usage, `unknown ${broker.name} stream "${streamName}"; known: ${Object.keys(cliStreams(broker)).join(', ')}`);
  }
  if (stream.takesSymbols && symbols.length === 0) return fail(exitCodes.usage, `${broker.name} ${streamName} needs at least one symbol`);
  const flags: StreamFlags = { type: options.type, exchange: options.exchange, depth: options.depth };
  // Flags and symbols are checked before credentials: a typo is a usage error wherever it runs.
  const problem = usageProblem(stream, symbols, flags);
  if (problem !== undefined) return fail(exitCodes.usage, problem);

  if (options.backfill && streamName !== 'trades') return fail(exitCodes.usage, `--backfill applies to trades, not ${streamName}`);

  let feed: Feed;
  let source: Observable<StreamLine>;
  const backfillErrors = new Subject<FeedError>();
  try {
    feed = broker.feedFromEnv(io.env, { connectionLingerMs: 0, keyLingerMs: 0 });
    source = stream.open(feed, symbols, flags);
    if (options.backfill)
      source = withBackfill(feed, source as Observable<Trade>, symbols, options.backfill, (e) => backfillErrors.next(e));
  } catch (err) {
    return fail(exitCodes.fatal, messageOf(err));
  }

  const subscriptions = new Subscription();
  let received = 0;
  // Lines go out in one write per burst; a reader that stalls past the bound stops the stream.
  const out = lineOutput(io.stdout, { maxQueuedBytes: (options.maxBuffer ?? 16) * 1024 * 1024 });
  await new Promise<void>((resolve) => {
    let finished = false;
    const finish = (code: number, message?: string): void => {
      if (finished) return;
      finished = true;
      void out.flush();
      out.close();
      if (message) io.stderr.write(`rx-market: ${oneLine(message)}\n`);
      context.setExitCode(code);
      subscriptions.unsubscribe();
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
      clearTimeout(timer);
      resolve();
    };
    const onSignal = (): void => finish(exitCodes.interrupted);
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    const timer = options.timeout
      ? setTimeout(
          () =>
            finish(exitCodes.timeout, `timed out after ${options.timeout} s with ${received} of ${options.count ?? 'unlimited'} events`),
          options.timeout * 1000,
        )
      : undefined;

    // The reader left (EPIPE): end quietly; it stalled beyond the bound: say so and exit 1.
    void out.ended.then((end) => (end.quiet ? finish(exitCodes.ok) : finish(exitCodes.fatal, end.message)));
    // Status lines start with the first connection attempt: the idle 'closed' before it says nothing.
    subscriptions.add(
      feed.status$
        .pipe(skipWhile((s) => s.state === 'closed' && s.error === undefined))
        .subscribe((s) => io.stderr.write(`[status] ${describeStatus(s)}\n`)),
    );
    subscriptions.add(
      merge(feed.errors$, backfillErrors).subscribe((e) => !e.fatal && io.stderr.write(`[error] ${e.kind}: ${oneLine(e.message)}\n`)),
    );
    const limited = options.count ? source.pipe(take(options.count)) : source;
    subscriptions.add(
      limited.subscribe({
        next: (line) => {
          received += 1;
          out.line(toJson(line, options.raw === true));
        },
        error: (err: unknown) => finish(exitCodes.fatal, messageOf(err)),
        complete: () => finish(exitCodes.ok),
      }),
    );
  });
}

/**
 * `--backfill`: the REST trades of the last `ms` (or the latest `count`) before the live ones,
 * then the gap's trades after every reconnect; marked `source: 'rest'`, de-duplicated, in order.
 */
function withBackfill(
  feed: Feed,
  live: Observable<Trade>,
  symbols: readonly string[],
  spec: BackfillSpec,
  report: (e: FeedError) => void,
): Observable<StreamLine> {
  const rest = (feed as Feed & { rest?: MarketRest }).rest;
  if (!rest)
    throw new FeedError({
      kind: 'config',
      broker: feed.broker,
      fatal: true,
      message: `${feed.broker}: --backfill needs the broker's REST client, which this feed has not`,
    });
  const now = Date.now();
  const first =
    'ms' in spec ? { from: now - spec.ms, to: now, reason: 'backfill' } : { from: 0, to: now, reason: 'backfill', limit: spec.count };
  return live.pipe(backfillTrades({ rest, gaps$: merge(of(first), gapsFromStatus(feed.status$, Date.now)), symbols, report }));
}

/** NDJSON line for an event; `raw` only on request (it can be large). */
export function toJson(line: StreamLine, withRaw: boolean): string {
  if (withRaw || !('raw' in line)) return JSON.stringify(line);
  // JSON leaves out an undefined member: blanking `raw` for the call costs a store, where a copy
  // without it (`{ raw, ...rest }`) costs more than the stringify itself. A line that cannot be
  // written to (frozen) is copied instead.
  const event = line as { raw?: unknown };
  const raw = event.raw;
  try {
    event.raw = undefined;
  } catch {
    const { raw: _raw, ...rest } = event;
    return JSON.stringify(rest);
  }
  try {
    return JSON.stringify(line);
  } finally {
    event.raw = raw;
  }
}

export function describeStatus(s: FeedStatus): string {
  switch (s.state) {
    case 'connecting':
      return `connecting (attempt ${s.attempt})`;
    case 'open':
      return `open (connection ${s.connections}, ${s.keys} keys)`;
    case 'reconnecting':
      return `reconnecting in ${s.delayMs} ms (attempt ${s.attempt}): ${oneLine(s.reason)}`;
    case 'closed':
      return s.error ? `closed: ${oneLine(s.error.message)}` : 'closed';
    case 'degraded':
      return `degraded: REST polling every ${s.pollMs} ms (socket ${s.socket}): ${oneLine(s.reason)}`;
  }
}
