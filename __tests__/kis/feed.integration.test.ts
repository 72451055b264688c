import { Observable, Subscription, combineLatest, filter, firstValueFrom, map, take, timeout, toArray } from 'rxjs';
import { FeedError } from '../../src/core/errors';
import { OrderBook, Trade } from '../../src/model';
import { spread, vwap } from '../../src/operators';
import { KisServer } from '../../src/app/servers/kis/server';
import { kisFromEnv } from '../../src/brokers/kis';
import { codes, fastSession, feedFor, firstN, registered } from './support';
import { frameOf, frames, testVector, valuesOf } from './samples';

const at = (iso: string) => ({ time: iso, timestamp: Date.parse(iso) });

const trade = (price: number, size: number, side: 'buy' | 'sell', iso = '2026-03-05T09:01:02+09:00', exchange?: string): Trade => ({
  kind: 'trade',
  broker: 'sim',
  symbol: '005930',
  price,
  size,
  side,
  direction: 'up',
  ...(exchange ? { exchange } : {}),
  ...at(iso),
  raw: undefined,
});

describe('KIS feed against the loopback server', () => {
  let server: KisServer;
  let subs: Subscription;

  beforeEach(async () => {
    subs = new Subscription();
    server = await KisServer.start();
  });
  afterEach(async () => {
    subs.unsubscribe();
    // Let the feeds release their keys and close before the server goes (no reconnect attempts).
    await server.waitFor((s) => s.clientCount === 0, 2_000);
    await server.close();
  });

  it('streams trades, books, market status and expected matches through the public API', async () => {
    const feed = feedFor(server);
    const trades = firstN(feed.trades$('005930', { exchange: 'KRX' }), 2);
    const books = firstN(feed.orderBook$('005930'), 1);
    const statuses = firstN(feed.marketStatus$('005930', { exchange: 'KRX' }), 1);
    const expected = firstN(feed.expected$('005930', { exchange: 'KRX' }), 1);
    await server.waitFor(registered('H0STCNT0|005930', 'H0UNASP0|005930', 'H0STMKO0|005930', 'H0STANC0|005930'));

    server.publish(trade(71900, 10, 'buy', '2026-03-05T09:01:02+09:00', 'KRX'));
    server.publish(trade(71800, 5, 'sell', '2026-03-05T09:01:03+09:00', 'KRX'));
    server.publish({
      kind: 'book',
      broker: 'sim',
      symbol: '005930',
      asks: [
        { price: 72000, size: 3 },
        { price: 72100, size: 4 },
      ],
      bids: [{ price: 71900, size: 7 }],
      ...at('2026-03-05T09:01:04+09:00'),
      raw: undefined,
    });
    server.publish({
      kind: 'status',
      broker: 'sim',
      symbol: '005930',
      phase: 'open',
      code: '112',
      ...at('2026-03-05T09:00:00+09:00'),
      raw: undefined,
    });
    server.sendRecords('H0STANC0', [valuesOf(frames.H0STANC0_2024).map((v, i) => (i === 0 ? '005930' : v))]);

    expect((await trades).map((t) => [t.price, t.size, t.side, t.time, t.exchange])).toEqual([
      [71900, 10, 'buy', '2026-03-05T09:01:02+09:00', 'KRX'],
      [71800, 5, 'sell', '2026-03-05T09:01:03+09:00', 'KRX'],
    ]);
    const [book] = await books;
    expect(book.asks).toEqual([
      { price: 72000, size: 3 },
      { price: 72100, size: 4 },
    ]);
    expect(book.bids).toEqual([{ price: 71900, size: 7 }]);
    expect(book.time.slice(11)).toBe('09:01:04+09:00');
    expect(book.broker).toBe('kis');
    expect((await statuses)[0]).toMatchObject({ kind: 'status', phase: 'open', code: '112', halted: false });
    expect((await expected)[0]).toMatchObject({ kind: 'expectedTrade', price: 77600, size: 64 });
  });

  it('decodes every sample frame, sent verbatim, through the public API', async () => {
    const feed = feedFor(server);
    const trades = firstN(feed.trades$('005930', { exchange: 'KRX' }), 1);
    const books = firstN(feed.orderBook$('005930', { exchange: 'KRX' }), 1);
    // The 2024 sample (45 values), then the 2026 frame of two 46-value records.
    const expected = firstN(feed.expected$('005930', { exchange: 'KRX' }), 3);
    const krxStatus = firstN(feed.marketStatus$('396300', { exchange: 'KRX' }), 1);
    const unStatus = firstN(feed.marketStatus$('100840', { exchange: 'UN' }), 1);
    const notices = firstN(feed.orders$(), 1);
    await server.waitFor(
      registered('H0STCNT0|005930', 'H0STASP0|005930', 'H0STANC0|005930', 'H0STMKO0|396300', 'H0UNMKO0|100840', `H0STCNI0|${server.htsId}`),
    );
    for (const name of ['H0STCNT0', 'H0STASP0', 'H0STANC0_2024', 'H0STANC0_2026_2records', 'H0STMKO0', 'H0UNMKO0'] as const) {
      server.broadcastRaw(frames[name]);
    }
    // The notice sample, encrypted by the server with this connection's key/iv.
    server.sendRecords('H0STCNI0', [testVector.plaintext.split('^')]);

    expect((await trades)[0]).toMatchObject({ kind: 'trade', broker: 'kis', symbol: '005930', price: 71900, size: 1, side: 'buy' });
    const [book] = await books;
    expect(book.asks[0]).toEqual({ price: 71900, size: 91918 });
    expect(book.bids[0]).toEqual({ price: 71800, size: 95221 });
    expect([book.asks.length, book.bids.length]).toEqual([10, 10]);
    expect((await expected).map((e) => [e.price, e.size])).toEqual([
      [77600, 64],
      [308000, 3],
      [308000, 3],
    ]);
    expect((await krxStatus)[0]).toMatchObject({ kind: 'status', symbol: '396300', halted: false });
    expect((await unStatus)[0]).toMatchObject({ kind: 'status', symbol: '100840' });
    expect((await notices)[0]).toMatchObject({
      kind: 'order',
      symbol: '005930',
      orderId: '0000012345',
      side: 'buy',
      status: 'filled',
      fillQty: 10,
      fillPrice: 71000,
    });
  });

  it('turns one frame of N records into N events', async () => {
    const feed = feedFor(server);
    const got = firstN(feed.trades$('005930', { exchange: 'UN' }), 3);
    await server.waitFor(registered('H0UNCNT0|005930'));
    const base = valuesOf(frames.H0STCNT0);
    const records = [100, 200, 300].map((d) => base.map((v, i) => (i === 2 ? String(71900 + d) : v)));
    server.sendRecords('H0UNCNT0', records);
    expect(server.counters.dataFramesSent).toBe(1);
    expect((await got).map((t) => t.price)).toEqual([72000, 72100, 72200]);
  });

  it("takes the guide's exchange 'SOR' as the integrated feed (KIS has no SOR market data)", async () => {
    const feed = feedFor(server);
    const got = firstN(feed.trades$('005930', { exchange: 'SOR' }), 1);
    await server.waitFor(registered('H0UNCNT0|005930'));
    server.sendRecords('H0UNCNT0', [valuesOf(frames.H0STCNT0)]);
    expect((await got)[0]).toMatchObject({ kind: 'trade', symbol: '005930' });
    expect(server.requests.map((r) => r.trId)).toEqual(['H0UNCNT0']);
  });

  it('decrypts order notices with the key/iv of the subscription and adds fills up', async () => {
    const feed = feedFor(server);
    const got = firstN(feed.orders$(), 3);
    await server.waitFor(registered(`H0STCNI0|${server.htsId}`));
    const order = {
      kind: 'order' as const,
      broker: 'sim',
      symbol: '005930',
      orderId: '0000012345',
      side: 'buy' as const,
      orderQty: 10,
      orderPrice: 71000,
      account: '5012345601',
      raw: undefined,
      ...at('2026-03-05T09:30:15+09:00'),
    };
    server.publish({ ...order, status: 'accepted', filledQty: 0, unfilledQty: 10 });
    server.publish({ ...order, status: 'partiallyFilled', filledQty: 4, unfilledQty: 6, fillQty: 4, fillPrice: 71000 });
    server.publish({ ...order, status: 'filled', filledQty: 10, unfilledQty: 0, fillQty: 6, fillPrice: 70900 });
    const events = await got;
    expect(events.map((e) => [e.status, e.orderQty, e.filledQty, e.unfilledQty, e.fillQty, e.fillPrice])).toEqual([
      ['accepted', 10, 0, 10, undefined, undefined],
      ['partiallyFilled', 10, 4, 6, 4, 71000],
      ['filled', 10, 10, 0, 6, 70900],
    ]);
    expect(events[0]).toMatchObject({ broker: 'kis', symbol: '005930', orderId: '0000012345', account: '5012345601', side: 'buy' });
  });

  it('fails the 42nd key alone, before anything is sent; a released key frees its slot', async () => {
    const feed = feedFor(server);
    const symbols = codes(42);
    const live = symbols.slice(0, 41).map((s) => feed.trades$(s, { exchange: 'KRX' }).subscribe());
    live.forEach((s) => subs.add(s));
    // KIS pacing: 41 registrations take 4 s (100 ms apart).
    await server.waitFor((s) => s.counters.subscribed === 41, 15_000);

    const error = await firstValueFrom(feed.trades$(symbols[41], { exchange: 'KRX' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FeedError);
    expect(error).toMatchObject({ kind: 'limit' });
    expect((error as FeedError).message).toMatch(/41/);
    expect(server.counters.subscribes).toBe(41);
    expect(server.counters.overLimit).toBe(0);

    // The other 41 keys are alive.
    const first = firstN(feed.trades$(symbols[0], { exchange: 'KRX' }), 1);
    server.publish({ ...trade(100, 1, 'buy'), symbol: symbols[0] });
    expect((await first)[0].symbol).toBe(symbols[0]);

    live[40].unsubscribe();
    await server.waitFor((s) => s.counters.releases === 1);
    const now = firstN(feed.trades$(symbols[41], { exchange: 'KRX' }), 1);
    await server.waitFor(registered(`H0STCNT0|${symbols[41]}`));
    server.publish({ ...trade(200, 1, 'buy'), symbol: symbols[41] });
    expect((await now)[0].price).toBe(200);
  });

  it('errors only the refused key when the server answers MAX SUBSCRIBE OVER', async () => {
    await server.close();
    server = await KisServer.start({ maxSubscriptions: 2 });
    const feed = feedFor(server);
    const a = firstN(feed.trades$('005930'), 1);
    const b = firstN(feed.trades$('000660'), 1);
    const refused = firstValueFrom(feed.trades$('035420')).catch((e: unknown) => e);
    expect(await refused).toMatchObject({ kind: 'rejected', code: 'OPSP0008', key: 'H0UNCNT0|035420' });
    server.publish({ ...trade(1, 1, 'buy'), symbol: '005930' });
    server.publish({ ...trade(2, 1, 'buy'), symbol: '000660' });
    expect((await a)[0].price).toBe(1);
    expect((await b)[0].price).toBe(2);
  });

  it('re-registers every live key after a reconnect and decrypts with the fresh key/iv', async () => {
    const feed = feedFor(server);
    const trades: Trade[] = [];
    const orders: string[] = [];
    subs.add(feed.trades$('005930', { exchange: 'KRX' }).subscribe((t) => trades.push(t)));
    subs.add(feed.orderBook$('000660', { exchange: 'NXT' }).subscribe());
    subs.add(feed.orders$().subscribe((o) => orders.push(o.status)));
    const keys = ['H0STCNT0|005930', 'H0NXASP0|000660', `H0STCNI0|${server.htsId}`];
    await server.waitFor(registered(...keys));

    server.dropConnections();
    await server.waitFor((s) => s.counters.connections === 2 && registered(...keys)(s));
    const second = server.requests.filter((r) => r.connection === 2 && r.trType === '1').map((r) => `${r.trId}|${r.trKey}`);
    expect(second.sort()).toEqual([...keys].sort());
    expect(server.ciphers).toHaveLength(2);
    expect(server.ciphers[1]).not.toEqual(server.ciphers[0]);
    expect(server.counters.approvals).toBe(1); // the approval key is reused

    server.publish(trade(123, 1, 'buy', undefined, 'KRX'));
    server.publish({
      kind: 'order',
      broker: 'sim',
      symbol: '005930',
      orderId: '1',
      side: 'sell',
      status: 'accepted',
      orderQty: 1,
      orderPrice: 1,
      filledQty: 0,
      unfilledQty: 1,
      raw: undefined,
      ...at('2026-03-05T09:30:15+09:00'),
    });
    await server.waitFor(() => trades.length === 1 && orders.length === 1);
    expect(orders).toEqual(['accepted']);
  });

  it('reports malformed frames on errors$ and keeps streaming', async () => {
    const feed = feedFor(server);
    const errors: FeedError[] = [];
    subs.add(feed.errors$.subscribe((e) => errors.push(e)));
    const got = firstN(feed.trades$('005930', { exchange: 'KRX' }), 1);
    await server.waitFor(registered('H0STCNT0|005930'));
    server.broadcastRaw(frames.H0STCNT0.replace('|001|', '|002|'));
    server.broadcastRaw('0|H0STCNT0|001|005930^1^2');
    server.broadcastRaw('not json');
    server.broadcastRaw(frameOf('H0STCNT0', [valuesOf(frames.H0STCNT0).map((v, i) => (i === 2 ? 'x' : v))]));
    server.publish(trade(555, 1, 'buy', undefined, 'KRX'));
    expect((await got)[0].price).toBe(555);
    expect(errors.map((e) => e.kind)).toEqual(['decode', 'decode', 'decode', 'decode']);
    expect(server.counters.connections).toBe(1);
  });

  it('re-issues the approval key after OPSP0011 and carries on', async () => {
    const feed = feedFor(server);
    const errors: FeedError[] = [];
    subs.add(feed.errors$.subscribe((e) => errors.push(e)));
    const prices: number[] = [];
    subs.add(feed.trades$('005930', { exchange: 'KRX' }).subscribe((t) => prices.push(t.price)));
    await server.waitFor(registered('H0STCNT0|005930'));
    const firstKey = server.requests[0].approvalKey;

    server.invalidateApprovalKeys();
    server.dropConnections();
    await server.waitFor((s) => s.counters.invalidApproval === 1);
    await server.waitFor((s) => s.counters.approvals === 2 && registered('H0STCNT0|005930')(s));
    server.publish(trade(777, 1, 'buy', undefined, 'KRX'));
    await server.waitFor(() => prices.includes(777));

    expect(server.counters.approvals).toBe(2);
    expect(server.requests.at(-1)!.approvalKey).not.toBe(firstKey);
    const invalid = errors.find((e) => e.code === 'OPSP0011');
    expect(invalid).toMatchObject({ kind: 'auth', fatal: false });
    for (const e of errors) {
      expect(e.message).not.toContain(firstKey);
      expect(e.message).not.toContain(server.appSecret);
    }
  });

  it('stops with a fatal error when a freshly issued approval key is refused too (no loop)', async () => {
    server.refuseAllApprovalKeys = true;
    const feed = feedFor(server);
    const error = await firstValueFrom(feed.trades$('005930')).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'auth', fatal: true, code: 'OPSP0011' });
    expect(server.counters.approvals).toBe(2);
    expect(server.counters.invalidApproval).toBe(2);
  });

  it('stops with a clear fatal error when the app key is in use by another session (OPSP8996)', async () => {
    const first = feedFor(server);
    const prices: number[] = [];
    subs.add(first.trades$('005930', { exchange: 'KRX' }).subscribe((t) => prices.push(t.price)));
    await server.waitFor(registered('H0STCNT0|005930'));

    const second = feedFor(server);
    const statuses: string[] = [];
    subs.add(second.status$.subscribe((s) => statuses.push(s.state)));
    const error = await firstValueFrom(second.trades$('000660', { exchange: 'KRX' })).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'auth', fatal: true, code: 'OPSP8996' });
    expect((error as Error).message).toMatch(/already in use by another session/);
    expect(server.counters.appKeyInUse).toBe(1);
    expect(statuses.at(-1)).toBe('closed');

    server.publish(trade(42, 1, 'buy', undefined, 'KRX'));
    await server.waitFor(() => prices.includes(42));
  });

  it('fails fatally, without opening a socket, when the app secret is refused', async () => {
    const feed = feedFor(server, { appSecret: 'not-the-secret' });
    const error = await firstValueFrom(feed.trades$('005930')).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'auth', fatal: true, code: '403' });
    expect((error as Error).message).not.toContain('not-the-secret');
    expect(server.counters.connections).toBe(0);
  });

  it('echoes PINGPONG so the server keeps the session', async () => {
    await server.close();
    server = await KisServer.start({ pingIntervalMs: 30, pingTimeoutMs: 200 });
    const feed = feedFor(server);
    subs.add(feed.trades$('005930').subscribe());
    await server.waitFor((s) => s.counters.pongs >= 3);
    expect(server.counters.pingTimeouts).toBe(0);
    expect(server.counters.connections).toBe(1);
  });

  it('rejects bad symbols and exchanges with a config error', async () => {
    const feed = feedFor(server);
    await expect(firstValueFrom(feed.trades$('5930'))).rejects.toMatchObject({ kind: 'config' });
    await expect(firstValueFrom(feed.trades$('005930', { exchange: 'NYSE' as never }))).rejects.toMatchObject({ kind: 'config' });
    expect(server.counters.connections).toBe(0);
  });

  it('is configured from KIS_* variables', async () => {
    const feed = kisFromEnv(server.env, fastSession);
    const got = firstN(feed.orders$(), 1);
    await server.waitFor(registered(`H0STCNI0|${server.htsId}`));
    expect(() => kisFromEnv({ ...server.env, KIS_ENV: 'demo' })).toThrow(/KIS_ENV/);
    expect(() => kisFromEnv({ KIS_APPSECRET: 'x' })).toThrow(/KIS_APPKEY/);
    server.publish({
      kind: 'order',
      broker: 'sim',
      symbol: '005930',
      orderId: '9',
      side: 'buy',
      status: 'rejected',
      orderQty: 1,
      orderPrice: 1,
      filledQty: 0,
      unfilledQty: 0,
      raw: undefined,
      ...at('2026-03-05T09:30:15+09:00'),
    });
    expect((await got)[0]).toMatchObject({ status: 'rejected', unfilledQty: 0 });
  });

  it('runs a strategy written against the normalized model unchanged', async () => {
    // The same function a Kiwoom user would write: model types in, a signal out.
    const strategy = (trades$: Observable<Trade>, books$: Observable<OrderBook>) =>
      combineLatest([trades$.pipe(vwap({ trades: 2 })), books$.pipe(spread())]).pipe(map(([v, s]) => ({ vwap: v, spread: s })));
    const feed = feedFor(server);
    const signals = firstValueFrom(
      strategy(feed.trades$('005930', { exchange: 'KRX' }), feed.orderBook$('005930', { exchange: 'KRX' })).pipe(
        filter((s) => s.vwap === 105),
        take(1),
        toArray(),
        timeout(5_000),
      ),
    );
    await server.waitFor(registered('H0STCNT0|005930', 'H0STASP0|005930'));
    server.publish({
      kind: 'book',
      broker: 'sim',
      symbol: '005930',
      asks: [{ price: 101, size: 1 }],
      bids: [{ price: 99, size: 1 }],
      ...at('2026-03-05T09:00:01+09:00'),
      raw: undefined,
      exchange: 'KRX',
    });
    server.publish(trade(100, 1, 'buy', undefined, 'KRX'));
    server.publish(trade(110, 1, 'sell', undefined, 'KRX'));
    expect(await signals).toEqual([{ vwap: 105, spread: 2 }]);
  });
});
