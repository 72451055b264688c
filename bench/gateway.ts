/**
 * `npm run bench -- gateway`: one gateway fanning out to 1, 10 and 50 consumer processes
 * (natsFeed) at a fixed input rate (default 20 000 trades/s over 20 symbols), on a real
 * nats-server with the README's permission config. Per consumer: delivered rate as a fraction of
 * the input rate; and the latency the gateway adds (feed event → gateway → NATS → natsFeed event,
 * stamped with a high-resolution clock in the event's `raw`), p50/p99 over every consumer.
 * Also: JSON against MessagePack for the envelope (bytes, encode + decode time).
 */
import { ChildProcess, spawn } from 'child_process';
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
      fields: { time: '093001', lastPrice: '+70000', change: '+500', changeRate: '+0.72', bestAsk: '+70100', bestBid: '+70000', size: '+15', cumulativeVolume: '1234567', cumulativeTurnover: '86419690', open: '+69500', high: '+70300', low: '-69400' },
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
// Counts the events stamped inside the window [from, to), whenever they arrive.
let from = Infinity, to = Infinity, received = 0, lastInWindow = 0;
const latencies = [];
feed.trades$(symbols).subscribe((t) => {
  const sentAt = t.raw.sentAt;
  if (sentAt < from || sentAt >= to) return;
  const now = performance.timeOrigin + performance.now();
  received += 1;
  lastInWindow = now;
  if (received % 7 === 0) latencies.push(now - sentAt);
});
process.stdout.write('ready\\n');
process.stdin.on('data', (d) => {
  const [cmd, at] = d.toString().trim().split(' ');
  if (cmd === 'start') from = Number(at);
  if (cmd === 'stop') {
    to = Number(at);
    // Done once nothing from the window arrived for 500 ms (late events still count).
    const check = setInterval(() => {
      if (performance.timeOrigin + performance.now() - Math.max(lastInWindow, to) < 500) return;
      clearInterval(check);
      process.stdout.write(JSON.stringify({ received, latencies }) + '\\n');
      feed.close();
      setTimeout(() => process.exit(0), 100);
    }, 100);
  }
});
`;

function spawnConsumer(url: string, pass: string): { child: ChildProcess; ready: Promise<void>; result: Promise<ConsumerResult> } {
  const child = spawn(process.execPath, ['-e', CONSUMER], { env: { ...process.env, NATS_URL: url, NATS_PASS: pass, SYMBOLS: SYMBOLS.join(',') }, stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  let readyResolve: () => void = () => undefined;
  const ready = new Promise<void>((r) => (readyResolve = r));
  const result = new Promise<ConsumerResult>((resolve) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('ready\n')) readyResolve();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line && out.endsWith('\n')) resolve(JSON.parse(line) as ConsumerResult);
    });
  });
  return { child, ready, result };
}

const TIMED_OUT = Symbol('timed out');
const within = <T>(p: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> => {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<typeof TIMED_OUT>((r) => (timer = setTimeout(() => r(TIMED_OUT), ms)));
  return Promise.race([p, limit]).finally(() => clearTimeout(timer));
};

const pct = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? NaN;

async function fanout(n: number): Promise<string> {
  const nats = await startNatsServer();
  const nc = await connect({ servers: nats.url, user: nats.gateway.user, pass: nats.gateway.pass });
  const synthetic = syntheticFeed();
  const gateway = await startGateway({ nc, broker: 'bench', openFeed: () => synthetic.feed, account: false, lockMs: 1_000, maxKeys: 1_000 });
  const consumers = Array.from({ length: n }, () => spawnConsumer(nats.url, nats.consumer.pass));
  try {
    // Bounded waits: on a loaded machine a consumer process may never report; the row says so
    // rather than hanging `npm run bench`.
    if ((await within(Promise.all(consumers.map((c) => c.ready)), 60_000)) === TIMED_OUT) return `| ${n} | n/a (consumers not ready within 60 s) | | | | |`;
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
    for (const c of consumers) c.child.stdin!.write(`start ${t0}\n`);
    await new Promise((r) => setTimeout(r, SECONDS * 1000));
    const t1 = hrNow();
    const inWindow = synthetic.sent() - from;
    for (const c of consumers) c.child.stdin!.write(`stop ${t1}\n`);
    const inputRate = (inWindow / (t1 - t0)) * 1000;
    // Keep the input going while the consumers drain, as a live feed would.
    await new Promise((r) => setTimeout(r, 300));
    synthetic.stop();
    if (process.env.BENCH_DEBUG) console.error('stopped');
    const results = await within(Promise.all(consumers.map((c) => c.result)), 60_000);
    if (results === TIMED_OUT) return `| ${n} | n/a (no result from every consumer within 60 s) | | | | |`;
    const rates = results.map((r) => r.received / inWindow);
    const all = results.flatMap((r) => r.latencies).sort((a, b) => a - b);
    const minRate = Math.min(...rates);
    const meanRate = rates.reduce((a, b) => a + b, 0) / rates.length;
    return `| ${n} | ${Math.round(inputRate).toLocaleString('en-US')} | ${meanRate.toFixed(3)} | ${minRate.toFixed(3)} | ${pct(all, 50).toFixed(3)} | ${pct(all, 99).toFixed(3)} |`;
  } finally {
    for (const c of consumers) c.child.kill('SIGKILL');
    await gateway.close();
    await nc.close();
    await nats.stop();
  }
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
  console.log(measure('JSON (chosen)', (v) => te.encode(JSON.stringify(v)), (b) => JSON.parse(td.decode(b))));
  console.log(measure('MessagePack (@msgpack/msgpack)', (v) => msgpackEncode(v), (b) => msgpackDecode(b)));
}

export async function run(): Promise<void> {
  encodings();
  console.log(`\n# gateway: fan-out at ${RATE.toLocaleString('en-US')} trades/s over ${SYMBOLS.length} symbols, ${SECONDS} s per run\n`);
  console.log('| consumer processes | input (events/s) | delivered / input, mean | delivered / input, worst | hop p50 (ms) | hop p99 (ms) |');
  console.log('|---:|---:|---:|---:|---:|---:|');
  for (const n of FANOUT) console.log(await fanout(n));
}
