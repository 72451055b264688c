/**
 * `npm run bench -- gateway`: one gateway fanning out to 1, 10 and 50 consumer processes
 * (natsFeed) at a fixed input rate (default 20 000 trades/s over 20 symbols), on a real
 * nats-server with the README's permission config. Per consumer: delivered rate as a fraction of
 * the input rate; and the latency the gateway adds (feed event → gateway → NATS → natsFeed event,
 * stamped with a high-resolution clock in the event's `raw`), p50/p99 over every consumer.
 * Also: JSON against MessagePack for the envelope (bytes, encode + decode time).
 */
import { ChildProcess, execFileSync, spawn } from 'child_process';
import os from 'os';
import path from 'path';
import { Observable, Subject, share } from 'rxjs';
import { connect } from '@nats-io/transport-node';
import { encode as msgpackEncode, decode as msgpackDecode } from '@msgpack/msgpack';
import { startGateway } from '../src/app/gateway';
import { FeedError } from '../src/core/errors';
import { FeedStatus, KeyState } from '../src/core/status';
import { MarketFeed } from '../src/feed/market-feed';
import { Trade } from '../src/model';
import { startNatsServer } from '../__tests__/gateway/support/nats-server';

const RATE = Number(process.env.BENCH_RATE ?? 20_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const FANOUT = (process.env.BENCH_CONSUMERS ?? '1,10,50').split(',').map(Number);
const SYMBOLS = Array.from({ length: 20 }, (_, i) => `S${String(i).padStart(4, '0')}`);

const hrNow = (): number => performance.timeOrigin + performance.now();

/** A realistic trade: what the Kiwoom feed emits (model fields + its decoded record). */
function sampleTrade(symbol: string, n: number): Trade {
  const ts = Date.now();
  return {
    kind: 'trade',
    broker: 'bench',
    symbol,
    price: 70_000 + (n % 50) * 100,
    size: 1 + (n % 500),
    side: n % 2 ? 'buy' : 'sell',
    direction: 'up',
    exchange: 'KRX',
    time: new Date(ts).toISOString(),
    timestamp: ts,
    raw: {
      sentAt: hrNow(),
      type: '0B',
      symbol,
      fields: {
        time: '093001',
        lastPrice: '+70000',
        change: '+500',
        changeRate: '+0.72',
        bestAsk: '+70100',
        bestBid: '+70000',
        size: '+15',
        cumulativeVolume: '1234567',
        cumulativeTurnover: '86419690',
        open: '+69500',
        high: '+70300',
        low: '-69400',
      },
    },
  };
}

/** A MarketFeed whose trades$ emits at RATE over all symbols while `running` (what a broker session would). */
function syntheticFeed(): { feed: MarketFeed; start(): void; stop(): void; sent(): number } {
  const perSymbol = new Map<string, Subject<Trade>>();
  for (const s of SYMBOLS) perSymbol.set(s, new Subject<Trade>());
  let timer: ReturnType<typeof setInterval> | undefined;
  let sent = 0;
  const status = new Subject<FeedStatus>();
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
    sent: () => sent,
    start: () => {
      const began = performance.now();
      // Paced by the clock, 1 ms ticks: sends what is due, so the rate holds under load.
      timer = setInterval(() => {
        const due = Math.floor(((performance.now() - began) / 1000) * RATE);
        while (sent < due) {
          const symbol = SYMBOLS[sent % SYMBOLS.length];
          perSymbol.get(symbol)!.next(sampleTrade(symbol, sent));
          sent += 1;
        }
      }, 1);
    },
    stop: () => timer && clearInterval(timer),
  };
}

interface ConsumerResult {
  readonly received: number;
  readonly latencies: number[];
}

const CONSUMER = `
const { natsFeed } = require(${JSON.stringify(path.join(__dirname, '..', 'dist', 'nats.js'))});
const feed = natsFeed({ servers: process.env.NATS_URL, broker: 'bench', user: 'consumer', pass: process.env.NATS_PASS, leaseMs: 5000 });
const symbols = process.env.SYMBOLS.split(',');
// Every event's stamp and hop, whenever it arrives: the window [from, to) is applied at the end, so
// an event that arrives before the 'start' line is read still counts.
let stamps = new Float64Array(1 << 16), hops = new Float64Array(1 << 16), n = 0, to = Infinity, lastInWindow = 0;
feed.trades$(symbols).subscribe((t) => {
  const sentAt = t.raw.sentAt;
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
    feed.close();
    // Exit only once the report is out: the line is hundreds of kB, and an exit with it still in
    // the pipe's queue cut it short (the parent then waited for a line that never ended).
    process.stdout.write(JSON.stringify({ received, latencies }) + '\\n', () => process.exit(0));
  }, 100);
});
`;

