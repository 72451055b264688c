import { Subscription, filter, firstValueFrom, map, take, timeout, toArray } from 'rxjs';
import { WeexFeed, weex, weexFromEnv } from '../../src/brokers/weex/feed';
import { startWeexServer, WeexServer } from '../../src/app/servers/weex/server';
import { signUpgrade } from '../../src/brokers/weex/auth';
import { FeedError } from '../../src/core/errors';
import { webSocketFactory } from '../../src/core/socket';
import { SocketFactory } from '../../src/core/protocol';
import { FeedStatus } from '../../src/core/status';
import { OrderBook, OrderEvent, Position, Trade } from '../../src/model/market';
import { BookRaw } from '../../src/book/book-state';
import { allClosed, fast, sleep, waitFor } from './support';

let server: WeexServer;
let feed: WeexFeed | undefined;
let subs: Subscription;
beforeEach(() => {
  subs = new Subscription();
});
afterEach(async () => {
  subs.unsubscribe();
  if (feed) await allClosed(feed);
  feed = undefined;
  await server?.close();
});

const trade = (price: number, size: number, side: 'buy' | 'sell', timestamp = 1_775_121_040_002): Trade => ({
  kind: 'trade',
  broker: 'weex',
  symbol: 'BTCUSDT',
  time: new Date(timestamp).toISOString(),
  timestamp,
  price,
  size,
  side,
  raw: undefined,
});

const publicUpgrades = () => server.upgrades.filter((u) => u.path === '/v3/ws/public');
const privateUpgrades = () => server.upgrades.filter((u) => u.path === '/v3/ws/private');

describe('public streams', () => {
  it('trades carry the side from the buyer-is-maker flag and the exact strings in raw', async () => {
    server = await startWeexServer();
    feed = weex({ publicUrl: server.publicUrl }, fast);
    const got: Trade[] = [];
    subs.add(feed.trades$('btcusdt').subscribe((t) => got.push(t)));
    await waitFor('subscription', () => server.subscribedStreams('public').includes('BTCUSDT@trade'));
    server.publish(trade(65000.3, 0.02, 'buy'));
    server.publish(trade(64999.9, 1.5, 'sell'));
    await waitFor('two trades', () => got.length === 2);
    expect(got.map((t) => [t.symbol, t.price, t.size, t.side])).toEqual([
      ['BTCUSDT', 65000.3, 0.02, 'buy'],
      ['BTCUSDT', 64999.9, 1.5, 'sell'],
    ]);
    expect(got[0].raw).toMatchObject({ p: '65000.3', q: '0.02', m: false });
    expect(got[0].time).toBe('2026-04-02T09:10:40.002Z');
    expect(publicUpgrades()[0].headers['user-agent']).toMatch(/rx-market/);
  });

  it('reports malformed frames on errors$ and keeps streaming', async () => {
    server = await startWeexServer();
    feed = weex({ publicUrl: server.publicUrl }, fast);
    const errors: FeedError[] = [];
    const got: Trade[] = [];
    subs.add(feed.errors$.subscribe((e) => errors.push(e)));
    subs.add(feed.trades$('BTCUSDT').subscribe((t) => got.push(t)));
    await waitFor('subscription', () => server.subscribedStreams('public').includes('BTCUSDT@trade'));
    server.broadcastRaw('this is not json');
    server.broadcastRaw('{"e":"trade","E":1,"s":"BTCUSDT","d":[{"T":1,"p":"1.2.3","q":"1","m":false}]}');
    server.publish(trade(100, 1, 'buy'));
    await waitFor('the good trade', () => got.length === 1);
    expect(errors.map((e) => [e.kind, e.raw])).toEqual([
      ['decode', 'this is not json'],
      ['decode', '{"e":"trade","E":1,"s":"BTCUSDT","d":[{"T":1,"p":"1.2.3","q":"1","m":false}]}'],
    ]);
    expect(got[0].price).toBe(100);
    expect(publicUpgrades()).toHaveLength(1); // no reconnect
  });

  it('a refused stream fails alone; the others go on', async () => {
    server = await startWeexServer({ symbols: ['BTCUSDT'] });
    feed = weex({ publicUrl: server.publicUrl }, fast);
    const failure = firstValueFrom(feed.trades$('NOPEUSDT').pipe(toArray(), timeout(3_000))).catch((e: FeedError) => e);
    const got: Trade[] = [];
    subs.add(feed.trades$('BTCUSDT').subscribe((t) => got.push(t)));
    const error = (await failure) as FeedError;
    expect(error).toBeInstanceOf(FeedError);
    expect([error.kind, error.key]).toEqual(['rejected', 'NOPEUSDT@trade']);
    expect(error.message).toContain('invalid symbol : NOPEUSDT');
    await waitFor('subscription', () => server.subscribedStreams('public').includes('BTCUSDT@trade'));
    server.publish(trade(1, 1, 'buy'));
    await waitFor('trade', () => got.length === 1);
  });

  it('rejects bad input with config errors before touching the wire', async () => {
    server = await startWeexServer();
    feed = weex({ publicUrl: server.publicUrl }, fast);
    const bad = await firstValueFrom(feed.trades$('BTC/USDT')).catch((e: FeedError) => e);
    expect(bad).toMatchObject({ kind: 'config', fatal: true });
    for (const bad of [0, 201, 2.5]) {
      const depth = await firstValueFrom(feed.orderBook$('BTCUSDT', { depth: bad })).catch((e: FeedError) => e);
      expect((depth as FeedError).message).toContain('from 1 to 200');
    }
    const candles = await firstValueFrom(feed.candles$('BTCUSDT', '7 minutes')).catch((e: FeedError) => e);
    expect((candles as FeedError).message).toContain('invalid candle interval');
    expect(server.upgrades).toHaveLength(0);
  });
});

