/**
 * `npm run bench -- memory`: the slow-consumer and flood cases of issue 12, each for
 * MEMORY_SECONDS (default 60) in a process of its own (bench/memory-case.ts), with peak RSS
 * (target < 300 MB) and whether the overflow / lag / echo-bound signal was raised; then the
 * CPU cost of the safeguards (on ÷ off, target ≤ 1.05) and the guard's own cost per event.
 */
import { spawn } from 'child_process';
import { readFileSync } from 'fs';
import { join } from 'path';
import { Subject } from 'rxjs';
import { slowConsumer } from '../src/feed/slow-consumer';
import { ServerProcess } from './memory-case';

const SECONDS = Number(process.env.MEMORY_SECONDS ?? 60);
const RATE = Number(process.env.MEMORY_RATE ?? 30_000);
const CPU_ROUNDS = Number(process.env.MEMORY_CPU_ROUNDS ?? 5);
const root = join(__dirname, '..');
const TARGET_MB = 300;

interface CaseResult {
  readonly peakRss: number;
  readonly endRss?: number;
  readonly events?: number;
  readonly overflows?: number;
  readonly reconnects?: number;
  readonly detectors?: Record<string, number>;
  readonly lagMs?: number;
  readonly notices?: Record<string, number>;
  readonly cpuUsPerEvent?: number;
  readonly error?: string;
}

function runCase(name: string, arg?: string): Promise<CaseResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'memory-case.ts'), name, ...(arg ? [arg] : [])], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, MEMORY_SECONDS: String(SECONDS), MEMORY_RATE: String(RATE) },
    });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(line) as CaseResult);
      } catch {
        reject(new Error(`case ${name} exited ${code}: ${out}`));
      }
    });
  });
}

/** `rx-market stream` into a pipe nobody reads, the WEEX server sending RATE trades a second. */
async function stalledPipe(): Promise<{ peakRss: number; exit: number | null; stderr: string; seconds: number }> {
  const coins = ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'];
  const server = await ServerProcess.start('real/server.ts', ['weex']);
  const child = spawn(process.execPath, [join(root, 'bin', 'rx-market.js'), 'stream', 'weex', 'trades', ...coins], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', ...server.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.pause(); // the sink stalls: nothing reads the pipe
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  server.send({
    cmd: 'blast',
    kind: 'weex-trade',
    symbols: coins,
    count: RATE * SECONDS,
    rate: RATE,
    wait: coins.map((s) => `${s}@trade`),
  });
  const t0 = performance.now();
  let peak = 0;
  const sample = setInterval(() => (peak = Math.max(peak, vmHwm(child.pid!))), 250);
  const exit = await Promise.race([
    new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code))),
    new Promise<'running'>((resolve) => setTimeout(() => resolve('running'), SECONDS * 1000)),
  ]);
  clearInterval(sample);
  const seconds = (performance.now() - t0) / 1000;
  if (exit === 'running') child.kill();
  server.stop();
  return { peakRss: peak, exit: exit === 'running' ? null : exit, stderr: stderr.trim().split('\n').pop() ?? '', seconds };
}

function vmHwm(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/**
 * The guard alone, in process: ns per event through slowConsumer vs a bare Subject, events in
 * bursts of 1 000 a turn of the event loop (as from socket reads), so the guard sees turns end.
 */
export async function guardCost(): Promise<{ bare: number; guarded: number }> {
  const bursts = 1_000;
  const size = 1_000;
  const time = async (guarded: boolean): Promise<number> => {
    const s = new Subject<{ kind: string; symbol: string }>();
    let sink = 0;
    (guarded ? s.pipe(slowConsumer()) : s).subscribe({ next: () => sink++, error: () => (sink = -Infinity) });
    const e = { kind: 'trade', symbol: 'A' };
    let ns = 0;
    for (let b = 0; b < bursts; b++) {
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < size; i++) s.next(e);
      ns += Number(process.hrtime.bigint() - t0);
      await new Promise((r) => setImmediate(r));
    }
    s.complete();
    return sink === bursts * size ? ns / (bursts * size) : NaN;
  };
  // Warm both paths first (the JIT), then alternate.
  await time(false);
  await time(true);
  const bare: number[] = [];
  const guarded: number[] = [];
  for (let r = 0; r < 9; r++) {
    bare.push(await time(false));
    guarded.push(await time(true));
  }
  return { bare: median(bare), guarded: median(guarded) };
}