function spawnConsumer(url: string, pass: string): { child: ChildProcess; ready: Promise<void>; result: Promise<ConsumerResult> } {
  const child = spawn(process.execPath, ['-e', CONSUMER], {
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
}

async function fanout(n: number): Promise<FanoutResult> {
  const loadBefore = os.loadavg()[0];
  const nats = await startNatsServer();
  const nc = await connect({ servers: nats.url, user: nats.gateway.user, pass: nats.gateway.pass });
  const synthetic = syntheticFeed();
  const gateway = await startGateway({
    nc,
    broker: 'bench',
    openFeed: () => synthetic.feed,
    account: false,
    lockMs: 1_000,
    maxKeys: 1_000,
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
    const t0 = hrNow();
    const from = synthetic.sent();
    await new Promise((r) => setTimeout(r, SECONDS * 1000));
    const t1 = hrNow();
    const inWindow = synthetic.sent() - from;
    for (const c of consumers) c.child.stdin!.write(`stop ${t0} ${t1}\n`);
    const inputRate = (inWindow / (t1 - t0)) * 1000;
    // Keep the input going while the consumers drain, as a live feed would.
    await new Promise((r) => setTimeout(r, 300));
    synthetic.stop();
    if (process.env.BENCH_DEBUG) console.error('stopped', synthetic.sent(), from, inWindow);
    // A consumer that reports nothing (it died) counts as having received nothing.
    const results = await Promise.all(
      consumers.map((c) =>
        Promise.race([
          c.result,
          new Promise<ConsumerResult>((r) =>
            setTimeout(() => {
              console.error(`consumer ${c.child.pid}: no report within 30 s`);
              r({ received: 0, latencies: [] });
            }, 30_000),
          ),
        ]),
      ),
    );
    const all = results.flatMap((r) => r.latencies).sort((a, b) => a - b);
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
  return `| ${r.consumers} | ${Math.round(r.inputRate).toLocaleString('en-US')} | ${sorted[0].toFixed(3)} / ${pct(sorted, 50).toFixed(3)} / ${sorted[sorted.length - 1].toFixed(3)} | ${meeting} of ${r.consumers} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${Math.max(...r.p99s).toFixed(2)} | ${r.load[0].toFixed(1)} → ${r.load[1].toFixed(1)} |`;
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
  return [rate, hop];
}

function encodings(): void {
  const events = Array.from({ length: 20_000 }, (_, i) => ({ s: i, t: hrNow(), g: 'gw1', e: sampleTrade(SYMBOLS[i % 20], i) }));
  const te = new TextEncoder();
  const td = new TextDecoder();
  const measure = (name: string, enc: (v: unknown) => Uint8Array, dec: (b: Uint8Array) => unknown): string => {
    const runs: { encNs: number; decNs: number; bytes: number }[] = [];
    for (let r = 0; r < 5; r++) {
      let t0 = performance.now();
      const bufs = events.map(enc);
      const encNs = ((performance.now() - t0) * 1e6) / events.length;
      t0 = performance.now();
      for (const b of bufs) dec(b);
      const decNs = ((performance.now() - t0) * 1e6) / events.length;
      runs.push({ encNs, decNs, bytes: bufs.reduce((s, b) => s + b.length, 0) / bufs.length });
    }
    runs.sort((a, b) => a.encNs + a.decNs - (b.encNs + b.decNs));
    const m = runs[2];
    return `| ${name} | ${Math.round(m.bytes)} | ${Math.round(m.encNs)} | ${Math.round(m.decNs)} |`;
  };
  console.log('\n# gateway: envelope encoding, a Kiwoom-like trade with its raw record (median of 5 × 20 000)\n');
  console.log('| encoding | bytes/event | encode ns/event | decode ns/event |');
  console.log('|---|---:|---:|---:|');
  console.log(
    measure(
      'JSON (chosen)',
      (v) => te.encode(JSON.stringify(v)),
      (b) => JSON.parse(td.decode(b)),
    ),
  );
  console.log(
    measure(
      'MessagePack (@msgpack/msgpack)',
      (v) => msgpackEncode(v),
      (b) => msgpackDecode(b),
    ),
  );
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
    '| consumer processes | input (events/s) | delivered / input per consumer: worst / median / best | consumers ≥ 0.9 | hop p50 (ms) | hop p99 (ms) | worst consumer hop p99 (ms) | load (1 min) |',
  );
  console.log('|---:|---:|---:|---:|---:|---:|---:|---:|');
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
