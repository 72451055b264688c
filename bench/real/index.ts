/**
 * The real path, side by side with a bare client (bench/real/bare.js: `ws` + JSON.parse / string
 * split, the least work that yields the same events), on each broker's loopback server in another
 * process (bench/real/server.ts) sending official-layout frames:
 *
 * - throughput per broker and stream, in process (`feed.trades$` / `orderBook$` → a subscriber)
 *   and through the CLI to a pipe (`rx-market stream …` vs `node bench/real/bare.js …`), with
 *   the peak RSS of each CLI process;
 * - added latency from a frame's arrival on the socket (the `ws` 'message' event) to the
 *   subscriber, p50/p99/p99.9, at a fixed 20k frames/s;
 * - start time, spawn → first event on stdout.
 *
 * BENCH_REAL_COUNT (frames per throughput run), BENCH_REAL_ROUNDS (median of),
 * BENCH_LATENCY_SECONDS, BENCH_SPAWNS, BENCH_REAL_CASES (label words, comma-separated). The defaults keep `npm run bench` under 5 minutes on 2 cores.
 * A run that has not finished within BENCH_RUN_TIMEOUT_MS (default 60 s) is stopped and shows n/a.
 */
import { ChildProcess, spawn } from 'child_process';
import { readFileSync } from 'fs';
import { join } from 'path';
import { createInterface, Interface } from 'readline';
import { Observable, Subscription } from 'rxjs';
import { WebSocket } from 'ws';
import { StreamFlags } from '../../src/app/broker-module';
import { MarketFeed } from '../../src/feed/market-feed';
import { OrderBook, Trade } from '../../src/model';
import { FrameKind } from './frames';

const { connectBare } = require('./bare.js') as {
  connectBare(
    broker: string,
    kind: string,
    env: Record<string, string>,
    symbols: readonly string[],
    onEvent: (e: unknown) => void,
  ): Promise<WebSocket>;
};

const COUNT = Number(process.env.BENCH_REAL_COUNT ?? 20_000);
const ROUNDS = Number(process.env.BENCH_REAL_ROUNDS ?? 3);
const RUN_TIMEOUT_MS = Number(process.env.BENCH_RUN_TIMEOUT_MS ?? 60_000);
const LATENCY_RATE = 20_000;
const LATENCY_SECONDS = Number(process.env.BENCH_LATENCY_SECONDS ?? 3);
const SPAWNS = Number(process.env.BENCH_SPAWNS ?? 5);
const root = join(__dirname, '..', '..');
const bin = join(root, 'bin', 'rx-market.js');
const bareJs = join(__dirname, 'bare.js');

export const targets = {
  throughput: 0.9,
  p99us: 50,
  spawnS: 0.4,
  rss: 1.3,
};

interface Case {
  readonly label: string;
  readonly broker: 'kiwoom' | 'kis' | 'weex';
  readonly stream: 'trades' | 'book';
  readonly kind: FrameKind;
  readonly symbols: readonly string[];
  readonly flags: StreamFlags;
  readonly cliFlags: readonly string[];
  /** The server-side subscription keys to wait for. */
  readonly keys: readonly string[];
}

const stocks = ['005930', '000660', '035720'];
const coins = ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'];
const allCases: readonly Case[] = [
  {
    label: 'Kiwoom 0B trades',
    broker: 'kiwoom',
    stream: 'trades',
    kind: 'kiwoom-0B',
    symbols: stocks,
    flags: {},
    cliFlags: [],
    keys: stocks.map((s) => `0B|${s}`),
  },
  {
    label: 'Kiwoom 0D book',
    broker: 'kiwoom',
    stream: 'book',
    kind: 'kiwoom-0D',
    symbols: ['005930'],
    flags: {},
    cliFlags: [],
    keys: ['0D|005930'],
  },
  {
    label: 'KIS H0STCNT0 trades',
    broker: 'kis',
    stream: 'trades',
    kind: 'kis-H0STCNT0',
    symbols: stocks,
    flags: { exchange: 'KRX' },
    cliFlags: ['--exchange', 'KRX'],
    keys: stocks.map((s) => `H0STCNT0|${s}`),
  },
  {
    label: 'KIS H0STASP0 book',
    broker: 'kis',
    stream: 'book',
    kind: 'kis-H0STASP0',
    symbols: ['005930'],
    flags: { exchange: 'KRX' },
    cliFlags: ['--exchange', 'KRX'],
    keys: ['H0STASP0|005930'],
  },
  {
    label: 'WEEX trade',
    broker: 'weex',
    stream: 'trades',
    kind: 'weex-trade',
    symbols: coins,
    flags: {},
    cliFlags: [],
    keys: coins.map((s) => `${s}@trade`),
  },
  {
    label: 'WEEX depth15 book',
    broker: 'weex',
    stream: 'book',
    kind: 'weex-depth',
    symbols: ['BTCUSDT'],
    flags: { depth: 15 },
    cliFlags: ['--depth', '15'],
    keys: ['BTCUSDT@depth15'],
  },
];

