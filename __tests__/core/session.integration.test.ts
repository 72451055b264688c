import { Subscription, firstValueFrom, filter } from 'rxjs';
import { createSession } from '../../src/core/session';
import { FeedError } from '../../src/core/errors';
import { FeedStatus } from '../../src/core/status';
import { toyProtocol } from '../../src/testing/toy-protocol';
import { ToyServer, until } from '../support/toy-server';

/** The core against a real `ws` server on loopback: real sockets, real close codes. */
describe('session over a real socket', () => {
  let server: ToyServer;
  let subs: Subscription;

  beforeEach(async () => {
    server = await ToyServer.start();
    subs = new Subscription();
  });
  afterEach(async () => {
    subs.unsubscribe();
    await server.close();
  });

  const fast = { backoff: { initialMs: 20, maxMs: 100 }, connectionLingerMs: 0, keyLingerMs: 0, livenessMs: 5000 };

  it('continues every stream after the server drops the connection, with all keys registered again', async () => {
    const session = createSession(toyProtocol({ url: server.url }), fast);
    const a: unknown[] = [];
    const b: unknown[] = [];
    const statuses: FeedStatus[] = [];
    subs.add(session.status$.subscribe((s) => statuses.push(s)));
    subs.add(session.stream('a').subscribe((v) => a.push(v)));
    subs.add(session.stream('b').subscribe((v) => b.push(v)));

    await until(() => server.subscribedKeys().join() === 'a,b', 3000, 'first registration');
    server.push('a', 1);
    server.push('b', 1);
    await until(() => a.length === 1 && b.length === 1);

    server.drop();
    await until(() => server.connectionCount === 2 && server.subscribedKeys().join() === 'a,b', 3000, 're-registration');
    server.push('a', 2);
    server.push('b', 2);
    await until(() => a.length === 2 && b.length === 2);

    expect(a).toEqual([1, 2]);
    expect(b).toEqual([1, 2]);
    expect(server.logins).toEqual([1, 2]);
    expect(
      server.subs
        .filter((s) => s.connection === 2)
        .flatMap((s) => s.keys)
        .sort(),
    ).toEqual(['a', 'b']);
    const reconnecting = statuses.find((s) => s.state === 'reconnecting');
    expect(reconnecting && reconnecting.state === 'reconnecting' && reconnecting.reason).toMatch(/1006 abnormal closure/);
  });

  it('reports the close code and reason the server gave', async () => {
    const session = createSession(toyProtocol({ url: server.url }), fast);
    const errors: FeedError[] = [];
    subs.add(session.errors$.subscribe((e) => errors.push(e)));
    subs.add(session.stream('a').subscribe());
    await until(() => server.subscribedKeys().length === 1);
    server.closeAll(4001, 'maintenance');
    await until(() => errors.length > 0);
    expect(errors[0].kind).toBe('connection');
    expect(errors[0].code).toBe('4001');
    expect(errors[0].message).toContain('4001 application-defined "maintenance"');
    expect(errors[0].fatal).toBe(false);
    await until(() => server.connectionCount === 2 && server.subscribedKeys().length === 1, 3000, 'reconnect after the close');
  });

  it('retries an upgrade refused with HTTP 503 (the server may come back), then connects', async () => {
    server.refuseWith = 503;
    const session = createSession(toyProtocol({ url: server.url }), fast);
    const errors: FeedError[] = [];
    subs.add(session.errors$.subscribe((e) => errors.push(e)));
    subs.add(session.stream('a').subscribe());
    await until(() => errors.length >= 2, 3000, 'two refused attempts');
    expect(errors.map((e) => [e.kind, e.code, e.fatal])).toContainEqual(['connection', '503', false]);
    server.refuseWith = undefined;
    await until(() => server.subscribedKeys().join() === 'a', 3000, 'registration once the server accepts');
  });

  it('gives up at once on an upgrade refused with HTTP 404 (a wrong URL is configuration)', async () => {
    server.refuseWith = 404;
    const session = createSession(toyProtocol({ url: server.url }), fast);
    const error = await new Promise<FeedError>((resolve) => subs.add(session.stream('a').subscribe({ error: resolve })));
    expect([error.kind, error.fatal, error.code]).toEqual(['config', true, '404']);
  });

  it('gives up at once, with the HTTP status and body, when the upgrade is refused with 401', async () => {
    server.refuseWith = 401;
    const session = createSession(toyProtocol({ url: server.url, secret: 'bad signature' }), fast);
    const error = await new Promise<FeedError>((resolve) => subs.add(session.stream('a').subscribe({ error: resolve })));
    expect(error.kind).toBe('auth');
    expect(error.fatal).toBe(true);
    expect(error.code).toBe('401');
    expect(error.message).toContain('HTTP 401');
    expect(error.message).toContain('40009'); // the body, where brokers explain
    expect(error.message).not.toContain('bad signature'); // a secret of this session: redacted
    expect(server.connectionCount).toBe(0);
  });

  it('retries an unreachable server with backoff until it appears', async () => {
    const url = server.url;
    await server.close();
    const session = createSession(toyProtocol({ url }), fast);
    const reconnects: FeedStatus[] = [];
    subs.add(session.status$.pipe(filter((s) => s.state === 'reconnecting')).subscribe((s) => reconnects.push(s)));
    subs.add(session.stream('a').subscribe());
    await until(() => reconnects.length >= 2, 3000, 'two reconnect attempts');
    expect(reconnects[0].state === 'reconnecting' && reconnects[0].reason).toMatch(/ECONNREFUSED/);
    server = await ToyServer.start(); // for afterEach
  });

  it('rejects a malformed URL as a configuration error, without connecting', async () => {
    const session = createSession(toyProtocol({ url: 'http://127.0.0.1:1/not-a-socket' }), fast);
    const error = await firstValueFrom(session.stream('a')).catch((e: FeedError) => e);
    expect(error).toBeInstanceOf(FeedError);
    expect((error as FeedError).kind).toBe('config');
  });
});
