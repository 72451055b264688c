import { IncomingMessage } from 'http';
import { randomUUID, timingSafeEqual } from 'crypto';
import { MarketEvent, OrderBook, OrderEvent, Position, PriceLevel, Quote, Trade } from '../../../model/market';
import { BrokerServer } from '../../broker-module';
import { signUpgrade } from '../../../brokers/weex/auth';
import { BookView, ServerBook, WirePair } from './book';
import { add, decimalString, div, mul, sub } from '../decimal';
import { LoopbackClient, LoopbackOptions, startLoopback } from '../loopback';
import { RestState, createRestState } from '../rest-state';
import { handleWeexRest } from './rest';

/** What the loopback server accepts and how strict it is. */
export interface WeexServerOptions extends LoopbackOptions {
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
  /** Streams one connection may hold (WEEX documents 100 channels per connection). Default 100. */
  readonly maxStreams?: number;
  /** Levels a side the server's book keeps (depth200 shows 200): deeper levels are filled in. Default 200. */
  readonly bookDepth?: number;
  /** Starting balances (coin → amount) of the simulated accounts. Default 100 000 USDT and a little BTC/ETH/SOL. */
  readonly balances?: Readonly<Record<string, string>>;
  /** Push the account on subscribe to `account` (undocumented; ccxt seeds balances from REST instead). Default false. */
  readonly accountSnapshotOnSubscribe?: boolean;
  /** Refusals echo the request's ACCESS-SIGN in their body, as some gateways do (for redaction tests). */
  readonly echoSignature?: boolean;
  /** Server clock (epoch ms). */
  readonly now?: () => number;
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

/** The two WEEX hosts: USDT perpetual contracts and spot. */
export type WeexMarket = 'contract' | 'spot';

export type PrivateChannel = 'account' | 'positions' | 'orders' | 'fill';

/** The loopback WEEX V3 server, with hooks tests use to break things on purpose. */
export interface WeexServer extends BrokerServer {
  /** The V3 REST base of both hosts (`/capi/v3/…` contract, `/api/v3/…` spot), see ./rest.ts. */
  readonly restUrl: string;
  /** What the REST endpoints answer from, and their fault switchboard. */
  readonly rest: RestState;
  /** The contract host (`/v3/ws/public`, also at `/contract/v3/ws/public`). */
  readonly publicUrl: string;
  readonly privateUrl: string;
  /** The spot host, a separate path prefix (`/spot/v3/ws/public`). */
  readonly spotPublicUrl: string;
  readonly spotPrivateUrl: string;
  /** Base URLs as ccxt's `urls.api.ws` wants them (`+ '/public'`, `+ '/private'`). */
  readonly ccxtUrls: { readonly spot: string; readonly contract: string };
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
  /** Sends a private push to the private sockets (of `market`, default both) subscribed to `channel`. */
  pushPrivate(channel: PrivateChannel, records: readonly object[], msgEvent?: string, market?: WeexMarket): void;
  /** Balances of a market's account now (coin → available). */
  balances(market: WeexMarket): Readonly<Record<string, string>>;
  /** Sends a payload as is to the public sockets subscribed to `stream`. */
  pushPublic(stream: string, payload: object): void;
  /** The next SUBSCRIBE that names `stream` is refused with `msg`. */
  refuseNext(stream: string, msg?: string): void;
}

interface ClientState {
  readonly side: 'public' | 'private';
  readonly market: WeexMarket;
  readonly streams: Set<string>;
  awaitingPong: boolean;
  missed: number;
  timer?: NodeJS.Timeout;
}

type Client = LoopbackClient<ClientState>;

/** Paths → (side, host). The contract host is served at the bare path too (what clients default to). */
const PATHS: Readonly<Record<string, { readonly side: 'public' | 'private'; readonly market: WeexMarket }>> = {
  '/v3/ws/public': { side: 'public', market: 'contract' },
  '/v3/ws/private': { side: 'private', market: 'contract' },
  '/contract/v3/ws/public': { side: 'public', market: 'contract' },
  '/contract/v3/ws/private': { side: 'private', market: 'contract' },
  '/spot/v3/ws/public': { side: 'public', market: 'spot' },
  '/spot/v3/ws/private': { side: 'private', market: 'spot' },
};
const PUBLIC_STREAM = /^([A-Z0-9]+)@(ticker|depth15|depth200|trade|bookTicker|kline_([0-9]+[mhdwM])_(LAST_PRICE|MARK_PRICE))$/;
const INTERVALS: Readonly<Record<string, number>> = {
  '1m': 60_000,
  '5m': 300_000,
  '15m': 900_000,
  '30m': 1_800_000,
  '1h': 3_600_000,
  '2h': 7_200_000,
  '4h': 14_400_000,
  '6h': 21_600_000,
  '8h': 28_800_000,
  '12h': 43_200_000,
  '1d': 86_400_000,
  '1w': 604_800_000,
  '1M': 2_592_000_000,
};
const DAY_MS = 86_400_000;
const PRIVATE_STREAMS = new Set(['account', 'positions', 'orders', 'fill']);
const DEPTHS = [15, 200];
const RECENT_TRADES = 20;

/** A symbol's day as the ticker and klines report it (24 h rolling window from the first trade). */
interface SymbolDay {
  open?: string;
  high?: string;
  low?: string;
  last?: string;
  volume: string;
  quoteVolume: string;
  count: number;
  opened: number;
}

interface Bar {
  readonly t: number;
  readonly T: number;
  o: string;
  h: string;
  l: string;
  c: string;
  v: string;
  q: string;
  n: number;
  V: string;
  Q: string;
}

const DEFAULT_BALANCES: Readonly<Record<string, string>> = { USDT: '100000', BTC: '0.5', ETH: '5', SOL: '50' };

/** A quote asset at the end of a symbol (BTCUSDT → BTC, USDT). */
function coins(symbol: string): { readonly base: string; readonly quote: string } {
  const quote = ['USDT', 'USDC', 'BTC'].find((q) => symbol.endsWith(q) && symbol.length > q.length) ?? 'USDT';
  return { base: symbol.slice(0, symbol.length - quote.length), quote };
}

/**
 * Starts a WEEX V3 server on 127.0.0.1 (port 0 by default), on the shared loopback base: the
 * contract host (`/v3/ws/*`, also `/contract/v3/ws/*`) and the spot host (`/spot/v3/ws/*`),
 * User-Agent required, private upgrade signature checked (401 with a WEEX error code otherwise),
 * JSON pings as the venue sends them (`{"event":"ping"}` public, `{"type":"ping"}` private) that
 * must be answered, SUBSCRIBE/UNSUBSCRIBE with acks, refusals and the 100-stream limit, depth
 * snapshots followed by update-id-numbered deltas from a 200-level server-side book, trades with
 * exact decimal values, tickers and klines from the tape, and private account, order, fill and
 * position pushes in each host's own shape (contract orders carry positionSide/marginMode).
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
  const maxStreams = options.maxStreams ?? 100;
  const bookDepth = options.bookDepth ?? 200;

  const books = new Map<string, ServerBook>();
  const trades = new Map<string, object[]>();
  const days = new Map<string, SymbolDay>();
  const bars = new Map<string, Bar>();
  const gaps = new Map<string, number>();
  const drops = new Map<string, number>();
  const refusals = new Map<string, string>();
  const orderValues = new Map<string, string>();
  const wallets: Record<WeexMarket, Record<string, string>> = {
    contract: { USDT: (options.balances ?? DEFAULT_BALANCES).USDT ?? '0' },
    spot: { ...(options.balances ?? DEFAULT_BALANCES) },
  };
  const upgrades: UpgradeRecord[] = [];
  const received: ClientFrame[] = [];
  let pongCount = 0;
  let privateVersion = 0;
  const pendingTickers = new Set<string>();
  const pendingBars = new Set<string>();
  let flushScheduled = false;

  const bookOf = (symbol: string): ServerBook => {
    let book = books.get(symbol);
    if (!book) books.set(symbol, (book = new ServerBook()));
    return book;
  };

  const restState = createRestState();
  const loopback = await startLoopback<ClientState>(options, {
    rest: (req, res) => {
      const ctx = {
        state: restState,
        credentials: { apiKey, secretKey, passphrase },
        now,
        windowMs,
        book: (symbol: string, depth: number) => bookOf(symbol).view(depth),
      };
      if (!handleWeexRest(ctx, req, res))
        res.writeHead(404, { 'Content-Type': 'application/json' }).end(JSON.stringify({ code: -1150, msg: 'Method not supported' }));
    },
    upgrade: (req: IncomingMessage) => {
      const path = (req.url ?? '').split('?')[0];
      const route = PATHS[path];
      const headers = pickHeaders(req);
      const refuse = (status: number, code: string | undefined, msg: string) => {
        upgrades.push({ path, headers, status, code });
        const echoed = options.echoSignature ? { sign: headers['access-sign'] } : {};
        return { refuse: { status, body: JSON.stringify({ code, msg, requestTime: now(), data: null, ...echoed }) } };
      };
      if (!route) return refuse(404, undefined, `unknown path ${path}`);
      if (!headers['user-agent']) return refuse(400, undefined, 'User-Agent header is required');
      if (route.side === 'private') {
        // Both hosts sign '/v3/ws/private'; a client that signs its full path (with our prefix) is accepted too.
        const failure = checkSignature(headers, { apiKey, secretKey, passphrase }, path, now(), windowMs, '/v3/ws/private');
        if (failure) return refuse(401, failure.code, failure.msg);
      }
      upgrades.push({ path, headers, status: 101 });
      return { accept: { side: route.side, market: route.market, streams: new Set<string>(), awaitingPong: false, missed: 0 } };
    },
    connected: (client) => {
      client.state.timer = setInterval(() => ping(client), pingIntervalMs);
      client.socket.on('message', (data) => onFrame(client, data.toString()));
      loopback.send(client, { e: 'connected', E: now() });
    },
    disconnected: (client) => clearInterval(client.state.timer),
  });
  const send = loopback.send;
  const clients = (): readonly Client[] => loopback.clients();

  const toSubscribers = (
    stream: string,
    payload: object | ((market: WeexMarket) => object | undefined),
    side: 'public' | 'private' = 'public',
    market?: WeexMarket,
  ): void => {
    const frames = new Map<WeexMarket, string | undefined>();
    for (const c of clients()) {
      const s = c.state;
      if (s.side !== side || !s.streams.has(stream) || (market !== undefined && s.market !== market)) continue;
      if (!frames.has(s.market)) {
        const p = typeof payload === 'function' ? payload(s.market) : payload;
        frames.set(s.market, p === undefined ? undefined : JSON.stringify(p));
      }
      const frame = frames.get(s.market);
      if (frame !== undefined) send(c, frame);
    }
  };

  const ping = (client: Client): void => {
    const s = client.state;
    if (s.awaitingPong) {
      s.missed += 1;
      if (s.missed > maxMissedPongs) {
        client.socket.close(4000, 'ping timeout');
        return;
      }
    }
    s.awaitingPong = true;
    const time = String(now());
    send(client, s.side === 'public' ? { event: 'ping', time } : { type: 'ping', time });
  };

  const onFrame = (client: Client, frame: string): void => {
    const s = client.state;
    received.push({ side: s.side, frame });
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
        s.awaitingPong = false;
        s.missed = 0;
        if (s.side === 'public') send(client, { id, method: 'PONG' });
        return;
      case 'SUBSCRIBE':
      case 'UNSUBSCRIBE': {
        const params = Array.isArray(msg.params) ? msg.params.map(String) : [];
        if (msg.method === 'UNSUBSCRIBE') {
          for (const p of params) s.streams.delete(p);
          return send(client, { id, result: true });
        }
        const problem = params.map((p) => refusal(s, p)).find((r) => r !== undefined);
        if (problem) return send(client, { id, result: false, msg: problem });
        const after = new Set([...s.streams, ...params]);
        if (after.size > maxStreams) {
          return send(client, { id, result: false, msg: `INVALID_ARGUMENT: too many streams, at most ${maxStreams} per connection` });
        }
        for (const p of params) s.streams.add(p);
        send(client, { id, result: true });
        for (const p of params) sendSnapshot(client, p);
        return;
      }
      default:
        return send(client, { id, result: false, msg: `INVALID_ARGUMENT: unknown method ${String(msg.method)}` });
    }
  };

  const refusal = (s: ClientState, stream: string): string | undefined => {
    const planned = refusals.get(stream);
    if (planned !== undefined) {
      refusals.delete(stream);
      return planned;
    }
    if (s.side === 'private') {
      if (!PRIVATE_STREAMS.has(stream) || (stream === 'positions' && s.market === 'spot'))
        return `INVALID_ARGUMENT: invalid channel : ${stream}`;
      return undefined;
    }
    const m = PUBLIC_STREAM.exec(stream);
    if (!m) return `INVALID_ARGUMENT: invalid stream : ${stream}`;
    if (m[2] === 'bookTicker' && s.market === 'contract') return `INVALID_ARGUMENT: invalid stream : ${stream}`;
    if (m[4] === 'MARK_PRICE' && s.market === 'spot') return `INVALID_ARGUMENT: invalid stream : ${stream}`;
    if (m[3] !== undefined && INTERVALS[m[3]] === undefined) return `INVALID_ARGUMENT: invalid interval : ${m[3]}`;
    if (knownSymbols && !knownSymbols.has(m[1])) return `INVALID_ARGUMENT: invalid symbol : ${m[1]}`;
    return undefined;
  };

  const sendSnapshot = (client: Client, stream: string): void => {
    const s = client.state;
    if (s.side === 'private') {
      if (stream === 'account' && options.accountSnapshotOnSubscribe) send(client, accountPush(s.market));
      return;
    }
    const m = PUBLIC_STREAM.exec(stream);
    if (!m) return;
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
    } else if (kind === 'ticker') {
      const t = tickerPush(symbol, s.market);
      if (t) send(client, t);
    } else if (kind.startsWith('kline_')) {
      const bar = bars.get(`${symbol}|${m[3]}`);
      if (bar) send(client, { e: 'klineSnapshot', E: now(), s: symbol, p: m[4], d: [barRecord(symbol, m[3], bar)] });
    }
  };

  // --- public market data -------------------------------------------------------------------

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

  const dayOf = (symbol: string): SymbolDay => {
    let day = days.get(symbol);
    if (!day) days.set(symbol, (day = { volume: '0', quoteVolume: '0', count: 0, opened: now() }));
    return day;
  };

  const tickerPush = (symbol: string, market: WeexMarket): object | undefined => {
    const day = days.get(symbol);
    if (!day?.last || !day.open) return undefined;
    const E = now();
    const change = sub(day.last, day.open);
    const record: Record<string, string | number> = {
      p: change,
      P: div(change, day.open, 6),
      w: day.volume === '0' ? day.last : div(day.quoteVolume, day.volume, 8),
      c: day.last,
      o: day.open,
      h: day.high!,
      l: day.low!,
      v: day.volume,
      q: day.quoteVolume,
      O: E - DAY_MS,
      C: E,
      n: day.count,
    };
    if (market === 'contract') {
      record.m = day.last; // mark and index follow the last price in the simulator
      record.i = day.last;
    }
    return { e: 'ticker', E, s: symbol, d: [record] };
  };

  const barRecord = (symbol: string, interval: string, bar: Bar): object => ({
    t: bar.t,
    T: bar.T,
    s: symbol,
    i: interval,
    o: bar.o,
    c: bar.c,
    h: bar.h,
    l: bar.l,
    v: bar.v,
    n: bar.n,
    q: bar.q,
    V: bar.V,
    Q: bar.Q,
  });

  /** Coalesces ticker and kline pushes to one per symbol (and interval) per turn of the event loop. */
  const flush = (): void => {
    flushScheduled = false;
    for (const symbol of pendingTickers) toSubscribers(`${symbol}@ticker`, (market) => tickerPush(symbol, market));
    pendingTickers.clear();
    for (const key of pendingBars) {
      const [symbol, interval] = key.split('|');
      const bar = bars.get(key)!;
      for (const priceType of ['LAST_PRICE', 'MARK_PRICE']) {
        toSubscribers(`${symbol}@kline_${interval}_${priceType}`, {
          e: 'kline',
          E: now(),
          s: symbol,
          p: priceType,
          d: [barRecord(symbol, interval, bar)],
        });
      }
    }
    pendingBars.clear();
  };
  const schedule = (): void => {
    if (!flushScheduled) {
      flushScheduled = true;
      setImmediate(flush);
    }
  };

