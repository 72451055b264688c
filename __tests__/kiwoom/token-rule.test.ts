import { TokenCache } from '../../src/brokers/kiwoom/auth';
import { ApprovalCache } from '../../src/brokers/kis/auth';
import { FeedError } from '../../src/core/errors';

/** A token refused at LOGIN right after issue may have been revoked: one re-issue, no more. */
describe('token rule: re-issue once after a fresh refusal', () => {
  const issuer = (tokens: string[]) => {
    let n = 0;
    return () => Promise.resolve({ token: tokens[Math.min(n++, tokens.length - 1)] as string, expiresAt: Date.now() + 3_600_000 });
  };

  it('kiwoom: a fresh token refused once is re-issued; refused again is fatal', async () => {
    const cache = new TokenCache(issuer(['t1', 't2', 't3']), Date.now);
    const first = await cache.get();
    expect(first).toEqual({ token: 't1', fresh: true });
    expect(cache.freshTokenRefused('t1')).toBe(true);
    expect(await cache.get()).toEqual({ token: 't2', fresh: true });
    expect(cache.freshTokenRefused('t2')).toBe(false);
  });

  it('kiwoom: a successful login starts the rule afresh', async () => {
    const cache = new TokenCache(issuer(['t1', 't2', 't3']), Date.now);
    await cache.get();
    expect(cache.freshTokenRefused('t1')).toBe(true);
    await cache.get();
    cache.loggedIn();
    expect(cache.freshTokenRefused('t2')).toBe(true);
  });

  it('kiwoom: the same token coming back after a refusal is fatal', async () => {
    const cache = new TokenCache(issuer(['same']), Date.now);
    await cache.get();
    expect(cache.freshTokenRefused('same')).toBe(true);
    await expect(Promise.resolve(cache.get())).rejects.toMatchObject({ kind: 'auth', fatal: true });
  });

  it('kis: the same approval key coming back after OPSP0011 is fatal', async () => {
    const cache = new ApprovalCache({ now: Date.now, issue: () => Promise.resolve('key-1') });
    expect(await cache.get()).toBe('key-1');
    const refused = new FeedError({ kind: 'auth', code: 'OPSP0011', message: 'invalid approval' });
    await expect(Promise.resolve(cache.get(refused))).rejects.toMatchObject({ kind: 'auth', fatal: true, code: 'OPSP0011' });
  });

  it('kis: a different key after OPSP0011 is used; refused again is fatal', async () => {
    let n = 0;
    const cache = new ApprovalCache({ now: Date.now, issue: () => Promise.resolve(`key-${++n}`) });
    expect(await cache.get()).toBe('key-1');
    const refused = new FeedError({ kind: 'auth', code: 'OPSP0011', message: 'invalid approval' });
    expect(await cache.get(refused)).toBe('key-2');
    expect(() => cache.get(refused)).toThrow(FeedError);
  });
});