const median = (xs: number[]): number => {
  const s = xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.floor(s.length / 2)];
};
const mb = (n: number | undefined): string => (n === undefined || !n ? 'n/a' : `${(n / 1e6).toFixed(0)} MB`);
const mark = (ok: boolean): string => (ok ? '✅' : '❌');
const codes = (r: Record<string, number> | undefined): string =>
  Object.entries(r ?? {})
    .map(([k, v]) => `${k} ×${v}`)
    .join(', ') || 'none';

export async function run(): Promise<void> {
  console.log(
    `\n# memory: each case ${SECONDS} s in its own process, ~${RATE.toLocaleString('en-US')} frames/s, target peak RSS < ${TARGET_MB} MB\n`,
  );
  console.log('| case | peak RSS | RSS at end | consumed | signal raised | reconnects (detector) | under target |');
  console.log('|---|---:|---:|---:|---|---|---|');
  const rows: [string, string, (r: CaseResult) => string][] = [
    ['async-trades', 'async consumer (1 ms each, `consume`) on WEEX trades', (r) => `overflow ×${r.overflows} (re-subscribed)`],
    ['async-books', 'async consumer (1 ms each, `consume`) on a WEEX book', (r) => `conflated (no overflow: ${r.overflows})`],
    ['cpu-trades', 'CPU-bound consumer (0.2 ms each) on WEEX trades', (r) => `overflow ×${r.overflows}; lag ${r.lagMs} ms`],
    ['cpu-books', 'CPU-bound consumer (0.2 ms each) on a KIS book', (r) => `conflated (overflow ${r.overflows}); lag ${r.lagMs} ms`],
    ['ping-flood', 'server floods 1 KiB PINGs, reads nothing', (r) => `${codes(r.notices)} (${r.events} pings sent)`],
  ];
  for (const [name, label, signal] of rows) {
    const r = await runCase(name);
    if (r.error) {
      console.log(`| ${label} | ${mb(r.peakRss)} | - | - | ${r.error} | - | ❌ |`);
      continue;
    }
    console.log(
      `| ${label} | ${mb(r.peakRss)} | ${mb(r.endRss)} | ${name === 'ping-flood' ? '-' : (r.events ?? 0).toLocaleString('en-US')} | ${signal(r)} | ${r.reconnects} (${codes(r.detectors)}) | ${mark(r.peakRss < TARGET_MB * 1e6)} |`,
    );
  }
  const pipe = await stalledPipe();
  console.log(
    `| \`rx-market stream\` into a stalled pipe | ${mb(pipe.peakRss)} | - | - | ${pipe.exit === null ? 'still running' : `exit ${pipe.exit} after ${pipe.seconds.toFixed(1)} s`}: ${pipe.stderr || '(no message)'} | - | ${mark(pipe.peakRss > 0 && pipe.peakRss < TARGET_MB * 1e6)} |`,
  );
}

/** The CPU of the safeguards, on ÷ off (part of the default `npm run bench`: about a minute). */
export async function runSafeguards(): Promise<void> {
  console.log(`\n# CPU of the safeguards: WEEX trades as fast as the socket drains, median of ${CPU_ROUNDS} alternating rounds\n`);
  const on: number[] = [];
  const off: number[] = [];
  for (let r = 0; r < CPU_ROUNDS; r++) {
    const a = await runCase('cpu-cost', 'on');
    const b = await runCase('cpu-cost', 'off');
    if (a.cpuUsPerEvent) on.push(a.cpuUsPerEvent);
    if (b.cpuUsPerEvent) off.push(b.cpuUsPerEvent);
  }
  const ratio = median(on) / median(off);
  console.log('| safeguards | CPU µs per event (median) | rounds |');
  console.log('|---|---:|---|');
  console.log(`| on (defaults) | ${median(on).toFixed(2)} | ${on.map((x) => x.toFixed(1)).join(' ')} |`);
  console.log(
    `| off (slowConsumer, pings, send-buffer bound, lag monitor, staleness) | ${median(off).toFixed(2)} | ${off.map((x) => x.toFixed(1)).join(' ')} |`,
  );
  console.log(`\non ÷ off: **${ratio.toFixed(3)}** (target ≤ 1.05) ${mark(ratio <= 1.05)}`);
  const g = await guardCost();
  console.log(
    `\nThe slow-consumer guard alone, in process (a Subject, 1 M events in bursts of 1 000, median of 9): ${g.bare.toFixed(1)} ns/event bare, ` +
      `${g.guarded.toFixed(1)} ns/event guarded: ${(g.guarded - g.bare).toFixed(1)} ns, ${(((g.guarded - g.bare) / 1000 / median(on)) * 100).toFixed(2)} % of an event's CPU above.`,
  );
}
