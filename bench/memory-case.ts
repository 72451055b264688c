/**
 * One case of `npm run bench -- memory`, in its own process so its peak RSS is its own:
 *
 *   tsx bench/memory-case.ts <case> [on|off]
 *
 * Prints one JSON line: { peakRss, endRss, events, overflows, reconnects, lagMs, notices, ... }.
 * The broker servers run in processes of their own (bench/real/server.ts, bench/flood-server.ts).
 */
import { ChildProcess, spawn } from 'child_process';
import { join } from 'path';
import { createInterface, Interface } from 'readline';
import { Observable, Subscription, timer } from 'rxjs';
import { findBroker } from '../src/app/brokers';
import { FeedError } from '../src/core/errors';
import { FeedStatus } from '../src/core/status';
import { SessionOptions } from '../src/core/session-types';
import { consume } from '../src/feed/consume';
import { MarketFeed } from '../src/feed/market-feed';

const SECONDS = Number(process.env.MEMORY_SECONDS ?? 60);
const RATE = Number(process.env.MEMORY_RATE ?? 30_000);
const CPU_COUNT = Number(process.env.MEMORY_CPU_COUNT ?? 100_000);
const root = join(__dirname, '..');
const coins = ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'];

export class ServerProcess {
  private readonly waiting: ((msg: Record<string, unknown>) => void)[] = [];
  private constructor(
    readonly child: ChildProcess,
    readonly env: Record<string, string>,
    private readonly lines: Interface,
  ) {
    lines.on('line', (l) => this.waiting.shift()?.(JSON.parse(l) as Record<string, unknown>));
  }

  static async start(script: string, args: readonly string[] = []): Promise<ServerProcess> {
    const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, script), ...args], {
      stdio: ['pipe', 'pipe', 'inherit'],
      cwd: root,
    });
    const lines = createInterface({ input: child.stdout! });
    const first = await new Promise<string>((resolve) => lines.once('line', resolve));
    return new ServerProcess(child, (JSON.parse(first) as { env: Record<string, string> }).env, lines);
  }

  send(line: string | object): void {
    this.child.stdin!.write(`${typeof line === 'string' ? line : JSON.stringify(line)}\n`);
  }

  reply(): Promise<Record<string, unknown>> {
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  stop(): void {
    this.lines.close();
    this.child.kill();
  }
}

const busy = (ms: number): void => {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // a CPU-bound consumer
  }
};
const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Watch {
  events: number;
  overflows: number;
  reconnects: number;
  detectors: Record<string, number>;
  lagMs: number;
  notices: Record<string, number>;
  endRss: number;
}

/** Watches a feed's controls; `open` (re)subscribes the consumer, again after each overflow. */
function watch(feed: MarketFeed, open: (w: Watch) => Observable<unknown>, subs: Subscription): Watch {
  const w: Watch = { events: 0, overflows: 0, reconnects: 0, detectors: {}, lagMs: 0, notices: {}, endRss: 0 };
  subs.add(
    feed.status$.subscribe((s: FeedStatus) => {
      if (s.state === 'reconnecting') {
        w.reconnects++;
        w.detectors[s.detector ?? '?'] = (w.detectors[s.detector ?? '?'] ?? 0) + 1;
      }
      if (s.state === 'open' && s.lagMs !== undefined) w.lagMs = Math.max(w.lagMs, s.lagMs);
    }),
  );
  subs.add(
    feed.errors$.subscribe((e: FeedError) => {
      const code = e.code ?? e.kind;
      w.notices[code] = (w.notices[code] ?? 0) + 1;
    }),
  );
  const start = (): void => {
    subs.add(
      open(w).subscribe({
        error: (e: unknown) => {
          if (e instanceof FeedError && e.kind === 'overflow') {
            w.overflows++;
            // What an application would do: take the stream again from now (a gap it knows of).
            setTimeout(start, 100);
          } else console.error(String(e));
        },
      }),
    );
  };
  start();
  return w;
}

async function feedCase(
  broker: 'weex' | 'kis',
  blast: { kind: string; symbols: readonly string[]; wait: readonly string[] },
  open: (feed: MarketFeed, w: Watch) => Observable<unknown>,
  options: SessionOptions = {},
): Promise<Watch> {
  const server = await ServerProcess.start('real/server.ts', [broker]);
  const feed = findBroker(broker)!.feedFromEnv(server.env, options) as MarketFeed;
  const subs = new Subscription();
  const w = watch(feed, (x) => open(feed, x), subs);
  server.send({ cmd: 'blast', kind: blast.kind, symbols: blast.symbols, count: RATE * SECONDS, rate: RATE, wait: blast.wait });
  await Promise.race([server.reply(), delay((SECONDS + 30) * 1000)]);
  w.endRss = process.memoryUsage().rss;
  subs.unsubscribe();
  feed.close();
  server.stop();
  return w;
}

