import { ApprovalCache, requestApprovalKey } from '../../src/brokers/kis/auth';
import { FeedError } from '../../src/core/errors';
import { KisServer } from '../../src/app/servers/kis/server';

describe('KIS approval key', () => {
  let server: KisServer;
  beforeAll(async () => {
    server = await KisServer.start();
  });
  afterAll(() => server.close());

  it('is issued by POST /oauth2/Approval for the right app key and secret', async () => {
    const key = await requestApprovalKey({ restUrl: server.restUrl, appKey: server.appKey, appSecret: server.appSecret });
    expect(key).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('is refused for a wrong secret: a fatal auth error that names neither secret', async () => {
    const err = await requestApprovalKey({ restUrl: server.restUrl, appKey: server.appKey, appSecret: 'wrong-secret-value' }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(FeedError);
    expect(err).toMatchObject({ kind: 'auth', fatal: true, code: '403' });
    expect((err as FeedError).message).toMatch(/EGW00103/);
    expect((err as FeedError).message).not.toContain('wrong-secret-value');
  });

  it('fails retryably when the endpoint is unreachable', async () => {
    const closed = await KisServer.start();
    const url = closed.restUrl;
    await closed.close();
    const err = await requestApprovalKey({ restUrl: url, appKey: 'a', appSecret: 'b' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'connection', fatal: false });
  });

  it('fails retryably on a server error and fatally on a 200 without a key', async () => {
    const respond = (status: number, body: string) => async () => ({ ok: status < 300, status, text: async () => body });
    await expect(requestApprovalKey({ restUrl: 'http://x', appKey: 'a', appSecret: 'b', fetch: respond(503, '') })).rejects.toMatchObject({
      kind: 'connection',
      fatal: false,
      code: '503',
    });
    await expect(requestApprovalKey({ restUrl: 'http://x', appKey: 'a', appSecret: 'b', fetch: respond(200, '{}') })).rejects.toMatchObject(
      {
        kind: 'auth',
        fatal: true,
      },
    );
  });
});

describe('ApprovalCache', () => {
  const invalid = new FeedError({ kind: 'auth', code: 'OPSP0011', message: 'invalid approval' });
  const dropped = new FeedError({ kind: 'connection', message: 'closed' });

  function cache(now = () => 0) {
    let issued = 0;
    const c = new ApprovalCache({ now, issue: async () => `key-${++issued}` });
    return { c, issued: () => issued };
  }

  it('issues once and reuses the key (synchronously) across reconnects', async () => {
    const { c, issued } = cache();
    expect(await c.get()).toBe('key-1');
    expect(c.get(dropped)).toBe('key-1');
    expect(c.get(dropped)).toBe('key-1');
    expect(issued()).toBe(1);
  });

  it('re-issues after OPSP0011, and gives up fatally if the new key is refused too', async () => {
    const { c, issued } = cache();
    await c.get();
    expect(await c.get(invalid)).toBe('key-2');
    expect(() => c.get(invalid)).toThrow(expect.objectContaining({ fatal: true, code: 'OPSP0011' }));
    expect(issued()).toBe(2);
  });

  it('re-issues again after a later OPSP0011 once the new key has worked', async () => {
    const { c } = cache();
    await c.get();
    await c.get(invalid);
    c.confirm();
    expect(await c.get(invalid)).toBe('key-3');
  });

  it('re-issues a key that has aged out', async () => {
    let t = 0;
    const c = new ApprovalCache({ now: () => t, maxAgeMs: 1000, issue: async () => `key-${t}` });
    expect(await c.get()).toBe('key-0');
    t = 999;
    expect(c.get()).toBe('key-0');
    t = 1000;
    expect(await c.get()).toBe('key-1000');
  });

  it('starts from a key the user holds', () => {
    const c = new ApprovalCache({ now: () => 0, initialKey: 'mine', issue: async () => 'new' });
    expect(c.get()).toBe('mine');
    expect(c.key).toBe('mine');
  });
});
