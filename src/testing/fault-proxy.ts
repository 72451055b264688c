/**
 * A TCP proxy that injects network faults between a feed and its (loopback) server, for the
 * project's own fault-injection suite (`npm run chaos`, the chaos jest test) and for users who
 * want to try their strategy against a bad network.
 *
 *   feed ──ws://127.0.0.1:proxy──► FaultProxy ──tcp──► server
 *
 * Faults act on the connections open at the moment they are injected:
 * - `close`   both sides get a FIN (no WebSocket close frame: the client sees 1006)
 * - `reset`   the client side gets a TCP RST
 * - `stall`   half-open: bytes stop flowing both ways, the sockets stay open (until `heal`)
 * - `latency` every chunk is delayed by `ms` (until `heal`)
 * - `drip`    server→client bytes trickle at `bytesPerSecond` (until `heal`)
 * New connections after a stall are healthy (that is how a reconnect recovers).
 *
 * It also reads the client's WebSocket frames (unmasking them) so tests can see what the feed
 * sent and when, whatever the broker: `clientFrames`.
 */
import * as net from 'net';
import { AddressInfo } from 'net';

export type FaultKind = 'close' | 'reset' | 'stall' | 'latency' | 'drip';

export interface Fault {
  readonly kind: FaultKind;
  /** latency: added delay per chunk. Default 200. */
  readonly ms?: number;
  /** drip: server→client rate. Default 2 048. */
  readonly bytesPerSecond?: number;
}

export interface ClientFrameSeen {
  /** Date.now() when the proxy read it. */
  readonly at: number;
  /** 1 for the first connection through the proxy. */
  readonly connection: number;
  readonly text: string;
}

export interface FaultProxyOptions {
  readonly targetHost?: string;
  readonly targetPort: number;
  readonly host?: string;
}

interface Pair {
  readonly id: number;
  readonly client: net.Socket;
  readonly server: net.Socket;
  mode: 'pass' | 'stall' | 'latency' | 'drip';
  latencyMs: number;
  bytesPerSecond: number;
  drip: Buffer[];
  dripTimer?: NodeJS.Timeout;
  readonly timers: Set<NodeJS.Timeout>;
  parse: Buffer;
}

export class FaultProxy {
  readonly clientFrames: ClientFrameSeen[] = [];
  private readonly pairs = new Set<Pair>();
  private connections = 0;

  private constructor(
    private readonly server: net.Server,
    private readonly options: FaultProxyOptions,
  ) {}