const cases: Record<string, (arg?: string) => Promise<object>> = {
  /** An async consumer (1 ms a trade, like concatMap + timer(1)) at ~30k trades/s: bounded, overflow. */
  'async-trades': () =>
    feedCase('weex', { kind: 'weex-trade', symbols: coins, wait: coins.map((s) => `${s}@trade`) }, (feed, w) =>
      feed.trades$(coins).pipe(consume(() => (w.events++, timer(1)))),
    ),
  /** The same consumer on a book: conflates to the latest, never overflows. */
  'async-books': () =>
    feedCase('weex', { kind: 'weex-depth', symbols: ['BTCUSDT'], wait: ['BTCUSDT@depth15'] }, (feed, w) =>
      feed.orderBook$('BTCUSDT').pipe(consume(() => (w.events++, timer(1)))),
    ),
  /** A CPU-bound consumer (0.2 ms of work a trade, 5k/s at most) at ~30k trades/s. */
  'cpu-trades': () =>
    feedCase(
      'weex',
      { kind: 'weex-trade', symbols: coins, wait: coins.map((s) => `${s}@trade`) },
      (feed, w) =>
        new Observable((subscriber) =>
          feed.trades$(coins).subscribe({
            next: () => {
              busy(0.2);
              w.events++;
            },
            error: (e: unknown) => subscriber.error(e),
          }),
        ),
    ),
  /** The same on KIS's full ten-level books: conflated. */
  'cpu-books': () =>
    feedCase(
      'kis',
      { kind: 'kis-H0STASP0', symbols: ['005930'], wait: ['H0STASP0|005930'] },
      (feed, w) =>
        new Observable((subscriber) =>
          (feed.orderBook$ as (s: string, o: object) => Observable<unknown>)('005930', { exchange: 'KRX' }).subscribe({
            next: () => {
              busy(0.2);
              w.events++;
            },
            error: (e: unknown) => subscriber.error(e),
          }),
        ),
    ),
  /** A Kiwoom server that floods 1 KiB PINGs and stops reading. */
  'ping-flood': async () => {
    const server = await ServerProcess.start('flood-server.ts');
    const feed = findBroker('kiwoom')!.feedFromEnv(server.env, {}) as MarketFeed;
    const subs = new Subscription();
    const w = watch(feed, () => feed.trades$('005930'), subs);
    const opened = new Promise<void>((resolve) => subs.add(feed.status$.subscribe((s) => s.state === 'open' && resolve())));
    await opened;
    server.send('flood');
    await delay(SECONDS * 1000);
    server.send('count');
    const { sent } = (await server.reply()) as { sent: number };
    w.events = sent; // pings the server sent
    w.endRss = process.memoryUsage().rss;
    subs.unsubscribe();
    feed.close();
    server.stop();
    return w;
  },
  /** CPU per event with the safeguards on or off (WEEX trades, as fast as the socket drains). */
  'cpu-cost': async (arg) => {
    const off: SessionOptions = { slowConsumer: false, pingAfterMs: 0, maxBufferedBytes: 0, lagThresholdMs: 0, staleness: false };
    const server = await ServerProcess.start('real/server.ts', ['weex']);
    const feed = findBroker('weex')!.feedFromEnv(server.env, arg === 'off' ? off : {}) as MarketFeed;
    let n = 0;
    let cpu0: NodeJS.CpuUsage | undefined;
    let cpu1: NodeJS.CpuUsage | undefined;
    let t0 = 0;
    let t1 = 0;
    const warm = 5_000;
    const sub = feed.trades$(coins).subscribe(() => {
      n++;
      if (n === warm) {
        cpu0 = process.cpuUsage();
        t0 = performance.now();
      } else if (n === warm + CPU_COUNT) {
        cpu1 = process.cpuUsage(cpu0);
        t1 = performance.now();
      }
    });
    server.send({
      cmd: 'blast',
      kind: 'weex-trade',
      symbols: coins,
      count: warm + CPU_COUNT + 50,
      rate: 0,
      wait: coins.map((s) => `${s}@trade`),
    });
    await server.reply();
    for (let waited = 0; !cpu1 && waited < 20_000; waited += 100) await delay(100);
    sub.unsubscribe();
    feed.close();
    server.stop();
    if (!cpu1) return { error: `only ${n} events` };
    return { cpuUsPerEvent: (cpu1.user + cpu1.system) / CPU_COUNT, wallUsPerEvent: ((t1 - t0) * 1000) / CPU_COUNT };
  },
};

async function main(): Promise<void> {
  const [name, arg] = process.argv.slice(2);
  const run = cases[name];
  if (!run) throw new Error(`unknown case ${name}; known: ${Object.keys(cases).join(', ')}`);
  const result = await run(arg);
  const peakRss = process.resourceUsage().maxRSS * 1024;
  process.stdout.write(`${JSON.stringify({ case: name, peakRss, ...result })}\n`);
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
