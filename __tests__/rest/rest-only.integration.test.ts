/**
 * REST-only mode (networks that block WebSockets) against the loopback servers: no socket is ever
 * opened; quotes come by REST at the poll rate, orders and fills of the simulator arrive by the
 * polled catch-up (each fill once, marked `source: 'rest'`), trades by the polled backfill, and
 * `status$` says `degraded`.
 */
import { Observable, Subscription } from 'rxjs';
import { kiwoom } from '../../src/brokers/kiwoom';
import { weex } from '../../src/brokers/weex';
import { startKiwoomServer } from '../../src/app/servers/kiwoom/server';
import { startWeexServer } from '../../src/app/servers/weex/server';
import { BrokerServer } from '../../src/app/broker-module';
import { FeedStatus } from '../../src/core/status';
import { OrderEvent, Quote, Trade } from '../../src/model';

jest.setTimeout(30_000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(predicate: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const started = Date.now();
  while (!predicate()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

const POLL_MS = 300;

interface Harness {
  readonly server: BrokerServer;
  readonly feed: {
    readonly status$: Observable<FeedStatus>;
    quotes$(s: string): Observable<Quote>;
    trades$(s: string): Observable<Trade>;
    orders$(): Observable<OrderEvent>;
    close?(): void;
  };
  readonly symbol: string;
  orderId(n: number): string;
  sockets(): number;
}

const cases: readonly [string, () => Promise<Harness>][] = [
  [
    'kiwoom',
    async () => {
      const server = await startKiwoomServer({ pingIntervalMs: 0 });
      const feed = kiwoom({
        appKey: server.env.KIWOOM_APPKEY,
        secretKey: server.env.KIWOOM_SECRETKEY,
        restUrl: server.restUrl,
        wsUrl: server.wsUrl,
        rest: { restOnly: { pollMs: POLL_MS } },
      });
      return { server, feed, symbol: '005930', orderId: (n) => String(n).padStart(7, '0'), sockets: () => server.counters.connections };
    },
  ],
  [
    'weex',
    async () => {
      const server = await startWeexServer({ pingIntervalMs: 60_000 });
      const feed = weex({
        apiKey: server.env.WEEX_API_KEY,
        secretKey: server.env.WEEX_SECRET_KEY,
        passphrase: server.env.WEEX_PASSPHRASE,
        publicUrl: server.publicUrl,
        privateUrl: server.privateUrl,
        restUrl: server.restUrl,
        rest: { restOnly: { pollMs: POLL_MS } },
      });
      return {
        server,
        feed,
        symbol: 'BTCUSDT',
        orderId: (n) => String(737185556881998100n + BigInt(n)),
        sockets: () => server.upgrades.length,
      };
    },
  ],
];

describe.each(cases)('%s: REST-only mode', (_name, start) => {
  let h: Harness;
  const subs = new Subscription();
  afterEach(async () => {
    subs.unsubscribe();
    h.feed.close?.();
    await h.server.close();
  });

  it('never opens a socket; quotes, trades and fills come by REST, each once; status$ says degraded', async () => {
    h = await start();
    const order = (n: number, status: OrderEvent['status'], filled: number, fill?: number): OrderEvent => {
      const now = Date.now();
      return {
        kind: 'order',
        broker: 'x',
        symbol: h.symbol,
        orderId: h.orderId(n),
        side: 'buy',
        status,
        orderQty: 4,
        orderPrice: 70000,
        filledQty: filled,
        unfilledQty: 4 - filled,
        ...(fill !== undefined ? { fillQty: fill, fillPrice: 70000 } : {}),
        time: new Date(now).toISOString(),
        timestamp: now,
        raw: {},
      };
    };
    const now = Date.now();
    h.server.publish({
      kind: 'quote',
      broker: 'x',
      symbol: h.symbol,
      bestBid: 70000,
      bestAsk: 70100,
      bestBidSize: 5,
      bestAskSize: 7,
      time: new Date(now).toISOString(),
      timestamp: now,
      raw: {},
    });
    const quotes: Quote[] = [];
    const trades: Trade[] = [];
    const orders: OrderEvent[] = [];
    const states: string[] = [];
    subs.add(h.feed.status$.subscribe((s) => states.push(s.state)));
    subs.add(h.feed.quotes$(h.symbol).subscribe((q) => quotes.push(q)));
    subs.add(h.feed.trades$(h.symbol).subscribe((t) => trades.push(t)));
    subs.add(h.feed.orders$().subscribe((o) => orders.push(o)));
    await until(() => quotes.length >= 3, 'three polled quotes');
    // Let the baseline of the account land, then trade and fill.
    await sleep(2 * POLL_MS);
    h.server.publish({
      kind: 'trade',
      broker: 'x',
      symbol: h.symbol,
      price: 70050,
      size: 3,
      side: 'buy',
      time: new Date().toISOString(),
      timestamp: Date.now(),
      raw: {},
    });
    h.server.publish(order(1, 'accepted', 0));
    h.server.publish(order(1, 'partiallyFilled', 1, 1));
    await sleep(1_100); // KRX REST times are whole seconds
    h.server.publish(order(1, 'filled', 4, 3));
    await until(() => orders.filter((o) => o.fillQty !== undefined).length >= 2 && trades.length >= 1, 'the polled fills and trade');
    await sleep(3 * POLL_MS);

    expect(h.sockets()).toBe(0);
    expect(states.length).toBeGreaterThan(0);
    expect(new Set(states)).toEqual(new Set(['degraded']));
    expect(quotes[0]).toMatchObject({ symbol: h.symbol, bestBid: 70000, bestAsk: 70100, source: 'rest' });
    expect(trades.map((t) => [t.price, t.size, t.source])).toEqual([[70050, 3, 'rest']]);
    const fills = orders.filter((o) => o.fillQty !== undefined);
    expect(fills.map((f) => [f.fillQty, f.filledQty, f.source])).toEqual([
      [1, 1, 'rest'],
      [3, 4, 'rest'],
    ]);
    expect(orders.filter((o) => o.status === 'accepted')).toHaveLength(1);
  });
});
