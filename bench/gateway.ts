/**
 * `npm run bench -- gateway`: one gateway fanning out to 1, 10 and 50 consumer processes
 * (natsFeed) at a fixed input rate (default 20 000 trades/s over 20 symbols), on a real
 * nats-server with the README's permission config.
 *
 * Three kinds of process, measured apart: the broker's side is a generator process writing one
 * JSON line per trade in 1 ms ticks (as a socket delivers frames); the gateway runs in this
 * process on a feed that parses those lines into Trades (a stand-in for a broker feed's decoding);
 * the consumers are separate Node processes on `dist/nats.js` (`npm run bench` builds it first).
 * Earlier versions generated the trades inside the gateway's process, which then fell short of
 * the input rate and charged the generator to the gateway.
 *
 * Per run: the input rate the gateway saw; per consumer the delivered fraction of it; the hop
 * latency (the instant the feed emitted the trade in the gateway's process, carried in its
 * `timestamp` with sub-ms resolution → the natsFeed subscriber), p50/p99 over every consumer;
 * CPU time per input event of the gateway's process, of a consumer (median) and of nats-server
 * (`process.cpuUsage`, /proc). Also the wire's bytes and CPU per event (v1 JSON with raw, v2 JSON
 * batches as chosen, MessagePack).
 *
 * BENCH_CONSUMERS=1,10,50  BENCH_SECONDS=5  BENCH_RATE=20000  BENCH_RAW=1 (consumers ask for raw)
 * BENCH_BATCH=1 (one event per message)  BENCH_CPU_PROF=dir (V8 profiles of the consumers)
 */
import { ChildProcess, execFileSync, spawn } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { Observable, Subject, share } from 'rxjs';
import { connect } from '@nats-io/transport-node';
import { encode as msgpackEncode, decode as msgpackDecode } from '@msgpack/msgpack';
import { startGateway } from '../src/app/gateway';
import { decodeData, encodeData } from '../src/nats/wire';
import { FeedError } from '../src/core/errors';
import { FeedStatus, KeyState } from '../src/core/status';
import { MarketFeed } from '../src/feed/market-feed';
import { Trade } from '../src/model';
import { startNatsServer } from '../__tests__/gateway/support/nats-server';

