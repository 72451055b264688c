/**
 * Bad REST answers from the loopback Kiwoom server: an HTML error page, cut JSON, a 5xx, a
 * quota answer, no answer at all, paging that never ends. Each is a clear FeedError, retried
 * with backoff within the budget; nothing crashes, nothing loops.
 */
import { firstValueFrom, lastValueFrom } from 'rxjs';
import { startKiwoomServer, KiwoomServer } from '../../src/app/servers/kiwoom/server';
import { TokenCache, issueToken } from '../../src/brokers/kiwoom/auth';
import { KiwoomRest, kiwoomRest } from '../../src/brokers/kiwoom/rest';
import { createRestBudget, RestBudget } from '../../src/core/rest-budget';
import { FeedError } from '../../src/core/errors';

jest.setTimeout(20_000);

let server: KiwoomServer;
let rest: KiwoomRest;
let budget: RestBudget;
let errors: FeedError[];

beforeEach(async () => {
  server = await startKiwoomServer({ pingIntervalMs: 0 });
  budget = createRestBudget({ limit: 20, windowMs: 1_000, backoffMs: 300 });
  errors = [];
  const credentials = { appKey: server.env.KIWOOM_APPKEY, secretKey: server.env.KIWOOM_SECRETKEY };
  const tokens = new TokenCache(() => issueToken(server.restUrl, credentials, (u, i) => fetch(u, i)), Date.now);
  rest = kiwoomRest({
    restUrl: server.restUrl,
    tokens,
    budget,
    report: (e) => errors.push(e),
    timeoutMs: 400,
    backoff: { initialMs: 50, maxMs: 100 },
    maxPages: 5,
  });
  const now = Date.now();
  server.publish({
    kind: 'quote',
    broker: 'kiwoom',
    symbol: '005930',
    bestBid: 70000,
    bestAsk: 70100,
    time: new Date(now).toISOString(),
    timestamp: now,
    raw: {},
  });
});
afterEach(() => server.close());

const quote = () => firstValueFrom(rest.quotes(['005930']));

it.each([
  ['html', /HTTP 502 with an HTML page/, 'connection'],
  ['badJson', /not JSON/, 'decode'],
  ['serverError', /HTTP 503/, 'connection'],
  ['hang', /no answer within 400 ms/, 'timeout'],
  ['quota', /quota exceeded .*1700/, 'limit'],
] as const)('%s: a clear FeedError on errors$, then the retry answers', async (fault, message, kind) => {
  server.rest.inject(fault);
  const [q] = await quote();
  expect(q).toMatchObject({ symbol: '005930', bestBid: 70000, bestAsk: 70100, source: 'rest' });
  expect(errors).toHaveLength(1);
  expect(errors[0]).toBeInstanceOf(FeedError);
  expect(errors[0]).toMatchObject({ kind, broker: 'kiwoom', fatal: false });
  expect(errors[0].message).toMatch(message);
  expect(errors[0].message).toMatch(/retrying \(attempt 2 of 4\)/);
  if (fault === 'quota') {
    // The whole budget held: the retry was granted no sooner than the hold.
    const [first, second] = budget.grants.slice(-2).map((g) => g.at);
    expect(second - first).toBeGreaterThanOrEqual(290);
  }
});

it('a fault that does not go away: the call fails with the last FeedError after 4 attempts, no more', async () => {
  server.rest.inject('serverError', 10);
  const before = server.rest.requests.length;
  await expect(quote()).rejects.toMatchObject({ kind: 'connection', broker: 'kiwoom' });
  expect(server.rest.requests.length - before).toBe(4);
  expect(errors).toHaveLength(3);
});

it('paging that never ends: stopped after maxPages with a FeedError, never a loop', async () => {
  server.rest.inject('endlessPaging');
  const before = server.rest.requests.length;
  await expect(lastValueFrom(rest.account())).rejects.toMatchObject({
    kind: 'limit',
    message: expect.stringMatching(/paging did not end after 5 pages/),
  });
  expect(server.rest.requests.length - before).toBeLessThanOrEqual(5);
});

it('a refused token is issued again once; the keys stay out of every message', async () => {
  await quote();
  server.expireTokens();
  const [q] = await quote();
  expect(q.bestBid).toBe(70000);
  expect(errors.map((e) => e.kind)).toEqual(['auth']);
  for (const e of errors) expect(e.message).not.toContain(server.env.KIWOOM_SECRETKEY);
});
