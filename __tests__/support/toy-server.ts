import { createServer, IncomingMessage, Server } from 'http';
import { AddressInfo } from 'net';
import { WebSocket, WebSocketServer } from 'ws';
import { toy } from '../../src/testing/toy-protocol';

/**
 * A real `ws` server on 127.0.0.1 speaking the toy protocol of marbles/support: it acks login
 * and subscriptions, and lets a test push data to subscribers, drop connections, or refuse the
 * upgrade with an HTTP status.
 */
export class ToyServer {
  readonly logins: number[] = [];
  /** Who logged in on which connection (toy logins may name a user). */
  readonly users = new Map<number, string | undefined>();
  /** Every sub request, per connection number. */
  readonly subs: { connection: number; keys: string[] }[] = [];
  private readonly clients = new Map<WebSocket, { connection: number; keys: Set<string> }>();
  private connections = 0;
  refuseWith?: number;
  private constructor(
    private readonly http: Server,
    private readonly wss: WebSocketServer,
  ) {}

  static async start(): Promise<ToyServer> {
    const http = createServer();
    const wss = new WebSocketServer({ noServer: true });
    const server = new ToyServer(http, wss);
    http.on('upgrade', (req: IncomingMessage, socket, head) => {
      if (server.refuseWith) {
        socket.end(`HTTP/1.1 ${server.refuseWith} Refused\r\nContent-Type: application/json\r\n\r\n{"code":"40009","msg":"bad signature"}`);
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => server.accept(ws));
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    return server;
  }

  get url(): string {
    return `ws://127.0.0.1:${(this.http.address() as AddressInfo).port}/feed`;
  }

  get connectionCount(): number {
    return this.connections;
  }

  private accept(ws: WebSocket): void {
    const state = { connection: ++this.connections, keys: new Set<string>() };
    this.clients.set(ws, state);
    ws.on('close', () => this.clients.delete(ws));
    ws.on('message', (data) => {
      const msg = JSON.parse(data.toString()) as { op: string; keys?: string[]; user?: string };
      if (msg.op === 'login') {
        this.logins.push(state.connection);
        this.users.set(state.connection, msg.user);
        ws.send(toy.loginOk);
      } else if (msg.op === 'sub') {
        this.subs.push({ connection: state.connection, keys: msg.keys ?? [] });
        for (const k of msg.keys ?? []) state.keys.add(k);
        ws.send(toy.subbed(...(msg.keys ?? [])));
      } else if (msg.op === 'unsub') {
        for (const k of msg.keys ?? []) state.keys.delete(k);
      }
    });
  }

  /** Sends a value to every client subscribed to `key`. */
  push(key: string, value: unknown): number {
    let sent = 0;
    for (const [ws, state] of this.clients) {
      if (state.keys.has(key)) {
        ws.send(toy.data(key, value));
        sent += 1;
      }
    }
    return sent;
  }

  /** Sends a raw frame to every client. */
  broadcast(frame: string): void {
    for (const ws of this.clients.keys()) ws.send(frame);
  }

  /** Kills every connection without a close frame (as a network drop does). */
  drop(): void {
    for (const ws of this.clients.keys()) ws.terminate();
  }

  /** Closes every connection with a close frame. */
  closeAll(code: number, reason: string): void {
    for (const ws of this.clients.keys()) ws.close(code, reason);
  }

  /** Keys registered now, per logged-in user. */
  keysByUser(): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const state of this.clients.values()) {
      const user = this.users.get(state.connection) ?? '?';
      out[user] = [...(out[user] ?? []), ...state.keys].sort();
    }
    return out;
  }

  subscribedKeys(): string[] {
    const keys = new Set<string>();
    for (const state of this.clients.values()) state.keys.forEach((k) => keys.add(k));
    return [...keys].sort();
  }

  async close(): Promise<void> {
    for (const ws of this.clients.keys()) ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }
}

/** Resolves when `predicate` holds, polling every 5 ms; rejects after `ms`. */
export async function until(predicate: () => boolean, ms = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
