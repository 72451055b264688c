/**
 * The benchmark's feed: one broker's loopback server (src/app/servers, the real protocol: login,
 * subscribe, acks) in its own process, so it never shares the measured client's event loop.
 *
 *   tsx bench/real/server.ts <kiwoom|kis|weex>
 *
 * Prints `{"env":{...}}` once listening, then reads one JSON command per line on stdin:
 *   {"cmd":"blast","kind":K,"symbols":[...],"count":N,"rate":R,"wait":[keys]}
 *     waits until a client has subscribed `wait` (server-side key names), sends the prelude,
 *     then N data frames — as fast as the sockets drain (rate 0, at most 1 MiB queued per socket)
 *     or at R frames/s (paced by the clock, catching up in bursts); answers {"sent":N}.
 *   {"cmd":"stream","kind":K,"symbols":[...],"rate":R}   sends at R frames/s until "stop".
 *   {"cmd":"stop"}
 */
import { createInterface } from 'readline';
import { WebSocket } from 'ws';
import { startKiwoomServer } from '../../src/app/servers/kiwoom/server';
import { KisServer } from '../../src/app/servers/kis/server';
import { startWeexServer } from '../../src/app/servers/weex/server';
import { FrameKind, framesOf } from './frames';

// Every server-side socket, to honour their send queues (the servers do not expose them).
const sockets = new Set<WebSocket>();
const send = WebSocket.prototype.send;
WebSocket.prototype.send = function (this: WebSocket, ...args: Parameters<WebSocket['send']>) {
  sockets.add(this);
  return send.apply(this, args);
} as WebSocket['send'];

const queued = (): number => {
  let max = 0;
  for (const s of sockets) {
    if (s.readyState !== WebSocket.OPEN) sockets.delete(s);
    else if (s.bufferedAmount > max) max = s.bufferedAmount;
  }
  return max;
};

interface Served {
  readonly env: Readonly<Record<string, string>>;
  broadcast(frame: string): void;
  subscribed(key: string): boolean;
}

async function serve(broker: string): Promise<Served> {
  switch (broker) {
    case 'kiwoom': {
      const s = await startKiwoomServer({ pingIntervalMs: 0 });
      return { env: s.env, broadcast: (f) => s.broadcastRaw(f), subscribed: (k) => s.registrations().includes(k) };
    }
    case 'kis': {
      const s = await KisServer.start();
      return { env: s.env, broadcast: (f) => s.broadcastRaw(f), subscribed: (k) => s.registrations().some((r) => r.includes(k)) };
    }
    case 'weex': {
      const s = await startWeexServer({ pingIntervalMs: 600_000 });
      return { env: s.env, broadcast: (f) => s.broadcastRaw(f), subscribed: (k) => s.subscribedStreams('public').includes(k) };
    }
  }
  throw new Error(`unknown broker ${broker}`);
}

interface Command {
  readonly cmd: 'blast' | 'stream' | 'stop';
  readonly kind: FrameKind;
  readonly symbols: readonly string[];
  readonly count?: number;
  readonly rate?: number;
  readonly wait?: readonly string[];
}

async function main(): Promise<void> {
  const served = await serve(process.argv[2]);
  process.stdout.write(`${JSON.stringify({ env: served.env })}\n`);
  let stopped = false;
  let sequence = 0; // frames differ across runs too (trade ids, cumulative volumes)

  const waitFor = async (keys: readonly string[]): Promise<void> => {
    const until = Date.now() + 20_000;
    while (!keys.every((k) => served.subscribed(k))) {
      if (Date.now() > until) throw new Error(`no client subscribed ${keys.join(', ')}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  };

  const pump = (c: Command, count: number): Promise<number> => {
    const { frame: at, prelude, chained } = framesOf(c.kind);
    let local = 0;
    const frame = (seq: number, symbols: readonly string[]): string => at(chained ? local++ : seq, symbols);
    for (const f of prelude(c.symbols)) served.broadcast(f);
    const rate = c.rate ?? 0;
    const start = process.hrtime.bigint();
    let sent = 0;
    return new Promise((resolve) => {
      const step = (): void => {
        if (stopped || sent >= count) return resolve(sent);
        if (rate > 0) {
          const due = Math.min(count, Math.floor((Number(process.hrtime.bigint() - start) / 1e9) * rate));
          while (sent < due) {
            served.broadcast(frame(sequence++, c.symbols));
            sent++;
          }
          setTimeout(step, 1);
        } else {
          while (sent < count && queued() < 1 << 20) {
            served.broadcast(frame(sequence++, c.symbols));
            sent++;
          }
          setImmediate(step);
        }
      };
      step();
    });
  };

  for await (const line of createInterface({ input: process.stdin })) {
    const c = JSON.parse(line) as Command;
    if (c.cmd === 'stop') {
      stopped = true;
      continue;
    }
    stopped = false;
    if (c.cmd === 'blast') {
      void waitFor(c.wait ?? [])
        .then(() => pump(c, c.count ?? 0))
        .then(
          (sent) => process.stdout.write(`${JSON.stringify({ sent })}\n`),
          (err: Error) => process.stdout.write(`${JSON.stringify({ error: err.message })}\n`),
        );
    } else if (c.cmd === 'stream') {
      void pump(c, Number.MAX_SAFE_INTEGER);
    }
  }
  process.exit(0);
}

void main();