  const publishTrade = (trade: Trade): void => {
    const price = decimalString(trade.price);
    const size = decimalString(trade.size);
    const value = mul(price, size);
    const record = { T: trade.timestamp, t: trade.tradeId ?? randomUUID(), p: price, q: size, v: value, m: trade.side === 'sell' };
    const recent = trades.get(trade.symbol) ?? [];
    recent.push(record);
    if (recent.length > RECENT_TRADES) recent.shift();
    trades.set(trade.symbol, recent);
    toSubscribers(`${trade.symbol}@trade`, { e: 'trade', E: now(), s: trade.symbol, d: [record] });

    const day = dayOf(trade.symbol);
    day.open ??= price;
    day.high = day.high === undefined || trade.price > Number(day.high) ? price : day.high;
    day.low = day.low === undefined || trade.price < Number(day.low) ? price : day.low;
    day.last = price;
    day.volume = add(day.volume, size);
    day.quoteVolume = add(day.quoteVolume, value);
    day.count += 1;
    pendingTickers.add(trade.symbol);
    const takerBuy = trade.side === 'buy';
    for (const [interval, ms] of Object.entries(INTERVALS)) {
      const key = `${trade.symbol}|${interval}`;
      const t = Math.floor(trade.timestamp / ms) * ms;
      let bar = bars.get(key);
      if (!bar || bar.t !== t) {
        bar = { t, T: t + ms, o: price, h: price, l: price, c: price, v: '0', q: '0', n: 0, V: '0', Q: '0' };
        bars.set(key, bar);
      }
      if (trade.price > Number(bar.h)) bar.h = price;
      if (trade.price < Number(bar.l)) bar.l = price;
      bar.c = price;
      bar.v = add(bar.v, size);
      bar.q = add(bar.q, value);
      bar.n += 1;
      if (takerBuy) {
        bar.V = add(bar.V, size);
        bar.Q = add(bar.Q, value);
      }
      pendingBars.add(key);
    }
    schedule();
  };

