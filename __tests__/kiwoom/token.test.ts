/** The REST token: request shape, expiry in KST, caching, and which failures are fatal. */
import { FeedError } from '../../src/core/errors';
import { Fetch, TokenCache, issueToken, parseExpiry } from '../../src/brokers/kiwoom/auth';
import { fixture } from './support';

function fakeFetch(status: number, body: unknown): { fetch: Fetch; calls: { url: string; body: unknown; headers: unknown }[] } {
  const calls: { url: string; body: unknown; headers: unknown }[] = [];
  return {
    calls,
    fetch: async (url, init) => {
      calls.push({ url, body: JSON.parse(init.body), headers: init.headers });
      return { status, text: async () => (typeof body === 'string' ? body : JSON.stringify(body)) };
    },
  };
}

const creds = { appKey: 'APPKEY-123456', secretKey: 'SECRET-abcdef' };

describe('kiwoom token', () => {
  it('POSTs grant_type, appkey and secretkey to /oauth2/token and reads the official sample answer', async () => {
    const f = fakeFetch(200, fixture('session.json').token);
    const issued = await issueToken('https://api.example/', creds, f.fetch);
    expect(f.calls).toEqual([
      {
        url: 'https://api.example/oauth2/token',
        body: { grant_type: 'client_credentials', appkey: 'APPKEY-123456', secretkey: 'SECRET-abcdef' },
        headers: { 'Content-Type': 'application/json;charset=UTF-8' },
      },
    ]);
    expect(issued.token).toBe('WQJCwyqInphKnR3bSRtB9NE1lv...');
    expect(issued.expiresAt).toBe(Date.parse('2024-11-07T08:37:13+09:00'));
  });

  it('parses expires_dt as KST and rejects malformed values', () => {
    expect(parseExpiry('20241107083713')).toBe(Date.UTC(2024, 10, 6, 23, 37, 13));
    expect(parseExpiry('2024-11-07')).toBeUndefined();
    expect(parseExpiry(undefined)).toBeUndefined();
  });

  it('a non-zero return_code is a fatal auth error naming neither key', async () => {
    const f = fakeFetch(200, { return_code: 3, return_msg: 'App Key와 Secret Key 검증에 실패했습니다[8001]' });
    const err = await issueToken('http://x', creds, f.fetch).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FeedError);
    expect(err).toMatchObject({ kind: 'auth', fatal: true, code: '3' });
    expect((err as FeedError).message).toMatch(/8001/);
    expect((err as FeedError).message).not.toMatch(/APPKEY-123456|SECRET-abcdef/);
  });

  it('HTTP 4xx is fatal; HTTP 5xx and network failures are retryable', async () => {
    await expect(issueToken('http://x', creds, fakeFetch(403, 'forbidden').fetch)).rejects.toMatchObject({ fatal: true, kind: 'auth' });
    await expect(issueToken('http://x', creds, fakeFetch(503, 'busy').fetch)).rejects.toMatchObject({ fatal: false, kind: 'connection' });
    const down: Fetch = async () => {
      throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
    };
    await expect(issueToken('http://x', creds, down)).rejects.toMatchObject({
      fatal: false,
      message: expect.stringMatching(/ECONNREFUSED/),
    });
  });

  it('caches until shortly before expiry, then issues again; invalidate forces a new one', async () => {
    let now = 0;
    let n = 0;
    const cache = new TokenCache(
      async () => ({ token: `t${++n}`, expiresAt: 100_000 }),
      () => now,
      10_000,
    );
    expect(await cache.get()).toEqual({ token: 't1', fresh: true });
    now = 50_000;
    expect(await cache.get()).toEqual({ token: 't1', fresh: false });
    now = 91_000; // inside the margin
    expect(await cache.get()).toEqual({ token: 't2', fresh: true });
    cache.invalidate();
    now = 0;
    expect(await cache.get()).toEqual({ token: 't3', fresh: true });
    expect(cache.tokens()).toEqual(['t1', 't2', 't3']);
  });

  it('a token without a readable expiry is issued again for every connection', async () => {
    let n = 0;
    const cache = new TokenCache(
      async () => ({ token: `t${++n}` }),
      () => 0,
    );
    await cache.get();
    expect(await cache.get()).toEqual({ token: 't2', fresh: true });
  });
});
