/**
 * The hybrid fallback against the loopback servers: while the socket is down for longer than
 * `afterMs`, REST-marked quotes arrive at the poll rate, within the credential's budget (the
 * limiter's recorded grants are spaced as its limit says), `status$` says `degraded`, and the
 * polling stops once the socket streams again. Asserted by counts and ordering, not wall-clock
 * tightness.
 */
import { Observable, Subscription } from 'rxjs';
import { kiwoom } from '../../src/brokers/kiwoom';
import { kis } from '../../src/brokers/kis';
import { startKiwoomServer } from '../../src/app/servers/kiwoom/server';
import { KisServer } from '../../src/app/servers/kis/server';
import { weex } from '../../src/brokers/weex';
import { startWeexServer } from '../../src/app/servers/weex/server';
import { createRestBudget, RestBudget } from '../../src/core/rest-budget';
import { FeedStatus } from '../../src/core/status';
import { BrokerServer } from '../../src/app/broker-module';
import { Quote } from '../../src/model';
import { FeedError } from '../../src/core/errors';

jest.setTimeout(30_000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(predicate: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const started = Date.now();
  while (!predicate()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** The socket stays down 5 s after a drop. */
const OUTAGE = { initialMs: 5_000, maxMs: 5_000, random: () => 1 };
const POLL_MS = 250;
const AFTER_MS = 500;

interface Harness {
  readonly server: BrokerServer;
  readonly feed: {
    readonly errors$: Observable<FeedError>;
    readonly status$: Observable<FeedStatus>;
    quotes$(symbol: string): Observable<Quote>;
    close?(): void;
  };
  readonly budget: RestBudget;
  readonly spacingMs: number;
  live(): boolean;
  /** The symbol the quotes are about (default the KRX one). */
  readonly symbol?: string;
}

const SYMBOL = '005930';
const KRX_SYMBOL = SYMBOL;

const cases: readonly [string, () => Promise<Harness>][] = [
  [
    'kiwoom',
    async () => {
      const server = await startKiwoomServer({ pingIntervalMs: 0 });
      const budget = createRestBudget({ limit: 5, windowMs: 1_000 });
      const feed = kiwoom(
        {
          appKey: server.env.KIWOOM_APPKEY,
          secretKey: server.env.KIWOOM_SECRETKEY,
          restUrl: server.restUrl,
          wsUrl: server.wsUrl,
          restBudget: budget,
          rest: { fallback: { afterMs: AFTER_MS, pollMs: POLL_MS } },
        },
        { backoff: OUTAGE },
      );
      return { server, feed, budget, spacingMs: 200, live: () => server.registrations().includes(`0C|${SYMBOL}`) };
    },
  ],
  [
    'kis',
    async () => {
      const server = await KisServer.start();
      const budget = createRestBudget({ limit: 4, windowMs: 1_000 });
      const feed = kis(
        {
          appKey: server.env.KIS_APPKEY,
          appSecret: server.env.KIS_APPSECRET,
          htsId: server.env.KIS_HTS_ID,
          restUrl: server.restUrl,
          wsUrl: server.wsUrl,
          restBudget: budget,
          rest: { fallback: { afterMs: AFTER_MS, pollMs: POLL_MS } },
        },
        { backoff: OUTAGE },
      );
      // KIS streams no quotes: the book keeps the socket busy, the fallback polls quotes.
      const books = (feed as unknown as { orderBook$(s: string): Observable<unknown> }).orderBook$(SYMBOL).subscribe();
      const close = (): void => books.unsubscribe();
      return {
        server,
        feed: { ...feed, quotes$: (s: string) => (feed as unknown as { quotes$(s: string): Observable<Quote> }).quotes$(s), close },
        budget,
        spacingMs: 250,
        live: () => server.registrations().some((keys) => keys.some((k) => k.includes(SYMBOL))),
      };
    },
  ],
  [
    'weex',
    async () => {
      // Spot: the market whose socket streams best bid/ask (bookTicker); 4 calls/s spaces them 250 ms.
      const server = await startWeexServer({ pingIntervalMs: 60_000 });
      const budget = createRestBudget({ limit: 4, windowMs: 1_000 });
      const feed = weex(
        {
          market: 'spot',
          publicUrl: server.spotPublicUrl,
          privateUrl: server.spotPrivateUrl,
          restUrl: server.restUrl,
          restBudget: budget,
          rest: { fallback: { afterMs: AFTER_MS, pollMs: POLL_MS } },
        },
        { backoff: OUTAGE },
      );
      return {
        server,
        feed,
        budget,
        spacingMs: 250,
        symbol: 'BTCUSDT',
        live: () => server.subscribedStreams('public').includes('BTCUSDT@bookTicker'),
      };
    },
  ],
];

describe.each(cases)('%s: hybrid fallback during a long outage', (_name, start) => {
  let h: Harness;
  const subs = new Subscription();
  afterEach(async () => {
    subs.unsubscribe();
    h.feed.close?.();
    await h.server.close();
  });

  it('REST-marked quotes at the poll rate within the budget, degraded on status$, none once the socket is back', async () => {
    h = await start();
    const SYMBOL = h.symbol ?? KRX_SYMBOL;
    const now = Date.now();
    h.server.publish({
      kind: 'quote',
      broker: 'x',
      symbol: SYMBOL,
      bestBid: 70000,
      bestAsk: 70100,
      bestBidSize: 5,
      bestAskSize: 7,
      time: new Date(now).toISOString(),
      timestamp: now,
      raw: {},
    });
    const quotes: Quote[] = [];
    const states: { at: number; state: string }[] = [];
    const errors: FeedError[] = [];
    subs.add(h.feed.errors$.subscribe((e) => errors.push(e)));
    subs.add(h.feed.status$.subscribe((s) => states.push({ at: Date.now(), state: s.state })));
    subs.add(h.feed.quotes$(SYMBOL).subscribe((q) => quotes.push(q)));
    await until(h.live, 'the live key');
    await sleep(300);
    expect(quotes.filter((q) => q.source === 'rest')).toEqual([]); // nothing polled while open

    h.server.dropConnections();
    await until(() => states.some((s) => s.state === 'degraded'), 'degraded');
    const degradedAt = states.find((s) => s.state === 'degraded')!.at;
    await until(() => states.some((s) => s.at > degradedAt && s.state === 'open'), 'the socket back');
    const backAt = states.find((s) => s.at > degradedAt && s.state === 'open')!.at;
    const polledWhileDown = quotes.filter((q) => q.source === 'rest').length;
    await sleep(4 * POLL_MS);
    const rest = quotes.filter((q) => q.source === 'rest');

    // Quotes came by REST, marked, with the book the simulator holds.
    if (polledWhileDown < 2) throw new Error(JSON.stringify({ polledWhileDown, errors: errors.map((e) => e.message), quotes }));
    expect(polledWhileDown).toBeGreaterThanOrEqual(2);
    expect(rest[0]).toMatchObject({ symbol: SYMBOL, bestBid: 70000, bestAsk: 70100, source: 'rest' });
    // At most one poll per pollMs over the degraded spell (+1 for the first, +1 in flight at the end).
    expect(polledWhileDown).toBeLessThanOrEqual(Math.ceil((backAt - degradedAt) / POLL_MS) + 2);
    // Polling stopped when the socket was back: at most a call already in flight lands after.
    expect(rest.length - polledWhileDown).toBeLessThanOrEqual(1);
    // Within the budget: the limiter's grants are never closer than its spacing.
    const grants = h.budget.grants.map((g) => g.at);
    for (let i = 1; i < grants.length; i++) expect(grants[i] - grants[i - 1]).toBeGreaterThanOrEqual(h.spacingMs - 2);
    // The order of states: open, reconnecting, degraded, ..., open.
    const order = states.map((s) => s.state).filter((s, i, all) => s !== all[i - 1]);
    expect(order.indexOf('degraded')).toBeGreaterThan(order.indexOf('reconnecting'));
    expect(order.lastIndexOf('open')).toBeGreaterThan(order.indexOf('degraded'));
  });
});
