import { Subscription, firstValueFrom } from 'rxjs';
import { FeedError } from '../../src/core/errors';
import { Trade } from '../../src/model';
import { KisServer } from '../../src/app/servers/kis/server';
import { feedFor, firstN } from './support';

/** Two app keys of one user: two sessions (one login each), keys spread within each key's limit. */
describe('KIS feed with several app keys', () => {
  const second = { appKey: 'PStestAppKey0000000000000000000000002', appSecret: `test-secret-2-${'y'.repeat(160)}` };
  let server: KisServer;
  let subs: Subscription;
  beforeEach(async () => {
    subs = new Subscription();
    server = await KisServer.start({ maxSubscriptions: 2, moreAppKeys: [second] });
  });
  afterEach(async () => {
    subs.unsubscribe();
    await server.waitFor((s) => s.clientCount === 0, 2_000).catch(() => undefined);
    await server.close();
  });

  const trade = (symbol: string, price: number): Trade => ({
    kind: 'trade',
    broker: 'sim',
    symbol,
    price,
    size: 1,
    side: 'buy',
    exchange: 'KRX',
    time: '2026-03-05T09:01:02+09:00',
    timestamp: Date.parse('2026-03-05T09:01:02+09:00'),
    raw: undefined,
  });

  it('spreads keys over one session per app key and fails fast when every key is full', async () => {
    const feed = feedFor(server, { maxSubscriptions: 2, moreKeys: [second] });
    const symbols = ['005930', '000660', '035420', '035720'];
    const firsts = symbols.map((s) => firstN(feed.trades$(s, { exchange: 'KRX' }), 1, 15_000));
    await server.waitFor((s) => Object.values(s.registrationsByAppKey()).flat().length === 4, 15_000);

    const byKey = server.registrationsByAppKey();
    expect(Object.keys(byKey).sort()).toEqual([server.appKey, second.appKey].sort());
    expect(byKey[server.appKey]).toHaveLength(2);
    expect(byKey[second.appKey]).toHaveLength(2);
    expect(Object.values(byKey).flat().sort()).toEqual(symbols.map((s) => `H0STCNT0|${s}`).sort());
    expect(server.counters.approvals).toBe(2);

    symbols.forEach((s, i) => server.publish(trade(s, 100 + i)));
    expect((await Promise.all(firsts)).map(([t]) => [t.symbol, t.price])).toEqual(symbols.map((s, i) => [s, 100 + i]));

    const live = symbols.map((s) => feed.trades$(s, { exchange: 'KRX' }).subscribe());
    live.forEach((s) => subs.add(s));
    const error = await firstValueFrom(feed.trades$('005380', { exchange: 'KRX' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FeedError);
    expect(error).toMatchObject({ kind: 'limit' });
    expect((error as FeedError).message).toMatch(/4 keys over 2 credential sets/);
    feed.close();
  });
});
