/**
 * Two app keys of one user against the loopback server (real sockets on 127.0.0.1): two sessions
 * (one token, one LOGIN each), market keys spread within each session's limit, the account on
 * the first set's session, a 'limit' error when both are full.
 */
import { Observable, Subscription, firstValueFrom } from 'rxjs';
import { FeedError } from '../../src/core/errors';
import { SessionOptions } from '../../src/core/session-types';
import { kiwoom } from '../../src/brokers/kiwoom';
import { KiwoomServer, startKiwoomServer } from '../../src/testing';
import { kstInstant } from '../../src/brokers/kiwoom/mapping';
import { Trade } from '../../src/model';

const fast: SessionOptions = {
  backoff: { initialMs: 20, maxMs: 100, random: () => 0.5, healthyAfterMs: 50 },
  connectionLingerMs: 0,
  keyLingerMs: 0,
  livenessMs: 5_000,
};

const first = { appKey: 'loopback-appkey-0001', secretKey: 'loopback-secret-0001' };
const second = { appKey: 'loopback-appkey-0002', secretKey: 'loopback-secret-0002' };

let server: KiwoomServer;
let subs: Subscription;

beforeEach(async () => {
  subs = new Subscription();
  server = await startKiwoomServer({ pingIntervalMs: 0, ...first, moreAppKeys: [second] });
});

afterEach(async () => {
  subs.unsubscribe();
  await server.close();
});

/** Collects a stream's values. */
function record<T>(source: Observable<T>): T[] {
  const values: T[] = [];
  subs.add(source.subscribe({ next: (v) => values.push(v), error: () => undefined }));
  return values;
}

const trade = (symbol: string, price: number): Trade => ({
  kind: 'trade',
  broker: 'kiwoom',
  symbol,
  price,
  size: 10,
  side: 'buy',
  direction: 'up',
  ...kstInstant(Date.now()),
  raw: {},
});

describe('kiwoom feed with several app keys', () => {
  it('spreads keys over one session per app key, keeps the account on the first, fails fast when all are full', async () => {
    const feed = kiwoom({ ...first, restUrl: server.restUrl, wsUrl: server.wsUrl, maxKeysPerConnection: 3, moreKeys: [second] }, fast);
    // Placement happens at subscribe: 005930 → first (tie), orders → first (home, though the
    // second is emptier), then the least-loaded session each time.
    const t1 = record(feed.trades$('005930'));
    const orders = record(feed.orders$());
    const rest = ['000660', '035420', '035720', '005380'].map((s) => record(feed.trades$(s)));
    await server.waitFor(() => Object.values(server.registrationsByAppKey()).flat().length === 6, 15_000);

    const byKey = server.registrationsByAppKey();
    expect(byKey).toEqual({
      [first.appKey]: ['00|', '0B|005930', '0B|035720'],
      [second.appKey]: ['0B|000660', '0B|005380', '0B|035420'],
    });
    expect(server.counters).toMatchObject({ tokensIssued: 2, logins: 2, loginsRejected: 0 });
    expect(server.loggedIn()).toBe(2);

    const symbols = ['005930', '000660', '035420', '035720', '005380'];
    symbols.forEach((s, i) => server.publish(trade(s, 100 + i)));
    server.publish({
      kind: 'order',
      broker: 'kiwoom',
      symbol: '005930',
      orderId: '0000123',
      side: 'buy',
      status: 'accepted',
      orderQty: 10,
      orderPrice: 60700,
      filledQty: 0,
      unfilledQty: 10,
      ...kstInstant(Date.now()),
      raw: {},
    });
    const streams = [t1, ...rest];
    await server.waitFor(() => streams.every((v) => v.length >= 1) && orders.length >= 1, 15_000);
    expect(streams.map((v) => [v[0].symbol, v[0].price])).toEqual(symbols.map((s, i) => [s, 100 + i]));
    expect(orders).toHaveLength(1);
    expect(orders[0]).toMatchObject({ orderId: '0000123', status: 'accepted' });

    const error = await firstValueFrom(feed.trades$('000270')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FeedError);
    expect(error).toMatchObject({ kind: 'limit' });
    expect((error as FeedError).message).toMatch(/6 keys over 2 credential sets/);
    // Nothing was sent for the refused key.
    expect(server.registrations()).not.toContain('0B|000270');
    feed.close();
  }, 30_000);

  it('refuses a credential set without a secret', () => {
    expect(() => kiwoom({ ...first, moreKeys: [{ appKey: 'x', secretKey: '' }] })).toThrow(/moreKeys\[0\] needs an appKey and a secretKey/);
  });
});