/** BENCH_REAL_CASES=kis,weex runs only the cases whose label contains one of the words. */
const only = (process.env.BENCH_REAL_CASES ?? '').split(',').filter(Boolean);
const cases = only.length === 0 ? allCases : allCases.filter((c) => only.some((w) => c.label.toLowerCase().includes(w.toLowerCase())));

/** A broker's server process and its command channel. */
class FeedServer {
  private readonly lines: Interface;
  private readonly waiting: ((msg: Record<string, unknown>) => void)[] = [];

  private constructor(
    readonly child: ChildProcess,
    readonly env: Record<string, string>,
    lines: Interface,
  ) {
    this.lines = lines;
    lines.on('line', (l) => this.waiting.shift()?.(JSON.parse(l) as Record<string, unknown>));
  }

  static async start(broker: string): Promise<FeedServer> {
    const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'server.ts'), broker], {
      stdio: ['pipe', 'pipe', 'inherit'],
      cwd: root,
    });
    const lines = createInterface({ input: child.stdout! });
    const first = await new Promise<string>((resolve) => lines.once('line', resolve));
    return new FeedServer(child, (JSON.parse(first) as { env: Record<string, string> }).env, lines);
  }

  command(c: object): void {
    this.child.stdin!.write(`${JSON.stringify(c)}\n`);
  }

  reply(): Promise<Record<string, unknown>> {
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  stop(): void {
    this.lines.close();
    this.child.kill();
  }
}

// ---- arrival stamps: the moment `ws` hands a message to its listeners -------------------------
let arrival = 0;
const emit = WebSocket.prototype.emit;
WebSocket.prototype.emit = function (this: WebSocket, event: string | symbol, ...args: unknown[]): boolean {
  if (event === 'message') arrival = performance.now();
  return emit.call(this, event, ...args);
} as WebSocket['emit'];

interface Run {
  /** Events per second between the first and the last counted event. */
  readonly rate: number;
  /** Peak RSS of the process that consumed (CLI runs), bytes. */
  readonly rss?: number;
  /** Arrival → subscriber, µs (latency runs). */
  readonly latency?: Float64Array;
  /** Fewer events than frames (a book conflated): the rate counts frames. */
  readonly conflated?: boolean;
}

type Consumer = (onEvent: () => void) => Promise<() => void>;

/**
 * rx-market as users run it: the built package (dist/, what `npm ci` and `npm run bench` build),
 * not the TypeScript sources through a loader, whose module interop adds a call per import.
 */
interface BrokerFeed extends MarketFeed {
  trades$(symbols: readonly string[], o?: StreamFlags): Observable<Trade>;
  orderBook$(symbols: readonly string[], o?: StreamFlags): Observable<OrderBook>;
}
const pkg = require(join(root, 'dist', 'index.js')) as Record<string, (env: Record<string, string>, o: object) => BrokerFeed>;

function rxConsumer(server: FeedServer, c: Case): Consumer {
  return async (onEvent) => {
    const feed = pkg[`${c.broker}FromEnv`](server.env, { connectionLingerMs: 0, keyLingerMs: 0 });
    const source: Observable<unknown> = c.stream === 'trades' ? feed.trades$(c.symbols, c.flags) : feed.orderBook$(c.symbols, c.flags);
    const sub: Subscription = source.subscribe({ next: onEvent, error: (e: unknown) => console.error(`${c.label}: ${String(e)}`) });
    return () => {
      sub.unsubscribe();
      feed.close();
    };
  };
}