const RATE = Number(process.env.BENCH_RATE ?? 20_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const FANOUT = (process.env.BENCH_CONSUMERS ?? '1,10,50').split(',').map(Number);
/** BENCH_BATCH=1: one event per NATS message (the gateway's batching off); default the gateway's. */
const BATCH = process.env.BENCH_BATCH ? Number(process.env.BENCH_BATCH) : undefined;
const SYMBOLS = Array.from({ length: 20 }, (_, i) => `S${String(i).padStart(4, '0')}`);

const hrNow = (): number => performance.timeOrigin + performance.now();

/** A Kiwoom-like 0B record (the fields of the broker's trade record), as a broker feed's `raw`. */
function record(symbol: string, n: number): Record<string, unknown> {
  return {
    type: '0B',
    symbol,
    fields: {
      time: '093001',
      lastPrice: `+${70_000 + (n % 50) * 100}`,
      change: '+500',
      changeRate: '+0.72',
      bestAsk: '+70100',
      bestBid: '+70000',
      size: `+${1 + (n % 500)}`,
      cumulativeVolume: '1234567',
      cumulativeTurnover: '86419690',
      open: '+69500',
      high: '+70300',
      low: '-69400',
    },
  };
}

/** A trade as the Kiwoom feed emits it: model fields + its decoded record. */
function sampleTrade(symbol: string, n: number, timestamp = Date.now()): Trade {
  return {
    kind: 'trade',
    broker: 'bench',
    symbol,
    price: 70_000 + (n % 50) * 100,
    size: 1 + (n % 500),
    side: n % 2 ? 'buy' : 'sell',
    direction: 'up',
    exchange: 'KRX',
    time: new Date(Math.floor(timestamp)).toISOString(),
    timestamp,
    raw: record(symbol, n),
  };
}

/**
 * The broker's side, in its own process: one JSON line per trade (symbol, sequence, record),
 * paced by the clock in 1 ms ticks (what is due is written in one chunk, as a socket would
 * deliver it), round robin over the symbols. 'start' and 'stop' on stdin.
 */
const GENERATOR = `
const RATE = Number(process.env.RATE), SYMBOLS = process.env.SYMBOLS.split(',');
const record = ${record.toString()};
let sent = 0, timer;
process.stdin.on('data', (d) => {
  for (const cmd of d.toString().split('\\n')) {
    if (cmd === 'start' && !timer) {
      const began = performance.now();
      timer = setInterval(() => {
        const due = Math.floor(((performance.now() - began) / 1000) * RATE);
        let chunk = '';
        for (; sent < due; sent++) {
          const symbol = SYMBOLS[sent % SYMBOLS.length];
          chunk += JSON.stringify({ n: sent, r: record(symbol, sent) }) + '\\n';
        }
        if (chunk) process.stdout.write(chunk);
      }, 1);
    } else if (cmd === 'stop') {
      clearInterval(timer);
      process.exit(0);
    }
  }
});
`;

/**
 * A MarketFeed on the generator's lines, in the gateway's process: each line is parsed and mapped
 * to a Trade (a stand-in for a broker feed's decoding: one JSON.parse per event) and emitted on
 * its symbol's trades$. The trade's `timestamp` is the instant it is emitted (high resolution:
 * fractional ms), which is where the hop the consumers measure begins.
 */
function pipedFeed(): { feed: MarketFeed; start(): void; stop(): void; emitted(): number } {
  const perSymbol = new Map<string, Subject<Trade>>();
  for (const s of SYMBOLS) perSymbol.set(s, new Subject<Trade>());
  let emitted = 0;
  const status = new Subject<FeedStatus>();
  const generator = spawn(process.execPath, ['-e', GENERATOR], {
    env: { ...process.env, RATE: String(RATE), SYMBOLS: SYMBOLS.join(',') },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let carry = '';
  generator.stdout!.setEncoding('utf8');
  generator.stdout!.on('data', (text: string) => {
    const lines = (carry + text).split('\n');
    carry = lines.pop() ?? '';
    for (const line of lines) {
      const { n, r } = JSON.parse(line) as { n: number; r: { symbol: string; fields: { lastPrice: string; size: string } } };
      const f = r.fields;
      const timestamp = hrNow();
      const trade: Trade = {
        kind: 'trade',
        broker: 'bench',
        symbol: r.symbol,
        price: Math.abs(Number(f.lastPrice)),
        size: Math.abs(Number(f.size)),
        side: n % 2 ? 'buy' : 'sell',
        direction: 'up',
        exchange: 'KRX',
        time: new Date(Math.floor(timestamp)).toISOString(),
        timestamp,
        raw: r,
      };
      emitted += 1;
      perSymbol.get(r.symbol)!.next(trade);
    }
  });
  const feed: MarketFeed = {
    broker: 'bench',
    status$: status.pipe(share()),
    errors$: new Subject<FeedError>(),
    subscriptions$: new Subject<readonly KeyState[]>(),
    frames$: new Subject(),
    gaps$: new Subject(),
    notices$: new Subject(),
    trades$: (symbols) => perSymbol.get(String(symbols)) as unknown as Observable<Trade>,
    orderBook$: () => new Observable(),
    quotes$: () => new Observable(),
    orders$: () => new Observable(),
    close: () => undefined,
  };
  return {
    feed,
    emitted: () => emitted,
    start: () => generator.stdin!.write('start\n'),
    stop: () => {
      generator.stdin!.write('stop\n');
      setTimeout(() => generator.kill('SIGKILL'), 1_000).unref();
    },
  };
}

interface ConsumerResult {
  readonly received: number;
  readonly latencies: number[];
  /** CPU time (user + system) per event handled, from the window's start to the report. */
  readonly cpuUsPerEvent?: number;
}

const CONSUMER = `
const { natsFeed } = require(${JSON.stringify(path.join(__dirname, '..', 'dist', 'nats.js'))});
const feed = natsFeed({ servers: process.env.NATS_URL, broker: 'bench', user: 'consumer', pass: process.env.NATS_PASS, leaseMs: 5000, raw: process.env.BENCH_RAW === '1' });
const symbols = process.env.SYMBOLS.split(',');
// Every event's stamp and hop, whenever it arrives: the window [from, to) is applied at the end, so
// an event that arrives before the 'start' line is read still counts.
let stamps = new Float64Array(1 << 16), hops = new Float64Array(1 << 16), n = 0, to = Infinity, lastInWindow = 0;
// CPU time from the 'mark' line (the window's start) to the report, over the events handled meanwhile.
let cpu0 = process.cpuUsage(), n0 = 0;
feed.trades$(symbols).subscribe((t) => {
  const sentAt = t.timestamp;
  const now = performance.timeOrigin + performance.now();
  if (n === stamps.length) {
    const grow = (a) => { const b = new Float64Array(a.length * 2); b.set(a); return b; };
    stamps = grow(stamps);
    hops = grow(hops);
  }
  stamps[n] = sentAt;
  hops[n] = now - sentAt;
  n += 1;
  if (sentAt < to) lastInWindow = now;
});
process.stdout.write('ready\\n');
process.stdin.on('data', (d) => {
  const [cmd, a, b] = d.toString().trim().split(' ');
  if (cmd === 'mark') {
    cpu0 = process.cpuUsage();
    n0 = n;
    return;
  }
  if (cmd !== 'stop') return;
  const from = Number(a);
  to = Number(b);
  if (process.env.BENCH_DEBUG) console.error(process.pid, 'stop', n);
  // Done once nothing from the window arrived for 500 ms (late events still count).
  const check = setInterval(() => {
    const now = performance.timeOrigin + performance.now();
    // At most 10 s after the window: what has not arrived by then counts as not delivered.
    if (now - Math.max(lastInWindow, to) < 500 && now - to < 10000) return;
    clearInterval(check);
    let received = 0;
    const latencies = [];
    for (let i = 0; i < n; i++) {
      if (stamps[i] < from || stamps[i] >= to) continue;
      received += 1;
      if (received % 7 === 0) latencies.push(Math.round(hops[i] * 1000) / 1000);
    }
    const cpu = process.cpuUsage(cpu0);
    const cpuUsPerEvent = (cpu.user + cpu.system) / Math.max(1, n - n0);
    feed.close();
    // Exit only once the report is out: the line is hundreds of kB, and an exit with it still in
    // the pipe's queue cut it short (the parent then waited for a line that never ended).
    process.stdout.write(JSON.stringify({ received, latencies, cpuUsPerEvent }) + '\\n', () => process.exit(0));
  }, 100);
});
`;

function spawnConsumer(url: string, pass: string): { child: ChildProcess; ready: Promise<void>; result: Promise<ConsumerResult> } {
  // BENCH_CPU_PROF=dir: a V8 CPU profile of every consumer in dir.
  const prof = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const child = spawn(process.execPath, [...prof, '-e', CONSUMER], {
    env: { ...process.env, NATS_URL: url, NATS_PASS: pass, SYMBOLS: SYMBOLS.join(',') },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let out = '';
  let readyResolve: () => void = () => undefined;
  const ready = new Promise<void>((r) => (readyResolve = r));
  const result = new Promise<ConsumerResult>((resolve) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('ready\n')) readyResolve();
    });
    // The report is complete when the consumer's stdout ends; without one, say why.
    child.on('close', (code, signal) => {
      const line = out.split('\n').find((l) => l.startsWith('{'));
      try {
        if (line) return resolve(JSON.parse(line) as ConsumerResult);
      } catch {
        // an incomplete line: reported below
      }
      console.error(`consumer ${child.pid}: no report (exit ${code ?? signal}, ${out.length} bytes of output)`);
      resolve({ received: 0, latencies: [] });
    });
  });
  return { child, ready, result };
}

const pct = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? NaN;

interface FanoutResult {
  readonly consumers: number;
  readonly inputRate: number;
  /** Delivered / input, one per consumer. */
  readonly rates: number[];
  /** Hop latency (ms), every consumer's samples together. */
  readonly p50: number;
  readonly p99: number;
  /** Each consumer's own hop p99 (ms). */
  readonly p99s: number[];
  /** 1-minute load average at the start and the end of the run. */
  readonly load: [number, number];
  /** CPU µs per input event: the gateway's process (in the window), a consumer (median), nats-server (≈: until every consumer reported). */
  readonly cpu: { readonly gateway: number; readonly consumer: number; readonly nats: number };
}

/** user + system CPU ms of a process so far (Linux /proc; NaN elsewhere). */
function processCpuMs(pid: number | undefined): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of stat (11 and 12 after the name), in clock ticks.
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return NaN;
  }
}
const CLOCK_TICKS = 100;