  /** The published levels, with deeper levels filled in (stable sizes per price) up to `bookDepth` a side. */
  const deepen = (levels: readonly PriceLevel[], side: 'bids' | 'asks'): PriceLevel[] => {
    if (levels.length === 0 || levels.length >= bookDepth) return [...levels];
    const prices = levels.map((l) => decimalString(l.price));
    const places = Math.max(...prices.map((p) => (p.split('.')[1] ?? '').length));
    let tick = '0';
    for (let i = 1; i < prices.length; i++) {
      const gap = side === 'bids' ? sub(prices[i - 1], prices[i]) : sub(prices[i], prices[i - 1]);
      if (tick === '0' || Number(gap) < Number(tick)) tick = gap;
    }
    if (tick === '0' || Number(tick) <= 0) tick = places === 0 ? '1' : `0.${'0'.repeat(places - 1)}1`;
    const out = [...levels];
    let price = prices[prices.length - 1];
    while (out.length < bookDepth) {
      price = side === 'bids' ? sub(price, tick) : add(price, tick);
      const p = Number(price);
      if (!(p > 0)) break;
      // A stable size per price: the same deep level every time it is shown.
      const units = 1 + (Math.abs(Math.round(p * 10 ** places)) % 997);
      const lot = levels[levels.length - 1].size;
      out.push({ price: p, size: Number(mul(decimalString(lot), String(units % 7 === 0 ? 3 : 1 + (units % 5)))) });
    }
    return out;
  };