function bareConsumer(server: FeedServer, c: Case): Consumer {
  return async (onEvent) => {
    const ws = await connectBare(c.broker, c.stream, server.env, c.symbols, onEvent);
    return () => ws.terminate();
  };
}

/** Consumes `count` events of a blast; the rate from the first to the last. */
async function inProcess(server: FeedServer, c: Case, consumer: Consumer, count: number, rate = 0): Promise<Run> {
  let n = 0;
  let first = 0;
  let last = 0;
  const latency = rate > 0 ? new Float64Array(count) : undefined;
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  let seen = 0;
  const stop = await consumer(() => {
    const now = performance.now();
    if (latency && n < count) latency[n] = (now - arrival) * 1000;
    if (n === 0) first = now;
    seen = now;
    n++;
    if (n === count) {
      last = now;
      done();
    }
  });
  server.command({ cmd: 'blast', kind: c.kind, symbols: c.symbols, count: count + 50, rate, wait: c.keys });
  const sent = server.reply();
  await settle(server, finished, sent, () => seen);
  stop();
  await delay(100);
  if (n < count) return conflated(c, n, first, seen, await sent);
  return { rate: (count - 1) / ((last - first) / 1000), latency };
}

/** The same through a CLI process whose stdout is a pipe. */
async function throughCli(server: FeedServer, c: Case, args: readonly string[], count: number): Promise<Run> {
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', ...server.env },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const closed = new Promise((r) => child.once('close', r));
  let lines = 0;
  let first = 0;
  let last = 0;
  let seen = 0;
  let rss = 0;
  const finished = new Promise<void>((resolve) => {
    // A CLI that exits early (an error) ends the wait: its count is short, the run shows n/a.
    void closed.then(() => resolve());
    child.stdout!.on('data', (chunk: Buffer) => {
      const now = performance.now();
      let k = chunk.indexOf(10);
      seen = now;
      while (k !== -1) {
        if (lines === 0) first = now;
        lines++;
        if (lines === count) {
          last = now;
          rss = peakRss(child.pid!);
          resolve();
        }
        k = chunk.indexOf(10, k + 1);
      }
    });
  });
  server.command({ cmd: 'blast', kind: c.kind, symbols: c.symbols, count: count + 50, rate: 0, wait: c.keys });
  const sent = server.reply();
  await settle(server, finished, sent, () => seen);
  if (lines < count) rss = peakRss(child.pid!);
  child.kill();
  await Promise.race([closed, delay(5_000)]);
  if (lines < count) return { ...conflated(c, lines, first, seen, await sent), rss };
  return { rate: (count - 1) / ((last - first) / 1000), rss };
}

/**
 * Waits until the consumer has its events (or the server has sent everything and 5 s passed), and
 * for the server's answer; past RUN_TIMEOUT_MS the server is told to stop (a stalled run shows n/a
 * instead of hanging the benchmark).
 */
async function settle(server: FeedServer, finished: Promise<void>, sent: Promise<unknown>, lastEvent: () => number): Promise<void> {
  const timeout = delay(RUN_TIMEOUT_MS).then(() => 'timeout' as const);
  const first = await Promise.race([finished, sent.then(() => quiet(lastEvent)), timeout]);
  if (first === 'timeout' || (await Promise.race([sent, timeout])) === 'timeout') {
    console.error(`  a run did not finish within ${RUN_TIMEOUT_MS} ms; stopped`);
    server.command({ cmd: 'stop' });
    await Promise.race([sent, delay(5_000)]);
  }
}

/** Resolves once no event came for 500 ms (at most 5 s): the consumer has drained. */
async function quiet(lastEvent: () => number): Promise<void> {
  const until = performance.now() + 5_000;
  while (performance.now() < until && performance.now() - Math.max(lastEvent(), 0) < 500) await delay(100);
}

