import { Subscription, filter, firstValueFrom, map, take, timeout, toArray } from 'rxjs';
import { WeexFeed, weex, weexFromEnv } from '../../src/brokers/weex/feed';
import { startWeexServer, WeexServer } from '../../src/app/servers/weex/server';
import { signUpgrade } from '../../src/brokers/weex/auth';
import { FeedError } from '../../src/core/errors';
import { webSocketFactory } from '../../src/core/socket';
import { SocketFactory } from '../../src/core/protocol';
import { FeedStatus } from '../../src/core/status';
import { OrderEvent, Trade } from '../../src/model/market';
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
    const depth = await firstValueFrom(feed.orderBook$('BTCUSDT', { depth: 50 as 15 })).catch((e: FeedError) => e);
    expect((depth as FeedError).message).toContain('15 or 200');
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
    expect(await ticker).toMatchObject({ kind: 'ticker', symbol: 'BTCUSDT', last: 65000.3, change: -93.2, changeRatio: -0.0436, trades: 7 });
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
    await waitFor('a second connection', () => publicUpgrades().length === 2 && server.subscribedStreams('public').includes('BTCUSDT@trade'));
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
    const positions = firstValueFrom(feed.positions$().pipe(take(2), toArray(), timeout(3_000)));
    const balances = firstValueFrom(feed.balances$().pipe(take(1), timeout(3_000)));
    const fills = firstValueFrom(feed.fills$().pipe(take(1), timeout(3_000)));
    await waitFor('private subscriptions', () => server.subscribedStreams('private').length === 3);
    const base = { kind: 'position' as const, broker: 'weex', time: '', timestamp: 1_776_192_398_399, raw: undefined };
    server.publish({ ...base, symbol: 'BTCUSDT', qty: 0.5, avgPrice: 64000 });
    server.publish({ ...base, symbol: 'ETHUSDT', qty: -2, avgPrice: 3000 });
    server.pushPrivate('account', [{ coin: 'USDT', equity: '1000.5', available: '900.25', frozen: '100.25' }], 'DepositUpdate');
    server.pushPrivate('fill', [
      { id: 'f1', symbol: 'BTCUSDT', orderId: 'o1', orderSide: 'SELL', fillSize: '0.1', fillValue: '6500.5', fillFee: '3.9', direction: 'MAKER' },
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
