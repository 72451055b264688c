import { createServer, IncomingMessage, Server } from 'http';
import { AddressInfo, Socket } from 'net';
import { timingSafeEqual } from 'crypto';
import { WebSocket, WebSocketServer } from 'ws';
import { MarketEvent, OrderBook, OrderEvent, Position, PriceLevel, Quote, Trade } from '../../../model/market';
import { BrokerServer, BrokerServerOptions } from '../../broker-module';
import { signUpgrade } from '../../../brokers/weex/auth';
import { BookView, ServerBook, WirePair } from './book';

/** What the loopback server accepts and how strict it is. */
export interface WeexServerOptions extends BrokerServerOptions {
  /** Credentials the private socket accepts (test values by default). */
  readonly apiKey?: string;
  readonly secretKey?: string;
  readonly passphrase?: string;
  /** How often the server pings each socket. Default 15 000 ms. */
  readonly pingIntervalMs?: number;
  /** A socket that leaves more than this many pings in a row unanswered is closed. Default 5. */
  readonly maxMissedPongs?: number;
  /** How far ACCESS-TIMESTAMP may be from the server clock. Default 30 000 ms. */
  readonly timestampWindowMs?: number;
  /** When given, subscriptions to other symbols are refused as WEEX does. */
  readonly symbols?: readonly string[];
  /** Server clock (epoch ms). */
  readonly now?: () => number;
  /** Refusals echo the request's ACCESS-SIGN in their body, as some gateways do (for redaction tests). */
  readonly echoSignature?: boolean;
}

/** One upgrade request and what the server made of it. */
export interface UpgradeRecord {
  readonly path: string;
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** HTTP status sent back: 101 when accepted. */
  readonly status: number;
  /** WEEX error code of a refusal (40009 signature failed, ...). */
  readonly code?: string;
}

/** A frame a client sent. */
export interface ClientFrame {
  readonly side: 'public' | 'private';
  readonly frame: string;
}

export type PrivateChannel = 'account' | 'positions' | 'orders' | 'fill';

/** The loopback WEEX V3 server, with hooks tests use to break things on purpose. */
export interface WeexServer extends BrokerServer {
  readonly publicUrl: string;
  readonly privateUrl: string;
  /** Every upgrade request, accepted or not. */
  readonly upgrades: readonly UpgradeRecord[];
  /** Every frame clients sent, in order. */
  readonly received: readonly ClientFrame[];
  /** Open sockets (of one side, or all). */
  connections(side?: 'public' | 'private'): number;
  /** PONG frames received so far. */
  pongs(): number;
  /** Streams some client of `side` is subscribed to. */
  subscribedStreams(side?: 'public' | 'private'): string[];
  /** Changes levels (size 0 removes) and sends the resulting deltas to depth subscribers. */
  changeBook(symbol: string, changes: { readonly bids?: readonly PriceLevel[]; readonly asks?: readonly PriceLevel[] }): void;
  /** Makes the book exactly these levels, sent as one delta. */
  setBook(symbol: string, book: { readonly bids: readonly PriceLevel[]; readonly asks: readonly PriceLevel[] }): void;
  /** The server's top-`depth` book now. */
  book(symbol: string, depth?: number): BookView;
  /** The server's top-`depth` book just after update `id`, if remembered. */
  bookAt(symbol: string, depth: number, id: number): BookView | undefined;
  /** The next delta of `symbol` starts `ids` update ids late (ids lost on the way). */
  injectGap(symbol: string, ids: number): void;
  /** The next `count` deltas of `symbol` change the book but are never sent. */
  dropDeltas(symbol: string, count: number): void;
  /** Sends a private push to the private sockets subscribed to `channel`. */
  pushPrivate(channel: PrivateChannel, records: readonly object[], msgEvent?: string): void;
  /** Sends a payload as is to the public sockets subscribed to `stream`. */
  pushPublic(stream: string, payload: object): void;
  /** The next SUBSCRIBE that names `stream` is refused with `msg`. */
  refuseNext(stream: string, msg?: string): void;
}

interface Client {
  readonly ws: WebSocket;
  readonly side: 'public' | 'private';
  readonly streams: Set<string>;
  awaitingPong: boolean;
  missed: number;
  timer?: NodeJS.Timeout;
}

