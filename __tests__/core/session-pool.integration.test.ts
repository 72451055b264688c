import { Subscription } from 'rxjs';
import { FeedError } from '../../src/core/errors';
import { createSessionPool } from '../../src/core/session-pool';
import { toyProtocol } from '../../src/testing/toy-protocol';
import { ToyServer, until } from '../support/toy-server';

/** Two credential sets against a real `ws` server: two logins, keys spread, each set's limit kept. */
describe('session pool (several credential sets)', () => {
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

  it('spreads keys over one login per credential set, within each set’s key limit', async () => {
    const pool = createSessionPool(
      [
        toyProtocol({ url: server.url, user: 'appKeyA', keysPerConnection: 2 }),
        toyProtocol({ url: server.url, user: 'appKeyB', keysPerConnection: 2 }),
      ],
      fast,
    );
    const got: Record<string, unknown[]> = {};
    const errors: FeedError[] = [];
    const take = (key: string): Subscription =>
      pool.stream(key).subscribe({ next: (v) => (got[key] = [...(got[key] ?? []), v]), error: (e: FeedError) => errors.push(e) });
    const a = take('a');
    subs.add(a);
    for (const k of ['b', 'c', 'd']) subs.add(take(k));

    await until(() => server.subscribedKeys().length === 4, 5000, 'four keys registered');
    expect(server.logins).toHaveLength(2);
    expect(server.keysByUser()).toEqual({ appKeyA: ['a', 'c'], appKeyB: ['b', 'd'] });
    for (const k of ['a', 'b', 'c', 'd']) server.push(k, `${k}1`);
    await until(() => Object.keys(got).length === 4, 5000, 'data on every key');
    expect(got).toEqual({ a: ['a1'], b: ['b1'], c: ['c1'], d: ['d1'] });

    // Both sets are full: the fifth key fails fast, nothing sent.
    subs.add(take('e'));
    expect(errors.map((e) => [e.kind, e.key])).toEqual([['limit', 'e']]);
    expect(errors[0].message).toMatch(/4 keys over 2 credential sets/);

    // A key let go frees room in its own set.
    a.unsubscribe();
    await until(() => !server.keysByUser().appKeyA?.includes('a'), 5000, 'a released');
    subs.add(take('e'));
    await until(() => server.keysByUser().appKeyA?.includes('e') === true, 5000, 'e registered with the first set');
    expect(server.keysByUser()).toEqual({ appKeyA: ['c', 'e'], appKeyB: ['b', 'd'] });
    expect(server.logins).toHaveLength(2);
    pool.close();
  });

  it('keeps the keys `home` names on the first set, which fail fast when it is full', async () => {
    const pool = createSessionPool(
      [
        toyProtocol({ url: server.url, user: 'appKeyA', keysPerConnection: 2 }),
        toyProtocol({ url: server.url, user: 'appKeyB', keysPerConnection: 2 }),
      ],
      fast,
      { home: (key) => key.startsWith('acct') },
    );
    const errors: FeedError[] = [];
    const take = (key: string): Subscription => pool.stream(key).subscribe({ error: (e: FeedError) => errors.push(e) });
    // 'x' takes the first set; 'acct1' would go to the emptier second set, but is home.
    for (const k of ['x', 'acct1', 'y']) subs.add(take(k));
    await until(() => server.subscribedKeys().length === 3, 5000, 'three keys registered');
    expect(server.keysByUser()).toEqual({ appKeyA: ['acct1', 'x'], appKeyB: ['y'] });
    // The first set is full: a home key fails although the second set has room.
    subs.add(take('acct2'));
    expect(errors.map((e) => [e.kind, e.key])).toEqual([['limit', 'acct2']]);
    expect(pool.first).not.toBe(pool);
    pool.close();
  });
});
