/**
 * The base every loopback server stands on: one HTTP server on 127.0.0.1 (port 0 by default: a
 * free one) carrying the broker's REST endpoints and its WebSocket paths, the set of connected
 * clients with their per-connection state, and the ways to reach them (send, publish to the ones
 * a predicate picks, broadcast, drop, close). Each broker's server adds only its protocol.
 *
 * CORS (`cors: true`, `rx-market sim --cors`): REST answers carry `Access-Control-Allow-Origin`
 * and preflight `OPTIONS` requests are answered 204 with the methods and headers asked for, so a
 * page served from another origin (an Angular dev server) can fetch a token from the simulator.
 * WebSockets need no CORS.
 */
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo, Socket } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';

export interface LoopbackOptions {
  readonly host?: string;
  /** 0 (default) picks a free port. */
  readonly port?: number;
  /** Answer CORS preflights and allow any origin on the REST endpoints. Default false. */
  readonly cors?: boolean;
}

/** What an upgrade request is answered with: accepted (with the client's initial state) or refused. */
export type UpgradeAnswer<S> =
  { readonly accept: S } | { readonly refuse: { readonly status: number; readonly body?: string; readonly contentType?: string } };

/** A connected WebSocket and the broker's state for it. */
export interface LoopbackClient<S> {
  /** 1 for the first connection. */
  readonly id: number;
  readonly socket: WebSocket;
  readonly state: S;
}

export interface LoopbackHandlers<S> {
  /** REST: answers a request (CORS headers are already set when enabled). Default: 404. */
  readonly rest?: (req: IncomingMessage, res: ServerResponse, body: string) => void;
  /** Decides an upgrade: which state the connection starts with, or an HTTP refusal. */
  readonly upgrade: (req: IncomingMessage) => UpgradeAnswer<S>;
  /** A client is connected (register its message handler here). */
  readonly connected: (client: LoopbackClient<S>, req: IncomingMessage) => void;
  /** A client is gone (clear its timers here). */
  readonly disconnected?: (client: LoopbackClient<S>) => void;
}

export interface Loopback<S> {
  readonly host: string;
  readonly port: number;
  /** `http://host:port` */
  readonly httpUrl: string;
  /** `ws://host:port` + path */
  wsUrl(path: string): string;
  /** Connected clients, in connection order. */
  clients(): readonly LoopbackClient<S>[];
  /** Sends a text frame (objects as JSON) to one client, if its socket is open. */
  send(client: LoopbackClient<S>, frame: string | object): void;
  /** Sends one frame to every client `to` picks (the frame is serialized once). */
  publish(to: (client: LoopbackClient<S>) => boolean, frame: string | object): number;
  /** Sends one frame to every client. */
  broadcast(frame: string | object): void;
  /** Sends a frame, then closes the socket once it is flushed (a server-initiated end of session). */
  sendAndClose(client: LoopbackClient<S>, frame: string | object, code?: number, reason?: string): void;
  /** Closes every connection with a close frame. */
  closeAll(code?: number, reason?: string): void;
  /** Drops every connection abnormally (no close frame), to exercise reconnects. */
  drop(): void;
  /** Stops listening and ends every connection, including idle keep-alive HTTP ones. */
  close(): Promise<void>;
}

const text = (frame: string | object): string => (typeof frame === 'string' ? frame : JSON.stringify(frame));

/** The CORS headers of a preflight answer: what was asked for, from any origin. */
function preflightHeaders(req: IncomingMessage): Record<string, string> {
  const requested = req.headers['access-control-request-headers'];
  return {
    'Access-Control-Allow-Origin': '*',
    'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
    'Access-Control-Allow-Headers': typeof requested === 'string' && requested ? requested : 'content-type, authorization',
    'Access-Control-Max-Age': '600',
  };
}

/** Starts the HTTP + WebSocket server of a loopback broker. */
export async function startLoopback<S>(options: LoopbackOptions, handlers: LoopbackHandlers<S>): Promise<Loopback<S>> {
  const host = options.host ?? '127.0.0.1';
  const connected = new Set<LoopbackClient<S>>();
  let nextId = 0;

  const http: Server = createServer((req, res) => {
    if (options.cors) {
      if (req.method === 'OPTIONS') {
        res.writeHead(204, preflightHeaders(req)).end();
        return;
      }
      res.setHeader('Access-Control-Allow-Origin', '*');
    }
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      if (handlers.rest) handlers.rest(req, res, body);
      else res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
    });
  });

  const wss = new WebSocketServer({ noServer: true });
  http.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const answer = handlers.upgrade(req);
    if ('refuse' in answer) {
      const { status, body = '', contentType = 'application/json' } = answer.refuse;
      socket.end(
        `HTTP/1.1 ${status} ${status === 401 ? 'Unauthorized' : status === 404 ? 'Not Found' : 'Bad Request'}\r\n` +
          `Content-Type: ${contentType}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const client: LoopbackClient<S> = { id: ++nextId, socket: ws, state: answer.accept };
      connected.add(client);
      let gone = false;
      const forget = (): void => {
        if (gone) return;
        gone = true;
        connected.delete(client);
        handlers.disconnected?.(client);
      };
      ws.on('close', forget);
      ws.on('error', forget);
      handlers.connected(client, req);
    });
  });

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = http.address() as AddressInfo;

  /** Sessions the server has ended (sendAndClose): nothing more is sent to them. */
  const ending = new WeakSet<LoopbackClient<S>>();
  const send = (client: LoopbackClient<S>, frame: string | object): void => {
    if (client.socket.readyState === WebSocket.OPEN && !ending.has(client)) client.socket.send(text(frame));
  };

  return {
    host,
    port,
    httpUrl: `http://${host}:${port}`,
    wsUrl: (path) => `ws://${host}:${port}${path}`,
    clients: () => [...connected],
    send,
    publish(to, frame) {
      const t = text(frame);
      let n = 0;
      for (const c of connected) {
        if (to(c) && c.socket.readyState === WebSocket.OPEN && !ending.has(c)) {
          c.socket.send(t);
          n++;
        }
      }
      return n;
    },
    broadcast(frame) {
      const t = text(frame);
      for (const c of connected) send(c, t);
    },
    sendAndClose(client, frame, code = 1000, reason = 'closed by server') {
      send(client, frame);
      ending.add(client);
      setTimeout(() => client.socket.close(code, reason), 10);
    },
    closeAll(code = 1000, reason = 'closed by server') {
      for (const c of [...connected]) c.socket.close(code, reason);
    },
    drop() {
      for (const c of [...connected]) c.socket.terminate();
    },
    async close() {
      for (const c of [...connected]) c.socket.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      const closed = new Promise<void>((resolve) => http.close(() => resolve()));
      http.closeAllConnections(); // idle keep-alive sockets of REST requests
      await closed;
    },
  };
}

/** Resolves once `predicate` holds (polled every 5 ms), rejects after `timeoutMs`. */
export function waitUntil(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const started = Date.now();
    const check = (): void => {
      if (predicate()) resolve();
      else if (Date.now() - started > timeoutMs) reject(new Error(`${what}: condition not met within ${timeoutMs} ms`));
      else setTimeout(check, 5);
    };
    check();
  });
}