const PATHS: Readonly<Record<string, 'public' | 'private'>> = { '/v3/ws/public': 'public', '/v3/ws/private': 'private' };
const PUBLIC_STREAM = /^([A-Z0-9]+)@(ticker|depth15|depth200|trade|bookTicker|kline_[0-9A-Za-z]+_(LAST_PRICE|MARK_PRICE))$/;
const PRIVATE_STREAMS = new Set(['account', 'positions', 'orders', 'fill']);
const DEPTHS = [15, 200];
const RECENT_TRADES = 20;

/**
 * Starts a WEEX V3 server on 127.0.0.1 (port 0 by default): public and private paths on one HTTP
 * server, User-Agent required, private upgrade signature checked (401 with a WEEX error code
 * otherwise), JSON pings that must be answered, SUBSCRIBE/UNSUBSCRIBE with acks and refusals,
 * depth snapshots followed by update-id-numbered deltas from a server-side book.
 */
export async function startWeexServer(options: WeexServerOptions = {}): Promise<WeexServer> {
  const apiKey = options.apiKey ?? 'test-api-key';
  const secretKey = options.secretKey ?? 'test-secret-key';
  const passphrase = options.passphrase ?? 'test-passphrase';
  const pingIntervalMs = options.pingIntervalMs ?? 15_000;
  const maxMissedPongs = options.maxMissedPongs ?? 5;
  const windowMs = options.timestampWindowMs ?? 30_000;
  const now = options.now ?? Date.now;
  const knownSymbols = options.symbols ? new Set(options.symbols) : undefined;

  const clients = new Set<Client>();
  const books = new Map<string, ServerBook>();
  const trades = new Map<string, object[]>();
  const gaps = new Map<string, number>();
  const drops = new Map<string, number>();
  const refusals = new Map<string, string>();
  const orderValues = new Map<string, number>();
  const upgrades: UpgradeRecord[] = [];
  const received: ClientFrame[] = [];
  let pongCount = 0;
  let privateVersion = 0;

  const bookOf = (symbol: string): ServerBook => {
    let book = books.get(symbol);
    if (!book) books.set(symbol, (book = new ServerBook()));
    return book;
  };

  const send = (client: Client, payload: object | string): void => {
    if (client.ws.readyState === WebSocket.OPEN) client.ws.send(typeof payload === 'string' ? payload : JSON.stringify(payload));
  };
  const toSubscribers = (stream: string, payload: object, side: 'public' | 'private' = 'public'): void => {
    const frame = JSON.stringify(payload);
    for (const c of clients) if (c.side === side && c.streams.has(stream)) send(c, frame);
  };

  const wss = new WebSocketServer({ noServer: true });
  const http: Server = createServer((_req, res) => {
    res.writeHead(426, { 'Content-Type': 'text/plain' }).end('WebSocket only');
  });

  http.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const path = (req.url ?? '').split('?')[0];
    const side = PATHS[path];
    const headers = pickHeaders(req);
    const refuse = (status: number, code: string | undefined, msg: string): void => {
      upgrades.push({ path, headers, status, code });
      const echoed = options.echoSignature ? { sign: headers['access-sign'] } : {};
      const body = JSON.stringify({ code, msg, requestTime: now(), data: null, ...echoed });
      socket.end(
        `HTTP/1.1 ${status} ${status === 401 ? 'Unauthorized' : status === 404 ? 'Not Found' : 'Bad Request'}\r\n` +
          `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    };
    if (!side) return refuse(404, undefined, `unknown path ${path}`);
    if (!headers['user-agent']) return refuse(400, undefined, 'User-Agent header is required');
    if (side === 'private') {
      const failure = checkSignature(headers, { apiKey, secretKey, passphrase }, path, now(), windowMs);
      if (failure) return refuse(401, failure.code, failure.msg);
    }
    upgrades.push({ path, headers, status: 101 });
    wss.handleUpgrade(req, socket, head, (ws) => attach(ws, side));
  });

  const attach = (ws: WebSocket, side: 'public' | 'private'): void => {
    const client: Client = { ws, side, streams: new Set(), awaitingPong: false, missed: 0 };
    clients.add(client);
    client.timer = setInterval(() => ping(client), pingIntervalMs);
    ws.on('message', (data) => onFrame(client, data.toString()));
    ws.on('close', () => forget(client));
    ws.on('error', () => forget(client));
    send(client, { e: 'connected', E: now() });
  };

  const forget = (client: Client): void => {
    clearInterval(client.timer);
    clients.delete(client);
  };

  const ping = (client: Client): void => {
    if (client.awaitingPong) {
      client.missed += 1;
      if (client.missed > maxMissedPongs) {
        client.ws.close(4000, 'ping timeout');
        forget(client);
        return;
      }
    }
    client.awaitingPong = true;
    const time = String(now());
    send(client, client.side === 'public' ? { event: 'ping', time } : { type: 'ping', time });
  };

  const onFrame = (client: Client, frame: string): void => {
    received.push({ side: client.side, frame });
    let msg: { id?: unknown; method?: unknown; params?: unknown };
    try {
      msg = JSON.parse(frame);
    } catch {
      return send(client, { id: null, result: false, msg: 'INVALID_ARGUMENT: malformed JSON' });
    }
    const id = typeof msg.id === 'string' || typeof msg.id === 'number' ? msg.id : null;
    switch (msg.method) {
      case 'PONG':
        pongCount += 1;
        client.awaitingPong = false;
        client.missed = 0;
        if (client.side === 'public') send(client, { id, method: 'PONG' });
        return;
      case 'SUBSCRIBE':
      case 'UNSUBSCRIBE': {
        const params = Array.isArray(msg.params) ? msg.params.map(String) : [];
        if (msg.method === 'UNSUBSCRIBE') {
          for (const p of params) client.streams.delete(p);
          return send(client, { id, result: true });
        }
        const problem = params.map((p) => refusal(client.side, p)).find((r) => r !== undefined);
        if (problem) return send(client, { id, result: false, msg: problem });
        for (const p of params) client.streams.add(p);
        send(client, { id, result: true });
        for (const p of params) sendSnapshot(client, p);
        return;
      }
      default:
        return send(client, { id, result: false, msg: `INVALID_ARGUMENT: unknown method ${String(msg.method)}` });
    }
  };

  const refusal = (side: 'public' | 'private', stream: string): string | undefined => {
    const planned = refusals.get(stream);
    if (planned !== undefined) {
      refusals.delete(stream);
      return planned;
    }
    if (side === 'private') return PRIVATE_STREAMS.has(stream) ? undefined : `INVALID_ARGUMENT: invalid channel : ${stream}`;
    const m = PUBLIC_STREAM.exec(stream);
    if (!m) return `INVALID_ARGUMENT: invalid stream : ${stream}`;
    if (knownSymbols && !knownSymbols.has(m[1])) return `INVALID_ARGUMENT: invalid symbol : ${m[1]}`;
    return undefined;
  };

  const sendSnapshot = (client: Client, stream: string): void => {
    const m = PUBLIC_STREAM.exec(stream);
    if (!m || client.side !== 'public') return;
    const [, symbol, kind] = m;
    if (kind === 'depth15' || kind === 'depth200') {
      const depth = kind === 'depth15' ? 15 : 200;
      const view = bookOf(symbol).view(depth);
      send(client, {
        e: 'depthSnapshot',
        E: now(),
        s: symbol,
        U: view.lastUpdateId,
        u: view.lastUpdateId,
        l: depth,
        d: 'SNAPSHOT',
        b: view.bids.map(pair),
        a: view.asks.map(pair),
      });
    } else if (kind === 'trade') {
      const recent = trades.get(symbol) ?? [];
      if (recent.length > 0) send(client, { e: 'tradeSnapshot', E: now(), s: symbol, d: recent });
    }
  };

  const changeBook = (symbol: string, bids: readonly PriceLevel[], asks: readonly PriceLevel[]): void => {
    const book = bookOf(symbol);
    const skip = gaps.get(symbol) ?? 0;
    gaps.delete(symbol);
    const { first, last, diffs } = book.change(bids, asks, DEPTHS, skip);
    const dropping = drops.get(symbol) ?? 0;
    if (dropping > 0) {
      drops.set(symbol, dropping - 1);
      return;
    }
    for (const depth of DEPTHS) {
      const diff = diffs.get(depth)!;
      toSubscribers(`${symbol}@depth${depth}`, {
        e: 'depth',
        E: now(),
        s: symbol,
        U: first,
        u: last,
        l: depth,
        d: 'CHANGED',
        b: diff.bids,
        a: diff.asks,
      });
    }
  };

  const publishTrade = (trade: Trade): void => {
    const record = {
      T: trade.timestamp,
      t: trade.tradeId ?? `${trade.timestamp}-${Math.random().toString(16).slice(2, 10)}`,
      p: String(trade.price),
      q: String(trade.size),
      v: String(trade.price * trade.size),
      m: trade.side === 'sell',
    };
    const recent = trades.get(trade.symbol) ?? [];
    recent.push(record);
    if (recent.length > RECENT_TRADES) recent.shift();
    trades.set(trade.symbol, recent);
    toSubscribers(`${trade.symbol}@trade`, { e: 'trade', E: now(), s: trade.symbol, d: [record] });
  };

  const publishBook = (book: OrderBook): void => {
    const target = bookOf(book.symbol).changesTo(book.bids, book.asks);
    changeBook(book.symbol, target.bids, target.asks);
  };

  const pushPrivate = (channel: PrivateChannel, records: readonly object[], msgEvent = 'OrderUpdate'): void => {
    privateVersion += 1;
    toSubscribers(channel, { e: channel, E: now(), v: privateVersion, msgEvent, d: records }, 'private');
  };

  const publishOrder = (order: OrderEvent): void => {
    const value = (orderValues.get(order.orderId) ?? 0) + (order.fillQty ?? 0) * (order.fillPrice ?? 0);
    if (order.status === 'filled' || order.status === 'cancelled' || order.status === 'rejected') orderValues.delete(order.orderId);
    else orderValues.set(order.orderId, value);
    const status = { accepted: 'PENDING', partiallyFilled: 'PENDING', modified: 'PENDING', filled: 'FILLED', cancelled: 'CANCELED', rejected: 'REJECTED' }[
      order.status
    ];
    pushPrivate('orders', [
      {
        id: order.orderId,
        coin: 'USDT',
        symbol: order.symbol,
        orderSide: order.side === 'buy' ? 'BUY' : 'SELL',
        price: String(order.orderPrice),
        size: String(order.orderQty),
        type: order.orderPrice > 0 ? 'LIMIT' : 'MARKET',
        status,
        cumFillSize: String(order.filledQty),
        cumFillValue: String(value),
        ...(order.fillPrice !== undefined ? { latestFillPrice: String(order.fillPrice) } : {}),
        createdTime: String(order.timestamp),
        updatedTime: String(order.timestamp),
      },
    ]);
  };

  const publishPosition = (position: Position): void => {
    const size = Math.abs(position.qty);
    pushPrivate('positions', [
      {
        id: `position-${position.symbol}`,
        coin: 'USDT',
        symbol: position.symbol,
        side: position.qty < 0 ? 'SHORT' : 'LONG',
        marginMode: 'CROSSED',
        leverage: '10',
        size: String(size),
        openValue: String(size * position.avgPrice),
        updatedTime: String(position.timestamp),
      },
    ]);
  };

  const publishQuote = (quote: Quote): void => {
    if (quote.bestBid === undefined || quote.bestAsk === undefined) return;
    toSubscribers(`${quote.symbol}@bookTicker`, {
      e: 'bookTicker',
      E: quote.timestamp,
      s: quote.symbol,
      b: String(quote.bestBid),
      B: String(quote.bestBidSize ?? 0),
      a: String(quote.bestAsk),
      A: String(quote.bestAskSize ?? 0),
    });
  };

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = http.address() as AddressInfo;
  const host = options.host ?? '127.0.0.1';
  const publicUrl = `ws://${host}:${port}/v3/ws/public`;
  const privateUrl = `ws://${host}:${port}/v3/ws/private`;

  return {
    broker: 'weex',
    publicUrl,
    privateUrl,
    env: {
      WEEX_API_KEY: apiKey,
      WEEX_SECRET_KEY: secretKey,
      WEEX_PASSPHRASE: passphrase,
      WEEX_WS_PUBLIC_URL: publicUrl,
      WEEX_WS_PRIVATE_URL: privateUrl,
    },
    upgrades,
    received,
    publish(event: MarketEvent): void {
      switch (event.kind) {
        case 'trade':
          return publishTrade(event);
        case 'book':
          return publishBook(event);
        case 'order':
          return publishOrder(event);
        case 'position':
          return publishPosition(event);
        case 'quote':
          return publishQuote(event);
        default:
          return; // WEEX has no index or market-status pushes
      }
    },
    broadcastRaw(frame: string): void {
      for (const c of clients) send(c, frame);
    },
    subscribedSymbols(): readonly string[] {
      const symbols = new Set<string>();
      for (const c of clients) for (const s of c.streams) if (s.includes('@')) symbols.add(s.slice(0, s.indexOf('@')));
      return [...symbols];
    },
    subscribedStreams(side?: 'public' | 'private'): string[] {
      const streams = new Set<string>();
      for (const c of clients) if (!side || c.side === side) for (const s of c.streams) streams.add(s);
      return [...streams];
    },
    connections: (side) => [...clients].filter((c) => !side || c.side === side).length,
    pongs: () => pongCount,
    changeBook: (symbol, changes) => changeBook(symbol, changes.bids ?? [], changes.asks ?? []),
    setBook(symbol, book) {
      const target = bookOf(symbol).changesTo(book.bids, book.asks);
      changeBook(symbol, target.bids, target.asks);
    },
    book: (symbol, depth = 200) => bookOf(symbol).view(depth),
    bookAt: (symbol, depth, id) => bookOf(symbol).viewAt(depth, id),
    injectGap: (symbol, ids) => void gaps.set(symbol, (gaps.get(symbol) ?? 0) + ids),
    dropDeltas: (symbol, count) => void drops.set(symbol, (drops.get(symbol) ?? 0) + count),
    pushPrivate,
    pushPublic: (stream, payload) => toSubscribers(stream, payload),
    refuseNext: (stream, msg = `INVALID_ARGUMENT: invalid stream : ${stream}`) => void refusals.set(stream, msg),
    dropConnections(): void {
      for (const c of [...clients]) {
        c.ws.terminate();
        forget(c);
      }
    },
    async close(): Promise<void> {
      for (const c of [...clients]) {
        c.ws.terminate();
        forget(c);
      }
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

const pair = (l: PriceLevel): WirePair => [String(l.price), String(l.size)];

function pickHeaders(req: IncomingMessage): Record<string, string | undefined> {
  const h = req.headers;
  const one = (name: string): string | undefined => {
    const v = h[name];
    return Array.isArray(v) ? v[0] : v;
  };
  return {
    'user-agent': one('user-agent'),
    'access-key': one('access-key'),
    'access-passphrase': one('access-passphrase'),
    'access-timestamp': one('access-timestamp'),
    'access-sign': one('access-sign'),
  };
}

/** WEEX's header checks, in its error codes; undefined when the request is properly signed. */
export function checkSignature(
  headers: Readonly<Record<string, string | undefined>>,
  expected: { readonly apiKey: string; readonly secretKey: string; readonly passphrase: string },
  path: string,
  nowMs: number,
  windowMs: number,
): { readonly code: string; readonly msg: string } | undefined {
  const key = headers['access-key'];
  const sign = headers['access-sign'];
  const timestamp = headers['access-timestamp'];
  const phrase = headers['access-passphrase'];
  if (!key) return { code: '40001', msg: 'ACCESS_KEY header is required' };
  if (!sign) return { code: '40002', msg: 'ACCESS_SIGN header is required' };
  if (!timestamp) return { code: '40003', msg: 'ACCESS_TIMESTAMP header is required' };
  if (!phrase) return { code: '40011', msg: 'ACCESS_PASSPHRASE header is required' };
  if (!/^\d{13}$/.test(timestamp)) return { code: '40005', msg: 'Invalid ACCESS_TIMESTAMP' };
  if (Math.abs(nowMs - Number(timestamp)) > windowMs) return { code: '40008', msg: 'Request timestamp expired' };
  if (key !== expected.apiKey) return { code: '40006', msg: 'Invalid ACCESS_KEY' };
  if (phrase !== expected.passphrase) return { code: '40012', msg: 'API key/passphrase is incorrect' };
  if (!sameText(sign, signUpgrade(expected.secretKey, timestamp, path))) return { code: '40009', msg: 'API verification failed' };
  return undefined;
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
