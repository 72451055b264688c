/**
 * Token and approval-key providers (the browser's way in: the backend issues short-lived
 * credentials, the app secret never reaches the client), against the loopback servers.
 */
import { Observable, Subscription, firstValueFrom, filter, take, timeout, toArray } from 'rxjs';
import { FeedError } from '../../src/core/errors';
import { SessionOptions } from '../../src/core/session-types';
import { kiwoom } from '../../src/brokers/kiwoom';
import { kis } from '../../src/brokers/kis';
import { KisServer, KiwoomServer, startKisServer, startKiwoomServer } from '../../src/testing';
import { kstInstant } from '../../src/brokers/kiwoom/mapping';

const fast: SessionOptions = {
  backoff: { initialMs: 20, maxMs: 100, random: () => 0.5, healthyAfterMs: 50 },
  connectionLingerMs: 0,
  keyLingerMs: 0,
};

let subs: Subscription;
let kiwoomServer: KiwoomServer | undefined;
let kisServer: KisServer | undefined;

beforeEach(() => {
  subs = new Subscription();
});

afterEach(async () => {
  subs.unsubscribe();
  await kiwoomServer?.close();
  await kisServer?.close();
  kiwoomServer = kisServer = undefined;
});

/** What the app's backend does with the keys: asks the broker, hands back only the token. */
async function backendToken(server: KiwoomServer): Promise<string> {
  const r = await fetch(`${server.restUrl}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json;charset=UTF-8' },
    body: JSON.stringify({ grant_type: 'client_credentials', appkey: server.env.KIWOOM_APPKEY, secretkey: server.env.KIWOOM_SECRETKEY }),
  });
  return ((await r.json()) as { token: string }).token;
}

async function backendApprovalKey(server: KisServer): Promise<string> {
  const r = await fetch(`${server.restUrl}/oauth2/Approval`, {
    method: 'POST',
    headers: { 'content-type': 'application/json; utf-8' },
    body: JSON.stringify({ grant_type: 'client_credentials', appkey: server.appKey, secretkey: server.appSecret }),
  });
  return ((await r.json()) as { approval_key: string }).approval_key;
}

function collect<T>(source: Observable<T>): T[] {
  const values: T[] = [];
  subs.add(source.subscribe({ next: (v) => values.push(v), error: () => undefined }));
  return values;
}

const at = kstInstant(Date.parse('2026-11-20T09:01:01+09:00'));

describe('Kiwoom token provider', () => {
  it('streams with provided tokens and asks the provider again after the server refuses one', async () => {
    const server = (kiwoomServer = await startKiwoomServer({ pingIntervalMs: 0 }));
    let asked = 0;
    const feed = kiwoom({ token: () => (asked++, backendToken(server)), wsUrl: server.wsUrl }, fast);
    const trades = collect(feed.trades$('005930'));
    await server.waitFor(() => server.registrations().includes('0B|005930'), 10_000);
    expect(asked).toBe(1);
    server.publish({ kind: 'trade', broker: 'kiwoom', symbol: '005930', price: 60700, size: 5, side: 'buy', ...at, raw: {} });
    await server.waitFor(() => trades.length === 1, 10_000);
    // Revoked server-side: the next LOGIN is refused, the provider is asked for a new one.
    server.expireTokens();
    server.dropConnections();
    await server.waitFor(() => server.counters.logins >= 2 && server.registrations().includes('0B|005930'), 10_000);
    expect(asked).toBeGreaterThanOrEqual(2);
    server.publish({ kind: 'trade', broker: 'kiwoom', symbol: '005930', price: 60800, size: 1, side: 'sell', ...at, raw: {} });
    await server.waitFor(() => trades.length === 2, 10_000);
    expect(trades.map((t) => t.price)).toEqual([60700, 60800]);
  }, 30_000);

  it('a provider that fails is retried with backoff; its message reaches status, not a crash', async () => {
    const server = (kiwoomServer = await startKiwoomServer({ pingIntervalMs: 0 }));
    let asked = 0;
    const feed = kiwoom(
      { token: () => (++asked < 3 ? Promise.reject(new Error('backend down')) : backendToken(server)), wsUrl: server.wsUrl },
      fast,
    );
    const errors = collect(feed.errors$);
    collect(feed.trades$('005930'));
    await server.waitFor(() => server.registrations().includes('0B|005930'), 10_000);
    expect(asked).toBe(3);
    expect(errors.some((e) => e.kind === 'connection' && /token provider failed: backend down/.test(e.message))).toBe(true);
  }, 30_000);

  it('a provider answering no token ends the stream with a fatal auth error', async () => {
    const server = (kiwoomServer = await startKiwoomServer({ pingIntervalMs: 0 }));
    const feed = kiwoom({ token: () => Promise.resolve(''), wsUrl: server.wsUrl }, fast);
    const error = await firstValueFrom(feed.trades$('005930')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FeedError);
    expect(error).toMatchObject({ kind: 'auth', fatal: true });
    expect(server.counters.logins).toBe(0);
  }, 30_000);

  it('bad options are config errors at once', () => {
    expect(() => kiwoom({} as never)).toThrow(expect.objectContaining({ name: 'FeedError', kind: 'config' }) as unknown as Error);
    expect(() => kiwoom({ token: 'abc' } as never)).toThrow(/token must be a function/);
  });
});

describe('KIS approval-key provider', () => {
  it('registers with the provided key; the app key and secret are never needed', async () => {
    const server = (kisServer = await startKisServer({ pingIntervalMs: 0 }));
    let asked = 0;
    const feed = kis({ approvalKey: () => (asked++, backendApprovalKey(server)), wsUrl: server.wsUrl, exchange: 'KRX' }, fast);
    const trades = collect(feed.trades$('005930'));
    await server.waitFor(() => server.subscribedSymbols().includes('005930'), 10_000);
    server.publish({ kind: 'trade', broker: 'kis', symbol: '005930', price: 60700, size: 5, side: 'buy', ...at, raw: {} });
    await server.waitFor(() => trades.length === 1, 10_000);
    expect(asked).toBe(1);
    expect(server.requests.every((r) => r.approvalKey !== '' && r.approvalKey !== server.appKey)).toBe(true);
    // REST needs the keys this feed does not hold: a clear config error, not a request with blanks.
    await expect(firstValueFrom(feed.rest.orderBook('005930'))).rejects.toMatchObject({ kind: 'config' });
  }, 30_000);

  it('a refused key (OPSP0011) asks the provider once more', async () => {
    const server = (kisServer = await startKisServer({ pingIntervalMs: 0 }));
    let asked = 0;
    const feed = kis({ approvalKey: () => (asked++, backendApprovalKey(server)), wsUrl: server.wsUrl, exchange: 'KRX' }, fast);
    collect(feed.trades$('005930'));
    await server.waitFor(() => server.subscribedSymbols().includes('005930'), 10_000);
    server.invalidateApprovalKeys();
    server.dropConnections();
    const statuses = await firstValueFrom(
      feed.status$.pipe(
        filter((s) => s.state === 'open'),
        take(1),
        toArray(),
        timeout(10_000),
      ),
    );
    expect(statuses.length).toBe(1);
    await server.waitFor(() => asked >= 2 && server.subscribedSymbols().includes('005930'), 10_000);
  }, 30_000);

  it('bad options are config errors at once', () => {
    expect(() => kis({} as never)).toThrow(/approval-key provider/);
    expect(() => kis({ approvalKey: 42 } as never)).toThrow(/string or a function/);
  });
});