  const publishBook = (book: OrderBook): void => {
    const target = bookOf(book.symbol).changesTo(deepen(book.bids, 'bids'), deepen(book.asks, 'asks'));
    changeBook(book.symbol, target.bids, target.asks);
  };

  const publishQuote = (quote: Quote): void => {
    if (quote.bestBid === undefined || quote.bestAsk === undefined) return;
    toSubscribers(
      `${quote.symbol}@bookTicker`,
      {
        e: 'bookTicker',
        E: quote.timestamp,
        s: quote.symbol,
        u: bookOf(quote.symbol).lastUpdateId,
        b: decimalString(quote.bestBid),
        B: decimalString(quote.bestBidSize ?? 0),
        a: decimalString(quote.bestAsk),
        A: decimalString(quote.bestAskSize ?? 0),
      },
      'public',
      'spot',
    );
  };

  // --- private ------------------------------------------------------------------------------

  const pushPrivate = (channel: PrivateChannel, records: readonly object[], msgEvent = 'OrderUpdate', market?: WeexMarket): void => {
    privateVersion += 1;
    toSubscribers(channel, { e: channel, E: now(), v: privateVersion, msgEvent, d: records }, 'private', market);
  };

  const accountPush = (market: WeexMarket): object => {
    privateVersion += 1;
    const E = now();
    const d =
      market === 'spot'
        ? Object.entries(wallets.spot).map(([coin, amount]) => ({ coin, equity: amount, available: amount, frozen: '0' }))
        : [
            {
              coin: 'USDT',
              marginMode: 'CROSSED',
              crossSymbol: '',
              isolatedPositionId: '0',
              amount: wallets.contract.USDT,
              pendingDepositAmount: '0',
              pendingWithdrawAmount: '0',
              pendingTransferInAmount: '0',
              pendingTransferOutAmount: '0',
              liquidating: false,
              legacyAmount: wallets.contract.USDT,
              cumDepositAmount: '0',
              cumWithdrawAmount: '0',
              cumTransferInAmount: '0',
              cumTransferOutAmount: '0',
              cumMarginMoveInAmount: '0',
              cumMarginMoveOutAmount: '0',
              cumPositionOpenLongAmount: '0',
              cumPositionOpenShortAmount: '0',
              cumPositionCloseLongAmount: '0',
              cumPositionCloseShortAmount: '0',
              cumPositionFillFeeAmount: '0',
              cumPositionLiquidateFeeAmount: '0',
              cumPositionFundingAmount: '0',
              cumOrderFillFeeIncomeAmount: '0',
              cumOrderLiquidateFeeIncomeAmount: '0',
              createdTime: String(E),
              updatedTime: String(E),
            },
          ];
    return { e: 'account', E, v: privateVersion, msgEvent: 'OrderUpdate', d };
  };