describe('subscriptions', () => {
  it('batches keys requested together, and fails the 101st key of a connection fast', async () => {
    server = await startWeexServer();
    feed = weex({ publicUrl: server.publicUrl }, fast);
    const symbols = Array.from({ length: 100 }, (_, i) => `S${i}USDT`);
    for (const s of symbols) subs.add(feed.tickers$(s).subscribe());
    await waitFor('100 streams', () => server.subscribedStreams('public').length === 100);
    const requests = server.received.filter((f) => f.frame.includes('"SUBSCRIBE"')).map((f) => JSON.parse(f.frame).params.length);
    expect(requests).toEqual([50, 50]);
    const error = (await firstValueFrom(feed.tickers$('ONEMOREUSDT')).catch((e: unknown) => e)) as FeedError;
    expect([error.kind, error.key]).toEqual(['limit', 'ONEMOREUSDT@ticker']);
    expect(server.subscribedStreams('public')).not.toContain('ONEMOREUSDT@ticker');
  });

  it('tickers reach their stream with parsed numbers', async () => {
    server = await startWeexServer();
    feed = weex({ publicUrl: server.publicUrl }, fast);
    const ticker = firstValueFrom(feed.tickers$('BTCUSDT').pipe(timeout(3_000)));
    await waitFor('subscription', () => server.subscribedStreams('public').includes('BTCUSDT@ticker'));
    server.pushPublic('BTCUSDT@ticker', {
      e: 'ticker',
      E: 1_775_121_040_100,
      s: 'BTCUSDT',
      d: [{ p: '-93.2', P: '-0.0436', c: '65000.3', o: '65093.5', h: '66000.0', l: '64000.0', v: '150000.1', q: '9800000000.0', n: 7 }],
    });
    expect(await ticker).toMatchObject({
      kind: 'ticker',
      symbol: 'BTCUSDT',
      last: 65000.3,
      trades: 7,
      // The change in price, in percent (P × 100, exact) and as WEEX's fraction; the 24 h volume and turnover.
      change: -93.2,
      changePercent: -4.36,
      changeRatio: -0.0436,
      cumulativeVolume: 150000.1,
      cumulativeTurnover: 9800000000,
    });
  });
});

describe('heartbeat', () => {
  it('answers the server pings, so the connection stays', async () => {
    server = await startWeexServer({ pingIntervalMs: 25, maxMissedPongs: 0 });
    feed = weex({ publicUrl: server.publicUrl }, fast);
    subs.add(feed.trades$('BTCUSDT').subscribe());
    await waitFor('pongs', () => server.pongs() >= 4);
    expect(publicUpgrades()).toHaveLength(1);
    expect(server.connections('public')).toBe(1);
  });

  it('a missed pong gets the socket closed by the server, and the feed reconnects and resubscribes', async () => {
    server = await startWeexServer({ pingIntervalMs: 25, maxMissedPongs: 1 });
    // The first connection loses every PONG on the way out.
    let opened = 0;
    const base = webSocketFactory();
    const lossy: SocketFactory = (url, headers) =>
      base(url, headers).pipe(
        map((responses) => {
          const lose = ++opened === 1;
          return (input: Parameters<typeof responses>[0]) => responses(input.pipe(filter((f) => !(lose && f.includes('"PONG"')))));
        }),
      );
    feed = weex({ publicUrl: server.publicUrl }, { ...fast, socket: lossy });
    const statuses: FeedStatus[] = [];
    subs.add(feed.publicStatus$.subscribe((s) => statuses.push(s)));
    const got: Trade[] = [];
    subs.add(feed.trades$('BTCUSDT').subscribe((t) => got.push(t)));
    await waitFor(
      'a second connection',
      () => publicUpgrades().length === 2 && server.subscribedStreams('public').includes('BTCUSDT@trade'),
    );
    const reconnecting = statuses.find((s) => s.state === 'reconnecting');
    expect(reconnecting).toBeDefined();
    expect(reconnecting?.state === 'reconnecting' && reconnecting.reason).toContain('ping timeout');
    server.publish(trade(5, 1, 'sell'));
    await waitFor('trade after reconnect', () => got.length === 1);
    await waitFor('pongs on the new socket', () => server.pongs() >= 1);
  });
});

