/**
 * The public Kiwoom API against the loopback server (real sockets on 127.0.0.1): routing of mixed
 * batches, reconnects, token refresh, permanent rejections, bad frames, heartbeats, condition search.
 */
import { Observable, Subscription, firstValueFrom, take, timeout, toArray } from 'rxjs';
import { FeedError } from '../../src/core/errors';
import { FeedStatus } from '../../src/core/status';
import { SessionOptions } from '../../src/core/session-types';
import { KiwoomFeed, kiwoom, kiwoomFromEnv } from '../../src/brokers/kiwoom';
import { KiwoomServer, KiwoomServerOptions, startKiwoomServer } from '../../src/testing';
import { kstInstant } from '../../src/brokers/kiwoom/mapping';
import { realCodes } from '../../src/brokers/kiwoom/wire/real-types';
import { AnyRealRecord } from '../../src/brokers/kiwoom/wire/record';
import { sampleEntries } from '../../src/app/servers/kiwoom/samples';
import { Trade } from '../../src/model';

const fast: SessionOptions = {
  backoff: { initialMs: 20, maxMs: 100, random: () => 0.5, healthyAfterMs: 50 },
  connectionLingerMs: 0,
  keyLingerMs: 0,
  livenessMs: 5_000,
};

let server: KiwoomServer;
let subs: Subscription;

async function start(options: KiwoomServerOptions = {}): Promise<KiwoomServer> {
  server = await startKiwoomServer({ pingIntervalMs: 0, ...options });
  return server;
}

beforeEach(() => {
  subs = new Subscription();
});

afterEach(async () => {
  subs.unsubscribe();
  await server?.close();
});

function feedOf(s: KiwoomServer, session: SessionOptions = fast): KiwoomFeed {
  return kiwoomFromEnv(s.env, session);
}

/** Collects a stream's values and its error. */
function record<T>(source: Observable<T>): { values: T[]; error?: unknown; done: boolean } {
  const out: { values: T[]; error?: unknown; done: boolean } = { values: [], done: false };
  subs.add(
    source.subscribe({
      next: (v) => out.values.push(v),
      error: (e: unknown) => {
        out.error = e;
        out.done = true;
      },
      complete: () => (out.done = true),
    }),
  );
  return out;
}

const now = (): ReturnType<typeof kstInstant> => kstInstant(Date.now());

function trade(symbol: string, price: number, extra: Partial<Trade> = {}): Trade {
  return { kind: 'trade', broker: 'kiwoom', symbol, price, size: 10, side: 'buy', direction: 'up', ...now(), raw: {}, ...extra };
}

const registered = (key: string) => () => server.registrations().includes(key);