  const TAKER_FEE = '0.0006';
  const STATUS: Readonly<Record<OrderEvent['status'], string>> = {
    accepted: 'PENDING',
    partiallyFilled: 'PENDING',
    modified: 'PENDING',
    filled: 'FILLED',
    cancelled: 'CANCELED',
    rejected: 'REJECTED',
  };

  const marketOf = (event: { readonly raw: unknown }): WeexMarket =>
    (event.raw as { market?: unknown } | undefined)?.market === 'spot' ? 'spot' : 'contract';

  const publishOrder = (order: OrderEvent): void => {
    const market = marketOf(order);
    const { base, quote } = coins(order.symbol);
    const fillValue =
      order.fillQty !== undefined && order.fillPrice !== undefined
        ? mul(decimalString(order.fillPrice), decimalString(order.fillQty))
        : undefined;
    const value = fillValue === undefined ? (orderValues.get(order.orderId) ?? '0') : add(orderValues.get(order.orderId) ?? '0', fillValue);
    if (order.status === 'filled' || order.status === 'cancelled' || order.status === 'rejected') orderValues.delete(order.orderId);
    else orderValues.set(order.orderId, value);
    const cumFee = mul(value, TAKER_FEE);
    const E = String(order.timestamp);
    const common = {
      id: order.orderId,
      symbol: order.symbol,
      orderSide: order.side === 'buy' ? 'BUY' : 'SELL',
      price: decimalString(order.orderPrice),
      size: decimalString(order.orderQty),
      clientOrderId: `rx-${order.orderId}`,
      type: order.orderPrice > 0 ? 'LIMIT' : 'MARKET',
      timeInForce: 'GTC',
      status: STATUS[order.status],
      latestFillPrice: order.fillPrice !== undefined ? decimalString(order.fillPrice) : '0',
      cumFillSize: decimalString(order.filledQty),
      cumFillValue: value,
      cumFillFee: cumFee,
      createdTime: E,
      updatedTime: E,
    };
    const record =
      market === 'contract'
        ? {
            ...common,
            coin: 'USDT',
            marginMode: 'CROSSED',
            separatedMode: 'COMBINED',
            separatedOpenOrderId: '0',
            positionSide: order.side === 'buy' ? 'LONG' : 'SHORT',
            reduceOnly: false,
            triggerPrice: '0',
            triggerPriceType: 'CONTRACT_PRICE',
            orderSource: 'API',
            leverage: '10',
            takerFeeRate: TAKER_FEE,
            makerFeeRate: '0.0002',
            feeDiscount: '1',
            liquidateFeeRate: '0.01',
            cancelReason: order.status === 'cancelled' ? 'USER_CANCELED' : 'UNKNOWN_ORDER_CANCEL_REASON',
            maxFillPrice: order.fillPrice !== undefined ? decimalString(order.fillPrice) : '0',
            minFillPrice: order.fillPrice !== undefined ? decimalString(order.fillPrice) : '0',
            cumLiquidateFee: '0',
            cumRealizePnl: '0',
          }
        : {
            ...common,
            baseCoin: base,
            quoteCoin: quote,
            value: mul(decimalString(order.orderPrice), decimalString(order.orderQty)),
            takerFeeDiscount: '1',
            makerFeeDiscount: '1',
          };
    pushPrivate('orders', [record], 'OrderUpdate', market);
    if (fillValue === undefined || order.fillQty === undefined) return;
    const fee = mul(fillValue, TAKER_FEE);
    const fill =
      market === 'contract'
        ? {
            id: `${order.orderId}-${order.filledQty}`,
            coin: 'USDT',
            symbol: order.symbol,
            orderId: order.orderId,
            marginMode: 'CROSSED',
            separatedMode: 'COMBINED',
            separatedOpenOrderId: '0',
            positionSide: order.side === 'buy' ? 'LONG' : 'SHORT',
            orderSide: common.orderSide,
            fillSize: decimalString(order.fillQty),
            fillValue,
            fillFee: fee,
            liquidateFee: '0',
            realizePnl: '0',
            direction: 'MAKER',
            createdTime: E,
            updatedTime: E,
          }
        : {
            id: `${order.orderId}-${order.filledQty}`,
            symbol: order.symbol,
            baseCoin: base,
            quoteCoin: quote,
            orderId: order.orderId,
            orderSide: common.orderSide,
            fillSize: decimalString(order.fillQty),
            fillValue,
            fillFee: fee,
            direction: 'MAKER',
            createdTime: E,
            updatedTime: E,
          };
    pushPrivate('fill', [fill], 'OrderUpdate', market);
    // The account moves with the fill: spot swaps coins, a contract pays the fee from its collateral.
    const wallet = wallets[market];
    if (market === 'spot') {
      const sign = order.side === 'buy' ? 1 : -1;
      wallet[quote] = sub(wallet[quote] ?? '0', sign > 0 ? add(fillValue, fee) : sub('0', sub(fillValue, fee)));
      wallet[base] =
        sign > 0 ? add(wallet[base] ?? '0', decimalString(order.fillQty)) : sub(wallet[base] ?? '0', decimalString(order.fillQty));
    } else {
      wallet.USDT = sub(wallet.USDT ?? '0', fee);
    }
    toSubscribers('account', () => accountPush(market), 'private', market);
  };