  static start(options: FaultProxyOptions): Promise<FaultProxy> {
    const server = net.createServer();
    const proxy = new FaultProxy(server, options);
    server.on('connection', (client) => proxy.accept(client));
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, options.host ?? '127.0.0.1', () => resolve(proxy));
    });
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** `url` with its host and port replaced by the proxy's (keeps scheme, path, query). */
  via(url: string): string {
    const u = new URL(url);
    u.hostname = this.options.host ?? '127.0.0.1';
    u.port = String(this.port);
    return u.toString();
  }

  /** Connections open now. */
  get open(): number {
    return this.pairs.size;
  }

  /** Connections accepted so far. */
  get accepted(): number {
    return this.connections;
  }

  /** Injects a fault into every connection open now. */
  inject(fault: Fault): void {
    for (const pair of [...this.pairs]) {
      switch (fault.kind) {
        case 'close':
          pair.client.end();
          pair.server.end();
          this.forget(pair);
          break;
        case 'reset':
          pair.client.resetAndDestroy();
          pair.server.destroy();
          this.forget(pair);
          break;
        case 'stall':
          pair.mode = 'stall';
          break;
        case 'latency':
          pair.mode = 'latency';
          pair.latencyMs = fault.ms ?? 200;
          break;
        case 'drip':
          pair.mode = 'drip';
          pair.bytesPerSecond = fault.bytesPerSecond ?? 2_048;
          this.startDrip(pair);
          break;
      }
    }
  }

  /**
   * Ends latency and drip on the open connections (what is queued is delivered) and destroys
   * stalled ones (their client has given up on them, or will).
   */
  heal(): void {
    for (const pair of [...this.pairs]) {
      if (pair.mode === 'stall') {
        pair.client.destroy();
        pair.server.destroy();
        this.forget(pair);
        continue;
      }
      if (pair.mode === 'drip') {
        for (const chunk of pair.drip.splice(0)) pair.client.write(chunk);
        clearInterval(pair.dripTimer);
      }
      pair.mode = 'pass';
    }
  }

  async close(): Promise<void> {
    for (const pair of [...this.pairs]) {
      pair.client.destroy();
      pair.server.destroy();
      this.forget(pair);
    }
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: net.Socket): void {
    this.connections += 1;
    const server = net.connect(this.options.targetPort, this.options.targetHost ?? '127.0.0.1');
    const pair: Pair = {
      id: this.connections,
      client,
      server,
      mode: 'pass',
      latencyMs: 0,
      bytesPerSecond: 0,
      drip: [],
      timers: new Set(),
      parse: Buffer.alloc(0),
    };
    this.pairs.add(pair);
    client.setNoDelay(true);
    server.setNoDelay(true);
    const end = (): void => {
      client.destroy();
      server.destroy();
      this.forget(pair);
    };
    client.on('error', end);
    server.on('error', end);
    client.on('close', end);
    server.on('close', end);
    client.on('data', (chunk: Buffer) => {
      this.readClientFrames(pair, chunk);
      this.forward(pair, chunk, server, false);
    });
    server.on('data', (chunk: Buffer) => this.forward(pair, chunk, client, true));
  }

  private forward(pair: Pair, chunk: Buffer, to: net.Socket, downstream: boolean): void {
    switch (pair.mode) {
      case 'pass':
        to.write(chunk);
        return;
      case 'stall':
        return; // lost in the void, as on a half-open link
      case 'latency': {
        const timer = setTimeout(() => {
          pair.timers.delete(timer);
          if (!to.destroyed) to.write(chunk);
        }, pair.latencyMs);
        pair.timers.add(timer);
        return;
      }
      case 'drip':
        if (downstream) pair.drip.push(chunk);
        else to.write(chunk);
        return;
    }
  }

  private startDrip(pair: Pair): void {
    clearInterval(pair.dripTimer);
    const tickMs = 50;
    pair.dripTimer = setInterval(() => {
      let budget = Math.max(1, Math.floor((pair.bytesPerSecond * tickMs) / 1000));
      while (budget > 0 && pair.drip.length > 0) {
        const head = pair.drip[0] as Buffer;
        const piece = head.subarray(0, budget);
        if (piece.length === head.length) pair.drip.shift();
        else pair.drip[0] = head.subarray(budget);
        budget -= piece.length;
        if (!pair.client.destroyed) pair.client.write(piece);
      }
    }, tickMs);
  }

  private forget(pair: Pair): void {
    if (!this.pairs.delete(pair)) return;
    clearInterval(pair.dripTimer);
    for (const t of pair.timers) clearTimeout(t);
    pair.timers.clear();
  }

  /** Client→server WebSocket frames, unmasked (text frames only; the HTTP upgrade is skipped). */
  private readClientFrames(pair: Pair, chunk: Buffer): void {
    let buf = Buffer.concat([pair.parse, chunk]);
    if (buf.length > 1 << 20) buf = Buffer.alloc(0); // a bound: never hold more than 1 MiB here
    // The upgrade request ends with a blank line; frames follow.
    if (buf.subarray(0, 4).toString('latin1') === 'GET ') {
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) {
        pair.parse = buf;
        return;
      }
      buf = buf.subarray(end + 4);
    }
    for (;;) {
      if (buf.length < 2) break;
      const opcode = (buf[0] as number) & 0x0f;
      let len = (buf[1] as number) & 0x7f;
      const masked = ((buf[1] as number) & 0x80) !== 0;
      let offset = 2;
      if (len === 126) {
        if (buf.length < 4) break;
        len = buf.readUInt16BE(2);
        offset = 4;
      } else if (len === 127) {
        if (buf.length < 10) break;
        len = Number(buf.readBigUInt64BE(2));
        offset = 10;
      }
      const maskAt = offset;
      if (masked) offset += 4;
      if (buf.length < offset + len) break;
      if (opcode === 1) {
        const payload = Buffer.from(buf.subarray(offset, offset + len));
        if (masked) for (let i = 0; i < payload.length; i++) payload[i] = (payload[i] as number) ^ (buf[maskAt + (i % 4)] as number);
        this.clientFrames.push({ at: Date.now(), connection: pair.id, text: payload.toString('utf8') });
      }
      buf = buf.subarray(offset + len);
    }
    pair.parse = Buffer.from(buf);
  }
}

/** One fault of a schedule: injected `at` ms after the start, healed `forMs` later (stall, latency, drip). */
export interface ScheduledFault extends Fault {
  readonly at: number;
  readonly forMs: number;
}

/**
 * A seeded fault schedule over `seconds`: every kind at least once (in a seeded order), then
 * seeded picks, spaced so each fault has time to be detected and recovered before the next.
 */
export function faultSchedule(
  seed: number,
  seconds: number,
  kinds: readonly FaultKind[] = ['close', 'reset', 'stall', 'latency', 'drip'],
): ScheduledFault[] {
  let s = seed >>> 0;
  const next = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return ((z ^ (z >>> 14)) >>> 0) / 4294967296;
  };
  const order = [...kinds].sort(() => next() - 0.5);
  const out: ScheduledFault[] = [];
  let at = 2_000 + Math.floor(next() * 500);
  let i = 0;
  // Faults 11 s apart (20 s after a stall): a connection counts as healthy after 10 s, so each
  // fault meets a fresh backoff, as a first fault in a long while would.
  const spanOf = (kind: FaultKind): number => (kind === 'stall' ? 20_000 : 11_000);
  const needs = (kind: FaultKind): number => (kind === 'stall' ? 12_000 : 3_000);
  for (;;) {
    const kind = i < order.length ? (order[i] as FaultKind) : (kinds[Math.floor(next() * kinds.length)] as FaultKind);
    const forMs = kind === 'latency' || kind === 'drip' ? 1_000 + Math.floor(next() * 2_000) : kind === 'stall' ? 12_000 : 0;
    if (at + needs(kind) > seconds * 1_000) break;
    out.push({
      kind,
      at,
      forMs,
      ...(kind === 'latency' ? { ms: 100 + Math.floor(next() * 300) } : {}),
      ...(kind === 'drip' ? { bytesPerSecond: 4_096 } : {}),
    });
    at += spanOf(kind) + Math.floor(next() * 500);
    i += 1;
  }
  return out;
}