async function fanout(n: number): Promise<FanoutResult> {
  const loadBefore = os.loadavg()[0];
  const nats = await startNatsServer();
  const nc = await connect({ servers: nats.url, user: nats.gateway.user, pass: nats.gateway.pass });
  const synthetic = pipedFeed();
  const gateway = await startGateway({
    nc,
    broker: 'bench',
    openFeed: () => synthetic.feed,
    account: false,
    lockMs: 1_000,
    maxKeys: 1_000,
    batchMaxEvents: BATCH,
  });
  const consumers = Array.from({ length: n }, () => spawnConsumer(nats.url, nats.consumer.pass));
  try {
    await Promise.all(consumers.map((c) => c.ready));
    if (process.env.BENCH_DEBUG) console.error('consumers ready');
    // Every key registered (each consumer's lease reached the gateway).
    const deadline = Date.now() + 30_000;
    while (gateway.activeKeys().length < SYMBOLS.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    if (process.env.BENCH_DEBUG) console.error('keys', gateway.activeKeys().length);
    await new Promise((r) => setTimeout(r, 1_000));
    synthetic.start();
    await new Promise((r) => setTimeout(r, 500)); // warm-up
    for (const c of consumers) c.child.stdin!.write('mark\n');
    const t0 = hrNow();
    const from = synthetic.emitted();
    const cpu0 = process.cpuUsage();
    const natsCpu0 = processCpuMs(nats.pid);
    await new Promise((r) => setTimeout(r, SECONDS * 1000));
    const t1 = hrNow();
    const inWindow = synthetic.emitted() - from;
    const cpu = process.cpuUsage(cpu0);
    for (const c of consumers) c.child.stdin!.write(`stop ${t0} ${t1}\n`);
    const inputRate = (inWindow / (t1 - t0)) * 1000;
    // Keep the input going while the consumers drain, as a live feed would.
    await new Promise((r) => setTimeout(r, 300));
    synthetic.stop();
    if (process.env.BENCH_DEBUG) console.error('stopped', synthetic.emitted(), from, inWindow);
    // A consumer that reports nothing (it died) counts as having received nothing.
    const results = await Promise.all(
      consumers.map((c) =>
        Promise.race([
          c.result,
          new Promise<ConsumerResult>((r) => {
            const timer = setTimeout(() => {
              console.error(`consumer ${c.child.pid}: no report within 30 s`);
              r({ received: 0, latencies: [] });
            }, 30_000);
            void c.result.then(() => clearTimeout(timer));
          }),
        ]),
      ),
    );
    const natsCpuMs = processCpuMs(nats.pid) - natsCpu0;
    const all = results.flatMap((r) => r.latencies).sort((a, b) => a - b);
    const consumerCpu = results.map((r) => r.cpuUsPerEvent ?? NaN).sort((a, b) => a - b);
    return {
      consumers: n,
      inputRate,
      rates: results.map((r) => r.received / inWindow),
      p50: pct(all, 50),
      p99: pct(all, 99),
      p99s: results.map((r) =>
        pct(
          [...r.latencies].sort((a, b) => a - b),
          99,
        ),
      ),
      load: [loadBefore, os.loadavg()[0]],
      cpu: {
        gateway: (cpu.user + cpu.system) / inWindow,
        consumer: pct(consumerCpu, 50),
        nats: (natsCpuMs * 1000) / (synthetic.emitted() - from),
      },
    };
  } finally {
    for (const c of consumers) c.child.kill('SIGKILL');
    if (process.env.BENCH_DEBUG)
      console.error(
        nats
          .log()
          .split('\n')
          .filter((l) => !/\[INF\]/.test(l))
          .slice(0, 40)
          .join('\n'),
      );
    await gateway.close();
    await nc.close();
    await nats.stop();
  }
}

/** The targets of the gateway: each of 10 consumers gets ≥ 0.9 of the input; hop p99 < 2 ms. */
const TARGET_RATE = 0.9;
const TARGET_P99_MS = 2;

function row(r: FanoutResult): string {
  const sorted = [...r.rates].sort((a, b) => a - b);
  const meeting = r.rates.filter((x) => x >= TARGET_RATE).length;
  return `| ${r.consumers} | ${Math.round(r.inputRate).toLocaleString('en-US')} | ${sorted[0].toFixed(3)} / ${pct(sorted, 50).toFixed(3)} / ${sorted[sorted.length - 1].toFixed(3)} | ${meeting} of ${r.consumers} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${Math.max(...r.p99s).toFixed(2)} | ${r.cpu.gateway.toFixed(1)} / ${r.cpu.consumer.toFixed(1)} / ${r.cpu.nats.toFixed(1)} | ${r.load[0].toFixed(1)} → ${r.load[1].toFixed(1)} |`;
}

function verdict(r: FanoutResult): string[] {
  const worst = Math.min(...r.rates);
  const rate =
    worst >= TARGET_RATE
      ? `each of ${r.consumers} ≥ ${TARGET_RATE} of the input: met (worst ${worst.toFixed(3)})`
      : `each of ${r.consumers} ≥ ${TARGET_RATE} of the input: MISSED by ${(TARGET_RATE - worst).toFixed(3)} (worst ${worst.toFixed(3)}; ${r.rates.filter((x) => x < TARGET_RATE).length} below)`;
  const hop =
    r.p99 < TARGET_P99_MS
      ? `hop p99 < ${TARGET_P99_MS} ms: met (${r.p99.toFixed(2)} ms)`
      : `hop p99 < ${TARGET_P99_MS} ms: MISSED by ${(r.p99 - TARGET_P99_MS).toFixed(2)} ms (${r.p99.toFixed(2)} ms)`;
  // The fraction is of what the gateway got; say when that fell short of the rate the generator was set to.
  const input = r.inputRate / RATE;
  const fed =
    input >= TARGET_RATE
      ? `input ${Math.round(r.inputRate).toLocaleString('en-US')}/s of ${RATE.toLocaleString('en-US')} set`
      : `input only ${Math.round(r.inputRate).toLocaleString('en-US')}/s of ${RATE.toLocaleString('en-US')} set (${(input * 100).toFixed(0)} %): the generator's and the gateway's processes got too little of the CPU`;
  return [rate, hop, fed];
}

/**
 * The wire's cost per event, in one process: v1 (one event per message, with its raw record, as
 * before), v2 as chosen (raw null, 20 events per message: a busy turn's batch of one symbol), and
 * MessagePack of the same v2 batch. Encode: what the gateway does per event; decode: parse only
 * (MessagePack has no check either), and for v2 JSON also the full `decodeData` with its checks.
 */
function encodings(): void {
  const te = new TextEncoder();
  const td = new TextDecoder();
  const perBatch = 20;
  const trades = Array.from({ length: 20_000 }, (_, i) => sampleTrade(SYMBOLS[0], i, hrNow()));
  const lean = trades.map((e) => ({ ...e, raw: null }));
  interface Case {
    readonly name: string;
    encode(): Uint8Array[];
    decode(bufs: Uint8Array[]): void;
  }
  const batches = <T>(xs: T[]): T[][] => Array.from({ length: xs.length / perBatch }, (_, i) => xs.slice(i * perBatch, (i + 1) * perBatch));
  const cases: Case[] = [
    {
      name: 'JSON v1: one event per message, with raw',
      encode: () => trades.map((e, i) => te.encode(JSON.stringify({ s: i, t: e.timestamp, g: 'gw1', e }))),
      decode: (bufs) => bufs.forEach((b) => JSON.parse(td.decode(b))),
    },
    {
      name: `JSON v2 (chosen): ${perBatch} events per message, raw null`,
      encode: () =>
        batches(trades).map((b, i) =>
          encodeData(
            i,
            hrNow(),
            'gw1',
            b.map((e) => JSON.stringify({ ...e, raw: null })),
          ),
        ),
      decode: (bufs) => bufs.forEach((b) => JSON.parse(td.decode(b))),
    },
    {
      name: `  the same, decoded with decodeData (parse + checks)`,
      encode: () =>
        batches(trades).map((b, i) =>
          encodeData(
            i,
            hrNow(),
            'gw1',
            b.map((e) => JSON.stringify({ ...e, raw: null })),
          ),
        ),
      decode: (bufs) => bufs.forEach((b) => decodeData('trade', b, 'bench', 'rxm.bench.trade.S0000')),
    },
    {
      // Not used: the keys once per message, each event as an array of values, objects rebuilt.
      name: `compact JSON (keys once, rows as arrays): ${perBatch} events per message, raw null`,
      encode: () =>
        batches(lean).map((b, i) => {
          const keys = Object.keys(b[0]);
          const rows = b.map((e) => JSON.stringify(keys.map((k) => (e as unknown as Record<string, unknown>)[k])));
          return te.encode(`{"v":3,"s":${i},"t":${hrNow()},"g":"gw1","k":${JSON.stringify(keys)},"e":[${rows.join(',')}]}`);
        }),
      decode: (bufs) =>
        bufs.forEach((b) => {
          const m = JSON.parse(td.decode(b)) as { k: string[]; e: unknown[][] };
          for (const row of m.e) {
            const o: Record<string, unknown> = {};
            for (let i = 0; i < m.k.length; i++) o[m.k[i]] = row[i];
          }
        }),
    },
    {
      name: `MessagePack (@msgpack/msgpack): ${perBatch} events per message, raw null`,
      encode: () => batches(lean).map((b, i) => msgpackEncode({ v: 2, s: i, t: hrNow(), g: 'gw1', e: b })),
      decode: (bufs) => bufs.forEach((b) => msgpackDecode(b)),
    },
  ];
  const measure = (c: Case): string => {
    const runs: { encNs: number; decNs: number; bytes: number }[] = [];
    for (let r = 0; r < 5; r++) {
      const c0 = process.cpuUsage();
      const bufs = c.encode();
      const c1 = process.cpuUsage(c0);
      c.decode(bufs);
      const c2 = process.cpuUsage(c0);
      const encNs = ((c1.user + c1.system) * 1000) / trades.length;
      const decNs = ((c2.user + c2.system - c1.user - c1.system) * 1000) / trades.length;
      runs.push({ encNs, decNs, bytes: bufs.reduce((n, b) => n + b.length, 0) / trades.length });
    }
    runs.sort((a, b) => a.encNs + a.decNs - (b.encNs + b.decNs));
    const m = runs[2];
    return `| ${c.name} | ${Math.round(m.bytes)} | ${(m.encNs / 1000).toFixed(2)} | ${(m.decNs / 1000).toFixed(2)} |`;
  };
  console.log(
    `\n# gateway: the wire per event, a Kiwoom-like trade (CPU time, median of 5 × ${trades.length.toLocaleString('en-US')} events)\n`,
  );
  console.log('| encoding | bytes/event | encode µs/event | decode µs/event |');
  console.log('|---|---:|---:|---:|');
  for (const c of cases) console.log(measure(c));
}

export async function run(): Promise<void> {
  const cpus = os.cpus();
  let natsVersion = '?';
  try {
    natsVersion = execFileSync('nats-server', ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    // reported as '?'
  }
  console.log(
    `\n# gateway bench, ${new Date().toISOString()}: ${cpus.length} × ${cpus[0]?.model ?? '?'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${natsVersion}; load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  encodings();
  console.log(`\n# gateway: fan-out at ${RATE.toLocaleString('en-US')} trades/s over ${SYMBOLS.length} symbols, ${SECONDS} s per run\n`);
  console.log(
    '| consumer processes | input (events/s) | delivered / input per consumer: worst / median / best | consumers ≥ 0.9 | hop p50 (ms) | hop p99 (ms) | worst consumer hop p99 (ms) | CPU µs/event: gateway / consumer (median) / nats-server | load (1 min) |',
  );
  console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  const results: FanoutResult[] = [];
  for (const n of FANOUT) {
    const r = await fanout(n);
    results.push(r);
    console.log(row(r));
  }
  console.log('\nPer consumer, delivered / input:');
  for (const r of results) console.log(`- ${r.consumers}: ${r.rates.map((x) => x.toFixed(3)).join(' ')}`);
  console.log(`\nTargets (each of 10 consumers ≥ ${TARGET_RATE} of the input; hop p99 < ${TARGET_P99_MS} ms):`);
  for (const r of results) console.log(`- ${r.consumers} consumer${r.consumers === 1 ? '' : 's'}: ${verdict(r).join('; ')}`);
}