  const publishPosition = (position: Position): void => {
    const size = decimalString(Math.abs(position.qty));
    const openValue = mul(size, decimalString(position.avgPrice));
    const E = String(position.timestamp);
    pushPrivate(
      'positions',
      [
        {
          id: `position-${position.symbol}`,
          coin: 'USDT',
          symbol: position.symbol,
          side: position.qty < 0 ? 'SHORT' : 'LONG',
          marginMode: 'CROSSED',
          separatedMode: 'COMBINED',
          separatedOpenOrderId: '0',
          leverage: '10',
          size,
          openValue,
          openFee: mul(openValue, TAKER_FEE),
          fundingFee: '0',
          isolatedMargin: '0',
          autoAppendIsolatedMargin: false,
          cumOpenSize: size,
          cumOpenValue: openValue,
          cumOpenFee: mul(openValue, TAKER_FEE),
          cumCloseSize: '0',
          cumCloseValue: '0',
          cumCloseFee: '0',
          cumFundingFee: '0',
          cumLiquidateFee: '0',
          createdMatchSequenceId: String(privateVersion),
          updatedMatchSequenceId: String(privateVersion),
          createdTime: E,
          updatedTime: E,
        },
      ],
      'OrderUpdate',
      'contract',
    );
  };

  const publicUrl = loopback.wsUrl('/v3/ws/public');
  const privateUrl = loopback.wsUrl('/v3/ws/private');

