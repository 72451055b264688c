import { spawn, ChildProcess } from 'child_process';
import { createInterface } from 'readline';
import { join } from 'path';
import { Subscription } from 'rxjs';
import WebSocket from 'ws';
import { createSession } from '../src/core/session';
import { Multiplexer } from '../src/core/multiplexer';
import { toyProtocol } from '../src/testing/toy-protocol';
import { asyncScheduler, NEVER } from 'rxjs';

/**
 * Core throughput: messages per second through createSession (decode of a JSON frame + routing
 * by key) against a plain `ws` + JSON.parse client, on the same loopback feed served by another
 * process; and the cost of routing with 1, 100 and 1000 live keys.
 */
const COUNT = Number(process.env.BENCH_COUNT ?? 100_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const KEY_COUNTS = [1, 100, 1000];

export async function run(): Promise<void> {
  const server = await startFeed();
  try {
    console.log(`\n# core: ${COUNT} frames per run, median of ${ROUNDS} runs, feed in a separate process\n`);
    console.log('| live keys | plain ws + JSON.parse (msg/s) | rx-market session (msg/s) | ratio (target ≥ 0.85) |');
    console.log('|---:|---:|---:|---:|');
    const coreByKeys = new Map<number, number>();
    for (const keys of KEY_COUNTS) {
      const plain: number[] = [];
      const core: number[] = [];
      for (let r = 0; r < ROUNDS; r++) {
        plain.push(await plainClient(server.port, keys));
        core.push(await coreClient(server.port, keys));
      }
      const p = median(plain);
      const c = median(core);
      coreByKeys.set(keys, c);
      console.log(`| ${keys} | ${fmt(p)} | ${fmt(c)} | ${(c / p).toFixed(2)} ${c / p >= 0.85 ? '✅' : '❌'} |`);
    }
    const scale = coreByKeys.get(1000)! / coreByKeys.get(1)!;
    console.log(
      `\nsession throughput at 1000 keys / at 1 key: ${scale.toFixed(2)} (1.00 = routing cost independent of keys; target ≥ 0.9) ${scale >= 0.9 ? '✅' : '❌'}`,
    );
    routingOnly();
  } finally {
    server.process.kill();
  }
}

/** Routing alone, in process: Multiplexer.route over K keys with one subscriber each. */
function routingOnly(): void {
  console.log('\n| live keys | routing only (ns/msg, median of 5) |');
  console.log('|---:|---:|');
  const base: number[] = [];
  for (const keys of KEY_COUNTS) {
    const mux = new Multiplexer<number>({
      broker: 'bench',
      scheduler: asyncScheduler,
      keyLingerMs: 0,
      connection$: NEVER,
      changed: () => undefined,
    });
    const subs = new Subscription();
    let sink = 0;
    const names = Array.from({ length: keys }, (_, i) => `k${i}`);
    for (const k of names) subs.add(mux.stream(k).subscribe((v) => (sink += v)));
    const n = 2_000_000;
    const runs: number[] = [];
    for (let r = 0; r < 5; r++) {
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < n; i++) mux.route(names[i % keys], 1);
      runs.push(Number(process.hrtime.bigint() - t0) / n);
    }
    subs.unsubscribe();
    const ns = median(runs);
    base.push(ns);
    console.log(`| ${keys} | ${ns.toFixed(1)} |`);
    if (sink < 0) console.log(sink);
  }
}

async function plainClient(port: number, keys: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/feed?keys=${keys}&count=${COUNT}`);
    const names = Array.from({ length: keys }, (_, i) => `k${i}`);
    const counts = new Map<string, number>(names.map((k) => [k, 0]));
    let received = 0;
    let first = 0;
    ws.on('open', () => {
      ws.send('{"op":"login"}');
      ws.send(JSON.stringify({ op: 'sub', keys: names }));
    });
    ws.on('message', (data) => {
      const msg = JSON.parse(data.toString()) as { k?: string };
      if (msg.k === undefined) return;
      counts.set(msg.k, (counts.get(msg.k) ?? 0) + 1);
      if (received++ === 0) first = performance.now();
      if (received === COUNT) {
        const rate = (COUNT - 1) / ((performance.now() - first) / 1000);
        ws.close();
        resolve(rate);
      }
    });
    ws.on('error', reject);
  });
}

async function coreClient(port: number, keys: number): Promise<number> {
  return new Promise((resolve) => {
    const session = createSession(toyProtocol({ url: `ws://127.0.0.1:${port}/feed?keys=${keys}&count=${COUNT}` }), {
      connectionLingerMs: 0,
      keyLingerMs: 0,
    });
    const subs = new Subscription();
    let received = 0;
    let first = 0;
    const onMessage = (): void => {
      if (received++ === 0) first = performance.now();
      if (received === COUNT) {
        const rate = (COUNT - 1) / ((performance.now() - first) / 1000);
        subs.unsubscribe();
        resolve(rate);
      }
    };
    for (let i = 0; i < keys; i++) subs.add(session.stream(`k${i}`).subscribe(onMessage));
  });
}

async function startFeed(): Promise<{ process: ChildProcess; port: number }> {
  const child = spawn(process.execPath, [join(__dirname, 'feed-server.js')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve) => createInterface({ input: child.stdout! }).once('line', resolve));
  return { process: child, port: Number(line) };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}
