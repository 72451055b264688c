/**
 * `rx-market stream kiwoom trades 005930 --backfill <duration|count>` as users run it (the built
 * CLI in a child process, pointed at the loopback server): the REST trades of the window first,
 * marked `source: 'rest'`, in order, then the live ones, none twice.
 */
import { CliRun, spawnCli } from '../support/cli';
import { KiwoomServer, startKiwoomServer } from '../../src/testing';
import { kstInstant } from '../../src/brokers/kiwoom/mapping';
import { startWeexServer } from '../../src/app/servers/weex/server';

jest.setTimeout(40_000);

let server: KiwoomServer;

beforeEach(async () => {
  server = await startKiwoomServer({ pingIntervalMs: 0 });
});

afterEach(async () => {
  await server.close();
});

const lines = (text: string): Record<string, unknown>[] =>
  text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

/** A trade `secondsAgo` seconds ago (whole seconds: KRX times are). */
function trade(price: number, secondsAgo: number) {
  const at = kstInstant(Math.floor(Date.now() / 1000) * 1000 - secondsAgo * 1000);
  return {
    kind: 'trade' as const,
    broker: 'kiwoom',
    symbol: '005930',
    price,
    size: 10,
    side: 'buy' as const,
    direction: 'up' as const,
    ...at,
    raw: {},
  };
}

/** Once the CLI streams live: trades after `waitMs`. */
async function liveAfter(waitMs: number, prices: readonly number[]): Promise<void> {
  await server.waitFor(() => server.registrations().includes('0B|005930'), 15_000);
  await new Promise((r) => setTimeout(r, waitMs));
  for (const p of prices) server.publish(trade(p, 0));
}

describe('rx-market stream ... trades --backfill', () => {
  it('--backfill 5m: the window by REST first, in order, then live; none twice', async () => {
    // Before the CLI starts: three trades in the last 5 minutes, one older.
    server.publish(trade(60000, 900));
    server.publish(trade(60100, 120));
    server.publish(trade(60200, 90));
    server.publish(trade(60300, 60));
    // The first two REST answers fail (503): the backfill retries while a live trade arrives, which
    // the retried answer then holds too: it must print once.
    server.rest.inject('serverError', 2);
    const run: CliRun = spawnCli(
      ['stream', 'kiwoom', 'trades', '005930', '--backfill', '5m', '--count', '5', '--timeout', '30'],
      server.env,
    );
    await liveAfter(0, [60400]);
    await liveAfter(1_500, [60500]);
    expect(await run.code).toBe(0);
    const out = lines(run.stdout());
    expect(out.map((t) => t.price)).toEqual([60100, 60200, 60300, 60400, 60500]);
    expect(out.slice(0, 3).map((t) => t.source)).toEqual(['rest', 'rest', 'rest']);
    expect(out[4].source).toBeUndefined();
    // The 503s are told on stderr, as retried connection errors; nothing else went wrong.
    expect(run.stderr()).toMatch(/\[error\] connection: kiwoom REST ka10084: HTTP 503/);
    expect(run.stderr()).not.toMatch(/\[error\] (?!connection)/);
  });

  it('--backfill 2: the latest two trades by REST, then live', async () => {
    server.publish(trade(61000, 30));
    server.publish(trade(61100, 20));
    server.publish(trade(61200, 10));
    const run = spawnCli(['stream', 'kiwoom', 'trades', '005930', '--backfill', '2', '--count', '3', '--timeout', '30'], server.env);
    await liveAfter(500, [61300]);
    expect(await run.code).toBe(0);
    const out = lines(run.stdout());
    expect(out.map((t) => [t.price, t.source ?? 'ws'])).toEqual([
      [61100, 'rest'],
      [61200, 'rest'],
      [61300, 'ws'],
    ]);
  });

  it('WEEX --backfill 2: the latest two by REST (ids as on the socket), then live; the subscription snapshot adds nothing', async () => {
    const weex = await startWeexServer({ pingIntervalMs: 60_000 });
    try {
      const t0 = Date.now() - 10_000;
      for (let i = 0; i < 5; i++) {
        weex.publish({
          kind: 'trade',
          broker: 'weex',
          symbol: 'BTCUSDT',
          price: 70000 + i,
          size: 0.5,
          side: 'buy',
          time: new Date(t0 + i * 1000).toISOString(),
          timestamp: t0 + i * 1000,
          raw: {},
        });
      }
      const run = spawnCli(['stream', 'weex', 'trades', 'BTCUSDT', '--backfill', '2', '--count', '3', '--timeout', '30'], weex.env);
      const started = Date.now();
      while (!weex.subscribedStreams('public').includes('BTCUSDT@trade') && Date.now() - started < 15_000)
        await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, 500));
      weex.publish({
        kind: 'trade',
        broker: 'weex',
        symbol: 'BTCUSDT',
        price: 70010,
        size: 0.5,
        side: 'sell',
        time: new Date().toISOString(),
        timestamp: Date.now(),
        raw: {},
      });
      expect(await run.code).toBe(0);
      const out = lines(run.stdout());
      expect(out.map((t) => [t.price, t.source ?? 'ws'])).toEqual([
        [70003, 'rest'],
        [70004, 'rest'],
        [70010, 'ws'],
      ]);
    } finally {
      await weex.close();
    }
  });

  it('--backfill on a stream other than trades is a usage error', async () => {
    const run = spawnCli(['stream', 'kiwoom', 'book', '005930', '--backfill', '5m'], server.env);
    expect(await run.code).toBe(2);
    expect(run.stderr()).toMatch(/--backfill applies to trades/);
  });

  it('--backfill with a bad value is a usage error', async () => {
    const run = spawnCli(['stream', 'kiwoom', 'trades', '005930', '--backfill', 'soon'], server.env);
    expect(await run.code).not.toBe(0);
    expect(run.stderr()).toMatch(/duration .* or a count/);
  });
});