describe('private streams', () => {
  const order = (status: OrderEvent['status'], filledQty: number, extra: Partial<OrderEvent> = {}): OrderEvent => ({
    kind: 'order',
    broker: 'weex',
    symbol: 'BTCUSDT',
    time: '2026-04-14T18:46:38.148Z',
    timestamp: 1_776_192_398_148,
    orderId: '617414920861909658',
    side: 'buy',
    status,
    orderQty: 5,
    orderPrice: 65000,
    filledQty,
    unfilledQty: 5 - filledQty,
    raw: undefined,
    ...extra,
  });

  it('signs the upgrade (verified by the server) with a fresh timestamp on every reconnect', async () => {
    server = await startWeexServer();
    let clock = Date.now();
    feed = weex(
      {
        apiKey: server.env.WEEX_API_KEY,
        secretKey: server.env.WEEX_SECRET_KEY,
        passphrase: server.env.WEEX_PASSPHRASE,
        privateUrl: server.privateUrl,
        now: () => (clock += 1_000),
        // This clock counts socket signatures: no REST catch-up signing with it too.
        rest: { catchUp: false },
      },
      fast,
    );
    const got: OrderEvent[] = [];
    subs.add(feed.orders$().subscribe((o) => got.push(o)));
    await waitFor('orders subscription', () => server.subscribedStreams('private').includes('orders'));
    server.dropConnections();
    await waitFor('resubscribed', () => privateUpgrades().length === 2 && server.subscribedStreams('private').includes('orders'));

    const [first, second] = privateUpgrades();
    expect([first.status, second.status]).toEqual([101, 101]);
    const t1 = Number(first.headers['access-timestamp']);
    const t2 = Number(second.headers['access-timestamp']);
    expect(t2 - t1).toBe(1_000);
    for (const u of [first, second]) {
      expect(u.headers['access-key']).toBe(server.env.WEEX_API_KEY);
      expect(u.headers['access-passphrase']).toBe(server.env.WEEX_PASSPHRASE);
      expect(u.headers['access-sign']).toBe(signUpgrade(server.env.WEEX_SECRET_KEY, u.headers['access-timestamp']!, '/v3/ws/private'));
      expect(u.headers['user-agent']).toBeTruthy();
    }

    server.publish(order('accepted', 0));
    server.publish(order('partiallyFilled', 2, { fillQty: 2, fillPrice: 64990 }));
    server.publish(order('filled', 5, { fillQty: 3, fillPrice: 64995 }));
    await waitFor('three order events', () => got.length === 3);
    expect(got.map((o) => [o.status, o.filledQty, o.unfilledQty, o.fillQty, o.fillPrice])).toEqual([
      ['accepted', 0, 5, undefined, undefined],
      ['partiallyFilled', 2, 3, 2, 64990],
      ['filled', 5, 0, 3, 64995],
    ]);
    expect(got[0]).toMatchObject({ orderId: '617414920861909658', side: 'buy', orderQty: 5, orderPrice: 65000, symbol: 'BTCUSDT' });
  });

  it('a wrong secret is a fatal auth error: not retried, and no secret in the message', async () => {
    server = await startWeexServer();
    feed = weexFromEnv({ ...server.env, WEEX_SECRET_KEY: 'wrong-secret-value' }, fast);
    const statuses: FeedStatus[] = [];
    subs.add(feed.privateStatus$.subscribe((s) => statuses.push(s)));
    const error = (await firstValueFrom(feed.orders$().pipe(timeout(3_000))).catch((e: unknown) => e)) as FeedError;
    expect(error).toBeInstanceOf(FeedError);
    expect([error.kind, error.fatal, error.code]).toEqual(['auth', true, '401']);
    expect(error.message).toContain('40009');
    await sleep(150); // longer than the whole backoff: nothing may try again
    expect(privateUpgrades().map((u) => [u.status, u.code])).toEqual([[401, '40009']]);
    for (const secret of ['wrong-secret-value', server.env.WEEX_API_KEY, server.env.WEEX_PASSPHRASE]) {
      expect(JSON.stringify(error)).not.toContain(secret);
      expect(error.message).not.toContain(secret);
    }
    expect(statuses[statuses.length - 1]).toMatchObject({ state: 'closed' });
  });

  it('positions, balances and fills reach their streams', async () => {
    server = await startWeexServer();
    feed = weexFromEnv(server.env, fast);
    // The private pushes only: valuation (its public tickers) has its own test below.
    const positions = firstValueFrom(feed.positions$({ valuation: 'none' }).pipe(take(2), toArray(), timeout(3_000)));
    const balances = firstValueFrom(feed.balances$().pipe(take(1), timeout(3_000)));
    const fills = firstValueFrom(feed.fills$().pipe(take(1), timeout(3_000)));
    await waitFor('private subscriptions', () => server.subscribedStreams('private').length === 3);
    const base = { kind: 'position' as const, broker: 'weex', time: '', timestamp: 1_776_192_398_399, raw: undefined };
    server.publish({ ...base, symbol: 'BTCUSDT', qty: 0.5, avgPrice: 64000 });
    server.publish({ ...base, symbol: 'ETHUSDT', qty: -2, avgPrice: 3000 });
    server.pushPrivate('account', [{ coin: 'USDT', equity: '1000.5', available: '900.25', frozen: '100.25' }], 'DepositUpdate');
    server.pushPrivate('fill', [
      {
        id: 'f1',
        symbol: 'BTCUSDT',
        orderId: 'o1',
        orderSide: 'SELL',
        fillSize: '0.1',
        fillValue: '6500.5',
        fillFee: '3.9',
        direction: 'MAKER',
      },
    ]);
    expect((await positions).map((p) => [p.symbol, p.qty, p.avgPrice])).toEqual([
      ['BTCUSDT', 0.5, 64000],
      ['ETHUSDT', -2, 3000],
    ]);
    expect(await balances).toMatchObject({ kind: 'balance', asset: 'USDT', total: 1000.5, available: 900.25, locked: 100.25 });
    expect(await fills).toMatchObject({ kind: 'fill', orderId: 'o1', side: 'sell', price: 65005, size: 0.1, fee: 3.9, liquidity: 'maker' });
    // One private connection carries all three.
    expect(privateUpgrades()).toHaveLength(1);
  });

  it('without credentials, private streams fail with a clear config error and nothing connects', async () => {
    server = await startWeexServer();
    feed = weex({ publicUrl: server.publicUrl, privateUrl: server.privateUrl }, fast);
    const error = (await firstValueFrom(feed.orders$()).catch((e: unknown) => e)) as FeedError;
    expect([error.kind, error.fatal]).toEqual(['config', true]);
    expect(error.message).toContain('WEEX_API_KEY');
    expect(server.upgrades).toHaveLength(0);
  });

  it('half-given credentials are refused at construction', () => {
    expect(() => weex({ apiKey: 'k', secretKey: 's' })).toThrow(/all three/);
    expect(() => weexFromEnv({ WEEX_MARKET: 'margin' })).toThrow(/WEEX_MARKET/);
    expect(() => weex({ publicUrl: 'http://example' })).toThrow(/ws:\/\//);
  });
});

describe('the guide extras: level-5 books and valued positions', () => {
  it('depth 5 is the 15-level stream trimmed locally: one wire subscription, the server top 5 exactly', async () => {
    server = await startWeexServer();
    server.setBook('BTCUSDT', {
      bids: Array.from({ length: 20 }, (_, i) => ({ price: 990 - i * 0.5, size: 1 + i })),
      asks: Array.from({ length: 20 }, (_, i) => ({ price: 1001 + i * 0.5, size: 1 + i })),
    });
    feed = weex({ publicUrl: server.publicUrl }, fast);
    const five: OrderBook<BookRaw>[] = [];
    const fifteen: OrderBook<BookRaw>[] = [];
    subs.add(feed.orderBook$('BTCUSDT', { depth: 5 }).subscribe((b) => five.push(b)));
    subs.add(feed.orderBook$('BTCUSDT', { depth: 15 }).subscribe((b) => fifteen.push(b)));
    await waitFor('both books', () => five.length > 0 && fifteen.length > 0);
    server.changeBook('BTCUSDT', { bids: [{ price: 990, size: 7.5 }], asks: [{ price: 1000.5, size: 2 }] });
    await waitFor('the change', () => five.some((b) => b.asks[0].price === 1000.5));
    const last = five[five.length - 1];
    const top = server.book('BTCUSDT', 5);
    expect(last.bids.map((l) => [l.price, l.size])).toEqual(top.bids.map((l) => [l.price, l.size]));
    expect(last.asks.map((l) => [l.price, l.size])).toEqual(top.asks.map((l) => [l.price, l.size]));
    expect([last.bids.length, last.asks.length, last.raw.bids.length, last.raw.asks.length]).toEqual([5, 5, 5, 5]);
    expect(fifteen[fifteen.length - 1].bids).toHaveLength(15);
    expect(server.subscribedStreams('public')).toEqual(['BTCUSDT@depth15']);
  });

  it('positions carry unrealizedPnl at the ticker mark price, long and short, revalued when the mark moves', async () => {
    server = await startWeexServer();
    feed = weexFromEnv(server.env, fast);
    const got: Position[] = [];
    subs.add(feed.positions$().subscribe((p) => got.push(p)));
    await waitFor('private subscription', () => server.subscribedStreams('private').includes('positions'));
    const base = { kind: 'position' as const, broker: 'weex', time: '', timestamp: 1_776_192_398_399, raw: undefined };
    server.publish({ ...base, symbol: 'BTCUSDT', qty: 0.5, avgPrice: 64000 });
    server.publish({ ...base, symbol: 'ETHUSDT', qty: -2, avgPrice: 3000 });
    // Before any price: the positions as pushed, PnL absent (not zero); then their tickers are watched.
    await waitFor('two positions', () => got.length === 2);
    expect(got.map((p) => 'unrealizedPnl' in p)).toEqual([false, false]);
    await waitFor('ticker subscriptions', () =>
      ['BTCUSDT@ticker', 'ETHUSDT@ticker'].every((s) => server.subscribedStreams('public').includes(s)),
    );
    const ticker = (s: string, last: string, mark: string) =>
      server.pushPublic(`${s}@ticker`, {
        e: 'ticker',
        E: 1_776_192_400_000,
        s,
        d: [{ p: '0', P: '0', c: last, o: last, h: last, l: last, v: '1', q: last, m: mark }],
      });
    ticker('BTCUSDT', '65000.5', '65000.3');
    ticker('ETHUSDT', '2990.1', '2989.9');
    await waitFor('valued positions', () => got.length === 4);
    // Long 0.5 @ 64000 at mark 65000.3: +500.15; short 2 @ 3000 at mark 2989.9: +20.2 (a short gains as the price falls).
    expect(got.slice(2).map((p) => [p.symbol, p.qty, p.lastPrice, p.unrealizedPnl])).toEqual([
      ['BTCUSDT', 0.5, 65000.3, 500.15],
      ['ETHUSDT', -2, 2989.9, 20.2],
    ]);
    ticker('ETHUSDT', '3010.1', '3010'); // the mark moves against the short
    await waitFor('revalued', () => got.length === 5);
    expect([got[4].symbol, got[4].unrealizedPnl]).toEqual(['ETHUSDT', -20]);
    ticker('ETHUSDT', '3010.2', '3010'); // same mark: nothing new
    // The short is closed: PnL 0, and its ticker is released.
    server.publish({ ...base, symbol: 'ETHUSDT', qty: 0, avgPrice: 0 });
    await waitFor('closed', () => got.length === 6);
    expect([got[5].symbol, got[5].qty, got[5].unrealizedPnl]).toEqual(['ETHUSDT', 0, 0]);
    await waitFor('ticker released', () => !server.subscribedStreams('public').includes('ETHUSDT@ticker'));
    expect(server.subscribedStreams('public')).toContain('BTCUSDT@ticker');
  });

  it("valuation 'none' opens no public connection", async () => {
    server = await startWeexServer();
    feed = weexFromEnv(server.env, fast);
    const got: Position[] = [];
    subs.add(feed.positions$({ valuation: 'none' }).subscribe((p) => got.push(p)));
    await waitFor('private subscription', () => server.subscribedStreams('private').includes('positions'));
    server.publish({ kind: 'position', broker: 'weex', time: '', timestamp: 1, raw: undefined, symbol: 'BTCUSDT', qty: 1, avgPrice: 1 });
    await waitFor('the position', () => got.length === 1);
    await sleep(50);
    expect(publicUpgrades()).toHaveLength(0);
    expect('unrealizedPnl' in got[0]).toBe(false);
  });
});