describe('kiwoom feed against the loopback server', () => {
  it('connects only when subscribed, then streams published trades', async () => {
    await start();
    const feed = feedOf(server);
    await new Promise((r) => setTimeout(r, 30));
    expect(server.counters.tokenRequests).toBe(0);
    expect(server.counters.connections).toBe(0);

    const trades = record(feed.trades$('005930'));
    await server.waitFor(registered('0B|005930'));
    server.publish(trade('005930', 60700));
    server.publish(trade('000660', 100));
    await server.waitFor(() => trades.values.length === 1);
    expect(trades.values[0]).toMatchObject({ kind: 'trade', symbol: '005930', price: 60700, size: 10, side: 'buy', exchange: 'KRX' });
    expect(server.counters).toMatchObject({ tokensIssued: 1, logins: 1, regs: 1 });
  });

  it('LOGIN goes first and nothing else before its ack; one REG carries the keys of one tick', async () => {
    await start();
    const feed = feedOf(server);
    record(feed.trades$('005930'));
    record(feed.orderBook$('005930'));
    record(feed.index$('001'));
    await server.waitFor(() => server.registrations().length === 3);
    const frames = server.received.map((r) => JSON.parse(r.frame) as Record<string, unknown>);
    expect(frames[0]).toMatchObject({ trnm: 'LOGIN' });
    expect(server.counters.beforeLogin).toBe(0);
    expect(frames.filter((f) => f.trnm === 'REG')).toEqual([
      {
        trnm: 'REG',
        grp_no: '2',
        refresh: '1',
        data: [
          { item: ['005930'], type: ['0B', '0D'] },
          { item: ['001'], type: ['0J'] },
        ],
      },
    ]);
  });

  it('mixed REAL batches reach only the subscribed keys', async () => {
    await start();
    const feed = feedOf(server);
    const trades = record(feed.trades$('005930'));
    const index = record(feed.index$('001'));
    const nx = record(feed.trades$('005930', { exchange: 'NXT' }));
    await server.waitFor(() => server.registrations().length === 3);
    const entry = (type: string, item: string, values: Record<string, string>) => ({ type, item, name: '', values });
    const t = { '20': '090101', '10': '-60700', '15': '-5' };
    server.broadcastRaw(
      JSON.stringify({
        trnm: 'REAL',
        data: [
          entry('0B', '000660', t),
          entry('0B', '005930', t),
          entry('0J', '101', { '20': '090101', '10': '+900.01' }),
          entry('0J', '001', { '20': '090101', '10': '-2500.50' }),
          entry('0D', '005930', { '21': '090101', '41': '+1', '51': '+1' }),
          entry('0B', '005930_NX', { ...t, '10': '+60800' }),
          entry('0B', '005930_AL', t),
        ],
      }),
    );
    await server.waitFor(() => trades.values.length + index.values.length + nx.values.length === 3);
    await new Promise((r) => setTimeout(r, 20));
    expect(trades.values.map((v) => [v.symbol, v.exchange, v.price, v.side, v.direction])).toEqual([
      ['005930', 'KRX', 60700, 'sell', 'down'],
    ]);
    expect(nx.values.map((v) => [v.symbol, v.exchange, v.price])).toEqual([['005930', 'NXT', 60800]]);
    expect(index.values.map((v) => [v.symbol, v.value])).toEqual([['001', 2500.5]]);
    expect(server.registrations().sort()).toEqual(['0B|005930', '0B|005930_NX', '0J|001']);
  });

  it('reconnects after a drop: logs in again and re-registers every live key', async () => {
    await start();
    const feed = feedOf(server);
    const statuses = record(feed.status$);
    const trades = record(feed.trades$('005930'));
    const account = record(feed.orders$());
    await server.waitFor(() => server.registrations().length === 2);
    server.dropConnections();
    await server.waitFor(() => server.counters.logins === 2 && server.registrations().length === 2);
    expect(server.registrations().sort()).toEqual(['00|', '0B|005930']);
    server.publish(trade('005930', 61000));
    await server.waitFor(() => trades.values.length === 1);
    expect(trades.values[0].price).toBe(61000);
    expect(account.error).toBeUndefined();
    expect(statuses.values.map((s: FeedStatus) => s.state)).toContain('reconnecting');
    // The cached token served both connections.
    expect(server.counters.tokensIssued).toBe(1);
  });

  it('a cached token rejected with 8005 is re-issued once and the stream goes on', async () => {
    await start();
    const feed = feedOf(server);
    const errors = record(feed.errors$);
    const trades = record(feed.trades$('005930'));
    await server.waitFor(registered('0B|005930'));
    server.expireTokens();
    server.dropConnections();
    await server.waitFor(() => server.counters.logins === 3 && server.registrations().includes('0B|005930'));
    expect(server.counters).toMatchObject({ tokensIssued: 2, loginsRejected: 1 });
    server.publish(trade('005930', 62000));
    await server.waitFor(() => trades.values.length === 1);
    expect(trades.error).toBeUndefined();
    const tokenError = errors.values.find((e: FeedError) => e.kind === 'auth');
    expect(tokenError?.message).toMatch(/8005/);
  });

  it('an expired token is re-issued before the next connection', async () => {
    // Tokens live 30 min; a 31-min margin makes every cached token count as expired.
    await start({ tokenTtlMs: 30 * 60_000 });
    const feed = kiwoomFromEnv(server.env, fast, { tokenMarginMs: 31 * 60_000 });
    record(feed.trades$('005930'));
    await server.waitFor(registered('0B|005930'));
    server.dropConnections();
    await server.waitFor(() => server.counters.logins === 2 && server.registrations().length === 1);
    expect(server.counters).toMatchObject({ tokensIssued: 2, loginsRejected: 0 });
  });

  it('a freshly issued token refused at LOGIN is re-issued once (it may have been revoked); refused again, it is fatal', async () => {
    await start();
    server.setTokenMode('invalidTokens');
    const feed = feedOf(server);
    const errors = record(feed.errors$);
    const trades = record(feed.trades$('005930'));
    await server.waitFor(() => trades.done);
    expect(trades.error).toBeInstanceOf(FeedError);
    expect(trades.error).toMatchObject({ kind: 'auth', fatal: true });
    expect(errors.values[0]?.message).toMatch(/may have been revoked, issuing one more/);
    await new Promise((r) => setTimeout(r, 150));
    expect(server.counters).toMatchObject({ tokensIssued: 2, logins: 2, connections: 2 });
  });

  it('keys refused by the token endpoint fail fast, never connect, and never show the keys', async () => {
    await start();
    const feed = kiwoom({ appKey: 'WRONG-APPKEY-1', secretKey: 'WRONG-SECRET-1', restUrl: server.restUrl, wsUrl: server.wsUrl }, fast);
    const statuses = record(feed.status$);
    const errors = record(feed.errors$);
    const trades = record(feed.trades$('005930'));
    await server.waitFor(() => trades.done);
    expect(trades.error).toMatchObject({ kind: 'auth', fatal: true });
    await new Promise((r) => setTimeout(r, 100));
    expect(server.counters).toMatchObject({ tokenRequests: 1, connections: 0 });
    const texts = [String((trades.error as Error).message), ...errors.values.map((e) => e.message), JSON.stringify(statuses.values)];
    for (const text of texts) expect(text).not.toMatch(/WRONG-APPKEY-1|WRONG-SECRET-1/);
  });

  it('SYSTEM R10001 (duplicate login) stops the session instead of reconnecting', async () => {
    await start();
    const feed = feedOf(server);
    const trades = record(feed.trades$('005930'));
    await server.waitFor(registered('0B|005930'));
    server.sendSystem('R10001', '동일한 App key로 접속이 되었습니다. 기존 세션은 종료가 됩니다');
    await server.waitFor(() => trades.done);
    expect(trades.error).toMatchObject({ fatal: true, code: 'R10001' });
    await new Promise((r) => setTimeout(r, 150));
    expect(server.counters.connections).toBe(1);
  });

  it('a refused registration errors that key only', async () => {
    await start();
    server.rejectItem('999999');
    const feed = feedOf(server);
    const errors = record(feed.errors$);
    const good = record(feed.trades$('005930'));
    await server.waitFor(registered('0B|005930'));
    const bad = record(feed.trades$('999999'));
    await server.waitFor(() => bad.done);
    expect(bad.error).toMatchObject({ kind: 'rejected', code: '1', key: '0B|999999' });
    server.publish(trade('005930', 1));
    await server.waitFor(() => good.values.length === 1);
    expect(good.done).toBe(false);
    expect(errors.values.some((e) => e.kind === 'rejected')).toBe(true);
  });

  it('malformed frames are reported on errors$ and skipped; the connection goes on', async () => {
    await start();
    const feed = feedOf(server);
    const errors = record(feed.errors$);
    const trades = record(feed.trades$('005930'));
    await server.waitFor(registered('0B|005930'));
    server.broadcastRaw('this is not json');
    server.broadcastRaw(JSON.stringify({ trnm: 'REAL', data: [{ type: '0B', item: '005930', values: { '15': '+1' } }] }));
    server.publish(trade('005930', 60900));
    await server.waitFor(() => trades.values.length === 1);
    expect(trades.values[0].price).toBe(60900);
    const decode = errors.values.filter((e) => e.kind === 'decode');
    expect(decode).toHaveLength(2);
    expect(decode[1].message).toMatch(/FID 10 \(lastPrice\) is missing/);
    expect(server.counters.connections).toBe(1);
  });

  it('echoes every PING, which keeps the connection alive', async () => {
    await start({ pingIntervalMs: 15, maxMissedPings: 2 });
    const feed = feedOf(server);
    const frames = record(feed.frames$);
    record(feed.trades$('005930'));
    await server.waitFor(() => server.counters.pingsEchoed >= 12);
    expect(server.counters.connections).toBe(1);
    expect(server.counters.pingsSent - server.counters.pingsEchoed).toBeLessThanOrEqual(1);
    expect(frames.values.some((f) => f.frame.includes('R10002'))).toBe(false);
    const echoes = server.received.filter((r) => r.frame === '{"trnm":"PING"}');
    expect(echoes.length).toBe(server.counters.pingsEchoed);
  });

  it('orders$ and positions$ register 00/04 in their own group and map orders and positions', async () => {
    await start();
    const feed = feedOf(server);
    const orders = record(feed.orders$());
    const balance = record(feed.positions$());
    await server.waitFor(() => server.registrations().length === 2);
    const reg = server.received.map((r) => JSON.parse(r.frame)).find((f) => f.trnm === 'REG');
    expect(reg).toEqual({ trnm: 'REG', grp_no: '1', refresh: '1', data: [{ item: [''], type: ['00', '04'] }] });
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
      ...now(),
      raw: {},
    });
    server.publish({ kind: 'position', broker: 'kiwoom', symbol: '005930', qty: 10, avgPrice: 60700, ...now(), raw: {} });
    await server.waitFor(() => orders.values.length === 1 && balance.values.length === 1);
    expect(orders.values[0]).toMatchObject({
      orderId: '0000123',
      status: 'accepted',
      orderQty: 10,
      orderPrice: 60700,
      unfilledQty: 10,
      side: 'buy',
    });
    expect(balance.values[0]).toMatchObject({ symbol: '005930', qty: 10, avgPrice: 60700 });
  });

  it('releasing a stream sends REMOVE; the others stay registered', async () => {
    await start();
    const feed = feedOf(server);
    record(feed.trades$('005930'));
    const books = feed.orderBook$('005930').subscribe();
    await server.waitFor(() => server.registrations().length === 2);
    books.unsubscribe();
    await server.waitFor(() => server.counters.removes === 1);
    await server.waitFor(() => server.registrations().length === 1);
    expect(server.registrations()).toEqual(['0B|005930']);
  });

  it('stream$ gives any type with named fields; the official samples reach their keys', async () => {
    await start();
    const feed = feedOf(server);
    const program = record(feed.stream$('0w', '005930'));
    const session = record(feed.stream$('0s'));
    const vi = record(feed.stream$('1h', '005930'));
    await server.waitFor(() => server.registrations().length === 3);
    server.broadcastRaw(server.sampleFrame('0w', '0s', '1h', '0B'));
    await server.waitFor(() => program.values.length + session.values.length + vi.values.length === 3);
    expect(program.values[0].fields.programBuyQty).toBe(8043);
    expect(session.values[0].fields.operation).toBe('b');
    expect(vi.values[0].fields.viKind).toBe('static');
    expect(server.registrations().sort()).toEqual(['0s|', '0w|005930', '1h|']);
  });

  it('every type decodes from its official sample through stream$, all in one mixed frame', async () => {
    await start({ conditions: [{ seq: '4', name: '조건4' }] });
    const feed = feedOf(server);
    const streams = realCodes.map((code) => {
      const item = code === '02' ? '4' : sampleEntries[code].item;
      return [code, record(feed.stream$(code, item === '' ? undefined : item))] as const;
    });
    // 19 registered keys, and the live condition (02) through CNSRLST/CNSRREQ.
    await server.waitFor(() => server.registrations().length === realCodes.length - 1 && server.counters.conditionSearches === 1);
    server.broadcastRaw(server.sampleFrame(...realCodes));
    await server.waitFor(() => streams.every(([, s]) => s.values.length === 1));
    for (const [code, s] of streams) {
      const r = s.values[0] as AnyRealRecord;
      expect([code, r.type, r.item]).toEqual([code, code, sampleEntries[code].item]);
      expect([code, r.extra]).toEqual([code, {}]);
    }
  });

  it('condition search: CNSRLST first, initial matches, live entries, CNSRCLR on release', async () => {
    await start();
    server.setConditionMatches('1', ['005930']);
    // A linger long enough for the paced CNSRCLR (Kiwoom requests go 500 ms apart).
    const feed = feedOf(server, { ...fast, connectionLingerMs: 1_000 });
    const list = await firstValueFrom(feed.conditions$().pipe(timeout(3_000)));
    expect(list).toEqual([
      { seq: '0', name: '조건1' },
      { seq: '1', name: '조건2' },
      { seq: '2', name: '조건3' },
    ]);
    const events = firstValueFrom(feed.condition$('1').pipe(take(2), toArray(), timeout(3_000)));
    await server.waitFor(() => server.counters.conditionSearches === 1);
    server.pushCondition('1', '000660', 'I');
    const got = await events;
    expect(got.map((e) => [e.symbol, e.action, e.initial])).toEqual([
      ['005930', 'enter', true],
      ['000660', 'enter', false],
    ]);
    const trnms = server.received.map((r) => JSON.parse(r.frame).trnm);
    expect(trnms.indexOf('CNSRLST')).toBeLessThan(trnms.indexOf('CNSRREQ'));
    await server.waitFor(() => server.counters.conditionClears === 1);
  });

  it('a live condition is listed and requested again after a reconnect', async () => {
    await start();
    const feed = feedOf(server);
    const events = record(feed.condition$('2'));
    await server.waitFor(() => server.counters.conditionSearches === 1);
    server.dropConnections();
    await server.waitFor(() => server.counters.conditionSearches === 2);
    expect(server.counters.conditionLists).toBe(2);
    const perConnection = [1, 2].map((n) => server.received.filter((r) => r.connection === n).map((r) => JSON.parse(r.frame).trnm));
    expect(perConnection).toEqual([
      ['LOGIN', 'CNSRLST', 'CNSRREQ'],
      ['LOGIN', 'CNSRLST', 'CNSRREQ'],
    ]);
    server.pushCondition('2', '035720', 'D');
    await server.waitFor(() => events.values.length === 1);
    expect(events.values[0]).toMatchObject({ seq: '2', symbol: '035720', action: 'leave', initial: false });
  });

  it('bad input errors the stream with a clear message instead of reaching the wire', async () => {
    await start();
    const feed = feedOf(server);
    const glued = record(feed.trades$('005930_NX'));
    expect(glued.error).toMatchObject({ kind: 'config' });
    expect((glued.error as Error).message).toMatch(/exchange: 'NXT'/);
    const mock = kiwoom({ appKey: 'k', secretKey: 's', env: 'mock', restUrl: server.restUrl, wsUrl: server.wsUrl }, fast);
    const sor = record(mock.trades$('005930', { exchange: 'SOR' }));
    expect((sor.error as Error).message).toMatch(/mock server serves KRX only/);
    expect(() => kiwoomFromEnv({})).toThrow(/KIWOOM_APPKEY and KIWOOM_SECRETKEY/);
    expect(() => kiwoomFromEnv({ KIWOOM_APPKEY: 'a', KIWOOM_SECRETKEY: 'b', KIWOOM_ENV: 'paper' })).toThrow(/KIWOOM_ENV/);
    expect(server.counters.connections).toBe(0);
  });
});