/**
 * A run with fewer events than frames. Books conflate to the latest per symbol when the consumer
 * lags (the feed's slow-consumer guard): their rate is frames sent per second from the first to
 * the last event. Anything else short is a failed run (n/a).
 */
function conflated(c: Case, events: number, first: number, last: number, reply: unknown): Run {
  const sent = (reply as { sent?: number }).sent ?? 0;
  if (c.stream !== 'book' || events < 2 || sent < 2) return { rate: NaN };
  return { rate: (sent - 1) / ((last - first) / 1000), conflated: true };
}

function peakRss(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** spawn → first event on stdout, with the server streaming 1000 frames/s. */
async function startTime(server: FeedServer, args: readonly string[]): Promise<number> {
  const t0 = performance.now();
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', ...server.env },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const closed = new Promise((r) => child.once('close', r));
  const t1 = await Promise.race([
    new Promise<number>((resolve) => child.stdout!.once('data', () => resolve(performance.now()))),
    closed.then(() => NaN),
    delay(RUN_TIMEOUT_MS).then(() => NaN),
  ]);
  child.kill();
  await Promise.race([closed, delay(5_000)]);
  return (t1 - t0) / 1000;
}

const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]): number => {
  const s = xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.floor(s.length / 2)];
};
const pct = (xs: Float64Array, q: number): number => {
  const s = Float64Array.from(xs).sort();
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};
const fmt = (n: number): string => (Number.isNaN(n) ? 'n/a' : Math.round(n).toLocaleString('en-US'));
const mib = (n: number): string => (Number.isNaN(n) ? 'n/a' : `${(n / 1048576).toFixed(0)} MiB`);
const ratio = (a: number, b: number): string => (Number.isNaN(a) || Number.isNaN(b) ? 'n/a' : `${(a / b).toFixed(2)}×`);
const mark = (ok: boolean): string => (ok ? '✅' : '❌');