  return {
    broker: 'weex',
    publicUrl,
    privateUrl,
    spotPublicUrl: loopback.wsUrl('/spot/v3/ws/public'),
    spotPrivateUrl: loopback.wsUrl('/spot/v3/ws/private'),
    ccxtUrls: { spot: loopback.wsUrl('/spot/v3/ws'), contract: loopback.wsUrl('/contract/v3/ws') },
    env: {
      WEEX_API_KEY: apiKey,
      WEEX_SECRET_KEY: secretKey,
      WEEX_PASSPHRASE: passphrase,
      WEEX_WS_PUBLIC_URL: publicUrl,
      WEEX_WS_PRIVATE_URL: privateUrl,
      WEEX_REST_URL: loopback.httpUrl,
    },
    restUrl: loopback.httpUrl,
    rest: restState,
    upgrades,
    received,
    publish(given: MarketEvent): void {
      // REST serves what the sockets were sent: a trade gets its id before both see it.
      const event: MarketEvent = given.kind === 'trade' && !given.tradeId ? { ...given, tradeId: randomUUID() } : given;
      restState.record(event);
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
    broadcastRaw: (frame: string) => loopback.broadcast(frame),
    subscribedSymbols(): readonly string[] {
      const symbols = new Set<string>();
      for (const c of clients()) for (const s of c.state.streams) if (s.includes('@')) symbols.add(s.slice(0, s.indexOf('@')));
      return [...symbols];
    },
    subscribedStreams(side?: 'public' | 'private'): string[] {
      const streams = new Set<string>();
      for (const c of clients()) if (!side || c.state.side === side) for (const s of c.state.streams) streams.add(s);
      return [...streams];
    },
    connections: (side) => clients().filter((c) => !side || c.state.side === side).length,
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
    balances: (market) => ({ ...wallets[market] }),
    pushPublic: (stream, payload) => toSubscribers(stream, payload),
    refuseNext: (stream, msg = `INVALID_ARGUMENT: invalid stream : ${stream}`) => void refusals.set(stream, msg),
    dropConnections: () => loopback.drop(),
    close: () => {
      restState.close();
      return loopback.close();
    },
  };
}

const pair = (l: PriceLevel): WirePair => [decimalString(l.price), decimalString(l.size)];

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
  /** Another path the signature may be over (both WEEX hosts sign '/v3/ws/private'). */
  alsoPath?: string,
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
  const signed = (p: string): boolean => sameText(sign, signUpgrade(expected.secretKey, timestamp, p));
  if (!signed(path) && !(alsoPath !== undefined && signed(alsoPath))) return { code: '40009', msg: 'API verification failed' };
  return undefined;
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
