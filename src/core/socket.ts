import { Observable, catchError, defer, map, throwError } from 'rxjs';
import rxjsWebSockets, { WebSocketLike } from 'rxjs-websockets';
// Browser bundlers resolve `ws` to its small browser stub (its package.json `browser` field), which
// is never called there: browsers use the native WebSocket below.
import WS from 'ws';
import type { ClientRequest, IncomingMessage } from 'http';
import { FeedError } from './errors';
import { describeCloseCode } from './close-codes';
import { SocketControl, SocketFactory, SocketResponses } from './protocol';

// rxjs-websockets is CommonJS with an ES module build for bundlers: Node's ES module loader hands
// over the CommonJS exports object (the function is its `default`), bundlers and require the function.
const makeWebSocketObservable: typeof rxjsWebSockets =
  (rxjsWebSockets as unknown as { default?: typeof rxjsWebSockets }).default ?? rxjsWebSockets;

export interface WebSocketFactoryOptions {
  /** Fail an opening handshake that takes longer than this. Default 10 000 ms (Node only). */
  readonly handshakeTimeoutMs?: number;
  /** Largest inbound message accepted. Default 16 MiB (multi-record KIS frames exceed 8 KiB). */
  readonly maxPayloadBytes?: number;
  /**
   * How long a closed socket waits for the peer's close frame before it is destroyed. Default
   * 2 000 ms (Node only). `ws` would wait 30 s, holding the socket and a timer after the last
   * subscriber left, and a dead peer (the liveness case) never answers.
   */
  readonly closeTimeoutMs?: number;
}

/** What the socket said before it failed, kept for the error message. */
interface Probe {
  httpStatus?: number;
  httpBody?: string;
  closeCode?: number;
  closeReason?: string;
  error?: Error & { code?: string };
}

/**
 * Sockets through rxjs-websockets: `ws` in Node (which can send upgrade headers), the native
 * WebSocket in browsers (which cannot: headers are dropped there). Failures become FeedErrors
 * that say what happened: the HTTP status of a refused upgrade, the close code and its meaning,
 * or the network error code.
 */
export function webSocketFactory(options: WebSocketFactoryOptions = {}): SocketFactory {
  return (url, headers) =>
    defer(() => {
      const invalid = checkUrl(url);
      if (invalid) return throwError(() => invalid);
      const probe: Probe = {};
      const native = (globalThis as { WebSocket?: new (url: string, protocols: string | string[]) => WebSocketLike }).WebSocket;
      const inBrowser = typeof (globalThis as { window?: unknown }).window !== 'undefined' && native !== undefined;
      let control: SocketControl | undefined;
      const makeWebSocket = inBrowser
        ? (u: string, p: string | string[]) => {
            const socket = new native(u, p);
            control = browserControl(socket);
            return socket;
          }
        : (u: string, p: string | string[]) => {
            const socket = nodeSocket(u, p, headers, probe, options);
            control = nodeControl(socket);
            return socket as unknown as WebSocketLike;
          };
      return makeWebSocketObservable<string>(url, { protocols: [], makeWebSocket }).pipe(
        map((getResponses): SocketResponses =>
          Object.assign((input: Observable<string>) => getResponses(input).pipe(map(toText)), { control }),
        ),
        catchError((err: unknown) => throwError(() => describeFailure(err, probe, url))),
      );
    });
}

function checkUrl(url: string): FeedError | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return new FeedError({ kind: 'config', message: `invalid WebSocket URL: ${JSON.stringify(url)}` });
  }
  if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') {
    return new FeedError({ kind: 'config', message: `WebSocket URL must start with ws:// or wss://, got ${parsed.protocol}//` });
  }
  return undefined;
}

function toText(payload: unknown): string {
  if (typeof payload === 'string') return payload;
  if (payload instanceof ArrayBuffer || ArrayBuffer.isView(payload)) return new TextDecoder().decode(payload as Uint8Array); // a Buffer is a Uint8Array
  return String(payload);
}