export async function run(): Promise<void> {
  console.log(`\n# real path: rx-market vs a bare ws client, ${COUNT} frames per run, median of ${ROUNDS}, feed in another process\n`);
  const rows: string[] = [];
  const rss: string[] = [];
  const servers = new Map<string, FeedServer>();
  try {
    for (const broker of new Set(cases.map((c) => c.broker))) servers.set(broker, await FeedServer.start(broker));
    for (const c of cases) {
      const server = servers.get(c.broker)!;
      // The bench's reader can fall behind a book stream's long lines; the bare client then
      // buffers without bound, so rx-market gets room too instead of stopping at its default
      // 16 MiB bound (which it would, by design: exit 1, "not being read fast enough").
      const rxArgs = [bin, 'stream', c.broker, c.stream, ...c.symbols, ...c.cliFlags, '--max-buffer', '1024'];
      const bareArgs = [bareJs, c.broker, c.stream, ...c.symbols];
      const runs = {
        bareIn: [] as number[],
        rxIn: [] as number[],
        bareCli: [] as number[],
        rxCli: [] as number[],
        bareRss: [] as number[],
        rxRss: [] as number[],
      };
      let conflatedRuns = 0;
      for (let r = 0; r < ROUNDS; r++) {
        runs.bareIn.push((await inProcess(server, c, bareConsumer(server, c), COUNT)).rate);
        const xIn = await inProcess(server, c, rxConsumer(server, c), COUNT);
        runs.rxIn.push(xIn.rate);
        const b = await throughCli(server, c, bareArgs, COUNT);
        const x = await throughCli(server, c, rxArgs, COUNT);
        conflatedRuns += (xIn.conflated ? 1 : 0) + (x.conflated ? 1 : 0);
        runs.bareCli.push(b.rate);
        runs.rxCli.push(x.rate);
        runs.bareRss.push(b.rss ?? NaN);
        runs.rxRss.push(x.rss ?? NaN);
      }
      const [bi, xi, bc, xc] = [median(runs.bareIn), median(runs.rxIn), median(runs.bareCli), median(runs.rxCli)];
      const trade = c.stream === 'trades';
      const goal = (a: number, b: number): string => (trade ? ` ${mark(a / b >= targets.throughput)}` : '');
      const label = conflatedRuns > 0 ? `${c.label} (conflated in ${conflatedRuns} of ${2 * ROUNDS} runs)` : c.label;
      rows.push(
        `| ${label} | ${fmt(bi)} | ${fmt(xi)} | ${ratio(xi, bi)}${goal(xi, bi)} | ${fmt(bc)} | ${fmt(xc)} | ${ratio(xc, bc)}${goal(xc, bc)} |`,
      );
      const [br, xr] = [median(runs.bareRss), median(runs.rxRss)];
      rss.push(`| ${c.label} | ${mib(br)} | ${mib(xr)} | ${ratio(xr, br)} ${mark(xr / br <= targets.rss)} |`);
      console.error(`  ${c.label}: done`);
    }
    console.log(`## throughput, events/s (target: rx-market ≥ ${targets.throughput}× bare on every trade stream)\n`);
    console.log('| stream | bare in-process | rx-market in-process | ratio | bare CLI → pipe | rx-market CLI → pipe | ratio |');
    console.log('|---|---:|---:|---:|---:|---:|---:|');
    for (const r of rows) console.log(r);

    console.log(
      "\nConflated: the book stream delivered the latest book per symbol while the consumer lagged (the feed's slow-consumer guard); its rate is frames sent per second.",
    );
    console.log(`\n## peak RSS of the CLI process during the runs above (target: ≤ ${targets.rss}× bare)\n`);
    console.log('| stream | bare CLI | rx-market CLI | ratio |');
    console.log('|---|---:|---:|---:|');
    for (const r of rss) console.log(r);

    console.log(
      `\n## added latency, socket arrival → subscriber, at a fixed ${LATENCY_RATE / 1000}k frames/s for ${LATENCY_SECONDS} s (target: p99 < ${targets.p99us} µs)\n`,
    );
    console.log('| stream | client | p50 | p99 | p99.9 | |');
    console.log('|---|---|---:|---:|---:|---|');
    for (const c of cases.filter((x) => x.stream === 'trades')) {
      const server = servers.get(c.broker)!;
      const n = LATENCY_RATE * LATENCY_SECONDS;
      for (const [name, consumer] of [
        ['bare', bareConsumer(server, c)],
        ['rx-market', rxConsumer(server, c)],
      ] as const) {
        const r = await inProcess(server, c, consumer, n, LATENCY_RATE);
        if (!r.latency) {
          console.log(`| ${c.label} | ${name} | n/a | n/a | n/a | |`);
          continue;
        }
        const steady = r.latency.subarray(Math.floor(n / 10)); // the first 10% warm the JIT
        const p99 = pct(steady, 0.99);
        const us = (x: number): string => `${x.toFixed(1)} µs`;
        console.log(
          `| ${c.label} | ${name} | ${us(pct(steady, 0.5))} | ${us(p99)} | ${us(pct(steady, 0.999))} | ${name === 'rx-market' ? mark(p99 < targets.p99us) : ''} |`,
        );
      }
    }

    console.log(`\n## start time, spawn → first event on stdout (median of ${SPAWNS}; target ≤ ${targets.spawnS} s)\n`);
    console.log('| stream | bare client | rx-market stream | |');
    console.log('|---|---:|---:|---|');
    for (const c of cases.filter((x) => x.stream === 'trades')) {
      const server = servers.get(c.broker)!;
      server.command({ cmd: 'stream', kind: c.kind, symbols: c.symbols, rate: 1000 });
      const bare: number[] = [];
      const rx: number[] = [];
      for (let i = 0; i < SPAWNS; i++) {
        bare.push(await startTime(server, [bareJs, c.broker, c.stream, ...c.symbols]));
        rx.push(await startTime(server, [bin, 'stream', c.broker, c.stream, ...c.symbols, ...c.cliFlags]));
      }
      server.command({ cmd: 'stop' });
      const [b, x] = [median(bare), median(rx)];
      console.log(`| ${c.label} | ${b.toFixed(3)} s | ${x.toFixed(3)} s | ${mark(x <= targets.spawnS)} |`);
    }
  } finally {
    for (const s of servers.values()) s.stop();
  }
}