/** Pings, pongs and the send buffer of a `ws` socket. */
function nodeControl(socket: import('ws')): SocketControl {
  return {
    ping: () => {
      if (socket.readyState === socket.OPEN) socket.ping();
    },
    pongs$: new Observable<unknown>((subscriber) => {
      const onPong = (): void => subscriber.next(undefined);
      socket.on('pong', onPong);
      return () => socket.off('pong', onPong);
    }),
    // ws counts bytes it holds before the socket is writable plus the socket's own write buffer.
    bufferedAmount: () => socket.bufferedAmount,
  };
}

/** A browser WebSocket cannot ping; it can tell its send buffer. */
function browserControl(socket: WebSocketLike): SocketControl {
  const buffered = socket as unknown as { bufferedAmount?: number };
  return { bufferedAmount: () => buffered.bufferedAmount ?? 0 };
}

function nodeSocket(
  url: string,
  protocols: string | string[],
  headers: Readonly<Record<string, string>> | undefined,
  probe: Probe,
  options: WebSocketFactoryOptions,
): import('ws') {
  // closeTimeout is a `ws` 8.x option that @types/ws does not list yet.
  const wsOptions: import('ws').ClientOptions & { closeTimeout: number } = {
    headers: headers ? { ...headers } : undefined,
    handshakeTimeout: options.handshakeTimeoutMs ?? 10_000,
    maxPayload: options.maxPayloadBytes ?? 16 * 1024 * 1024,
    closeTimeout: options.closeTimeoutMs ?? 2_000,
  };
  const socket = new WS(url, protocols, wsOptions);
  // Registered before rxjs-websockets' own handlers, so the probe is filled when they run.
  socket.on('close', (code: number, reason: Buffer) => {
    probe.closeCode = code;
    probe.closeReason = reason.toString('utf8');
  });
  socket.on('error', (err: Error) => {
    probe.error = err;
  });
  // A refused upgrade: keep the status and the start of the body (brokers explain there), then abort.
  socket.on('unexpected-response', (_req: ClientRequest, res: IncomingMessage) => {
    probe.httpStatus = res.statusCode;
    let body = '';
    const abort = (): void => {
      clearTimeout(timer);
      probe.httpBody = body.slice(0, 300);
      socket.terminate();
    };
    const timer = setTimeout(abort, 1_000);
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      if (body.length < 2_000) body += chunk;
    });
    res.on('end', abort);
    res.on('error', abort);
  });
  return socket;
}

function describeFailure(err: unknown, probe: Probe, url: string): FeedError {
  if (err instanceof FeedError) return err;
  const where = safeOrigin(url);
  if (probe.httpStatus !== undefined) {
    const status = probe.httpStatus;
    const body = probe.httpBody ? `: ${probe.httpBody.replace(/\s+/g, ' ').trim()}` : '';
    const message = `${where} refused the WebSocket upgrade with HTTP ${status}${body}`;
    if (status === 401 || status === 403) return new FeedError({ kind: 'auth', fatal: true, code: String(status), message });
    if (status === 400 || status === 404) return new FeedError({ kind: 'config', fatal: true, code: String(status), message });
    return new FeedError({ kind: 'connection', code: String(status), message });
  }
  if (probe.closeCode !== undefined && probe.error === undefined) {
    const code = probe.closeCode;
    const reason = probe.closeReason ? ` "${probe.closeReason}"` : '';
    return new FeedError({
      kind: 'connection',
      code: String(code),
      message: `${where} closed the connection: ${code} ${describeCloseCode(code)}${reason}`,
    });
  }
  const e: (Error & { code?: string }) | undefined = probe.error ?? (err instanceof Error ? err : undefined);
  const code = e?.code;
  const text = e?.message || (err instanceof Error ? err.message : String(err)) || 'socket error';
  return new FeedError({ kind: 'connection', code, message: `${where}: ${text}` });
}

/** Origin and path only: query strings may carry tokens. */
function safeOrigin(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return 'socket';
  }
}
