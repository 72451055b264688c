/**
 * `rx-market stream kiwoom ...` as users run it: the built CLI in a child process, pointed at the
 * loopback server through KIWOOM_* variables. (The test command builds dist/ first.)
 */
import { CliRun, spawnCli } from '../support/cli';
import { KiwoomServer, startKiwoomServer } from '../../src/testing';
import { kstInstant } from '../../src/brokers/kiwoom/mapping';

let server: KiwoomServer;

beforeEach(async () => {
  server = await startKiwoomServer({ pingIntervalMs: 0 });
});

afterEach(async () => {
  await server.close();
});

function cli(args: readonly string[], env: Readonly<Record<string, string>> = server.env): CliRun {
  return spawnCli(args, env);
}

function todayAt(hms: string): string {
  const d = kstInstant(Date.now()).time.slice(0, 10);
  return `${d}T${hms}+09:00`;
}

const lines = (text: string): Record<string, unknown>[] =>
  text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('rx-market stream kiwoom', () => {
  it('trades 005930 --count 3 prints 3 NDJSON trades and exits 0', async () => {
    const run = cli(['stream', 'kiwoom', 'trades', '005930', '--count', '3', '--timeout', '20']);
    await server.waitFor(() => server.registrations().includes('0B|005930'), 15_000);
    const at = kstInstant(Date.parse('2026-11-20T09:01:01+09:00'));
    for (const price of [60700, 60800, 60600, 60500]) {
      server.publish({
        kind: 'trade',
        broker: 'kiwoom',
        symbol: '005930',
        price,
        size: 500,
        side: 'buy',
        direction: 'down',
        ...at,
        raw: {},
      });
    }
    expect(await run.code).toBe(0);
    const out = lines(run.stdout());
    expect(out).toHaveLength(3);
    expect(out[0]).toEqual({
      kind: 'trade',
      broker: 'kiwoom',
      symbol: '005930',
      exchange: 'KRX',
      price: 60700,
      size: 500,
      side: 'buy',
      direction: 'down',
      // The day's figures from the server's tape: previous close inferred one tick above (60,800);
      // turnover sent in million KRW (30.35 M → 30).
      change: -100,
      changePercent: -0.16,
      cumulativeVolume: 500,
      cumulativeTurnover: 30_000_000,
      // The wire carries HHMMSS only: the CLI dates it on today's KST date.
      time: todayAt('09:01:01'),
      timestamp: Date.parse(todayAt('09:01:01')),
    });
    expect(out.map((l) => l.price)).toEqual([60700, 60800, 60600]);
    expect(run.stderr()).toMatch(/\[status\] open/);
  });

  it('raw --type 0J prints the named fields of the sample index frame', async () => {
    const run = cli(['stream', 'kiwoom', 'raw', '001', '--type', '0J', '--count', '1', '--timeout', '20']);
    await server.waitFor(() => server.registrations().includes('0J|001'), 15_000);
    server.broadcastRaw(server.sampleFrame('0J'));
    expect(await run.code).toBe(0);
    const [line] = lines(run.stdout());
    expect(line).toMatchObject({
      kind: 'raw',
      broker: 'kiwoom',
      type: '0J',
      symbol: '001',
      value: 1762.61,
      direction: 'down',
      change: -189.51,
    });
  });

  it('orders prints order events of the account', async () => {
    const run = cli(['stream', 'kiwoom', 'orders', '--count', '1', '--timeout', '20']);
    await server.waitFor(() => server.registrations().includes('00|'), 15_000);
    server.broadcastRaw(server.sampleFrame('00'));
    expect(await run.code).toBe(0);
    expect(lines(run.stdout())[0]).toMatchObject({
      kind: 'order',
      broker: 'kiwoom',
      symbol: '005930',
      orderId: '0000018',
      side: 'buy',
      status: 'accepted',
    });
  });

  it('book prints levels best first as {price, size} with JSON numbers', async () => {
    const run = cli(['stream', 'kiwoom', 'book', '005930', '--count', '1', '--timeout', '20']);
    await server.waitFor(() => server.registrations().includes('0D|005930'), 15_000);
    const at = kstInstant(Date.parse('2026-11-20T09:01:01+09:00'));
    server.publish({
      kind: 'book',
      broker: 'kiwoom',
      symbol: '005930',
      asks: [
        { price: 60800, size: 120 },
        { price: 60900, size: 80 },
      ],
      bids: [
        { price: 60700, size: 200 },
        { price: 60600, size: 50 },
      ],
      ...at,
      raw: {},
    });
    expect(await run.code).toBe(0);
    const [line] = lines(run.stdout());
    expect(line).toMatchObject({
      kind: 'book',
      broker: 'kiwoom',
      symbol: '005930',
      asks: [
        { price: 60800, size: 120 },
        { price: 60900, size: 80 },
      ],
      bids: [
        { price: 60700, size: 200 },
        { price: 60600, size: 50 },
      ],
      time: todayAt('09:01:01'),
    });
    expect(line.raw).toBeUndefined();
  });

  it('positions prints positions with JSON numbers', async () => {
    const run = cli(['stream', 'kiwoom', 'positions', '--count', '1', '--timeout', '20']);
    await server.waitFor(() => server.registrations().includes('04|'), 15_000);
    server.broadcastRaw(server.sampleFrame('04'));
    expect(await run.code).toBe(0);
    const [line] = lines(run.stdout());
    // The official 04 sample: 102 shares at 154116 average (FIDs 930/931).
    expect(line).toMatchObject({ kind: 'position', broker: 'kiwoom', symbol: '005930', qty: 102, avgPrice: 154116 });
    expect(typeof line.qty).toBe('number');
  });

  it('keeps going across bad frames and a reconnect whose LOGIN needs a new token (8005)', async () => {
    const run = cli(['stream', 'kiwoom', 'trades', '005930', '--count', '2', '--timeout', '20']);
    await server.waitFor(() => server.registrations().includes('0B|005930'), 15_000);
    const at = kstInstant(Date.parse('2026-11-20T09:01:01+09:00'));
    const trade = (price: number) =>
      server.publish({ kind: 'trade', broker: 'kiwoom', symbol: '005930', price, size: 1, side: 'sell', ...at, raw: {} });
    trade(60700);
    server.broadcastRaw('this is not json');
    server.broadcastRaw(JSON.stringify({ trnm: 'REAL', data: [{ type: '0B', item: '005930', values: { '15': '+1' } }] }));
    // Both bad frames reported (so they were read) before the connection goes.
    await server.waitFor(() => (run.stderr().match(/\[error\] decode/g) ?? []).length === 2 && lines(run.stdout()).length === 1, 15_000);
    server.expireTokens();
    server.dropConnections();
    // Second LOGIN (cached token) refused with 8005, third with a new token accepted.
    await server.waitFor(() => server.counters.logins === 3 && server.registrations().includes('0B|005930'), 15_000);
    trade(60800);
    expect(await run.code).toBe(0);
    expect(lines(run.stdout()).map((l) => [l.kind, l.price, l.side])).toEqual([
      ['trade', 60700, 'sell'],
      ['trade', 60800, 'sell'],
    ]);
    expect(server.counters).toMatchObject({ tokensIssued: 2, loginsRejected: 1 });
    expect(run.stderr()).toMatch(/\[status\] reconnecting/);
    expect(run.stderr()).toMatch(/8005/);
    expect(run.stderr()).not.toMatch(/^rx-market:/m);
  });

  it('rejected keys: non-zero exit, a one-line error, nothing on stdout, no connection', async () => {
    const run = cli(['stream', 'kiwoom', 'trades', '005930', '--count', '3', '--timeout', '20'], {
      ...server.env,
      KIWOOM_SECRETKEY: 'not-the-secret',
    });
    const code = await run.code;
    expect(code).not.toBe(0);
    expect(code).not.toBe(3); // not the timeout: the fatal error
    expect(run.stdout()).toBe('');
    const errorLines = run
      .stderr()
      .split('\n')
      .filter((l) => l.startsWith('rx-market:'));
    expect(errorLines).toHaveLength(1);
    expect(errorLines[0]).toMatch(/token request refused/);
    expect(run.stderr()).not.toMatch(/not-the-secret/);
    expect(server.counters).toMatchObject({ tokenRequests: 1, connections: 0 });
  });

  it('exits non-zero when the timeout passes first', async () => {
    const run = cli(['stream', 'kiwoom', 'trades', '005930', '--count', '3', '--timeout', '0.5']);
    const code = await run.code;
    expect(code).not.toBe(0);
    expect(run.stdout()).toBe('');
    expect(run.stderr()).toMatch(/timed out/);
  });
  it('vi 005930 and etf-nav 069500 print the KRX events as NDJSON', async () => {
    // One at a time: a second session with the same app key would end the first (R10001).
    const vi = cli(['stream', 'kiwoom', 'vi', '005930', '--count', '1', '--timeout', '20']);
    await server.waitFor(() => server.registrations().includes('1h|'), 15_000);
    server.broadcastRaw(server.sampleFrame('1h'));
    expect(await vi.code).toBe(0);
    expect(lines(vi.stdout())).toEqual([
      expect.objectContaining({
        kind: 'volatilityInterruption',
        broker: 'kiwoom',
        symbol: '005930',
        active: true,
        viType: 'static',
        triggerPrice: 4125,
      }),
    ]);
    const nav = cli(['stream', 'kiwoom', 'etf-nav', '069500', '--count', '1', '--timeout', '20']);
    await server.waitFor(() => server.registrations().includes('0G|069500'), 15_000);
    server.broadcastRaw(server.sampleFrame('0G'));
    expect(await nav.code).toBe(0);
    expect(lines(nav.stdout())).toEqual([
      expect.objectContaining({ kind: 'etfNav', broker: 'kiwoom', symbol: '069500', nav: 7488.27, premiumPercent: -0.04 }),
    ]);
  });

  it('--help lists every Kiwoom stream', async () => {
    const names = ['etf-nav', 'expected', 'elw-greeks', 'elw-indicators', 'program', 'vi', 'index', 'status', 'raw'];
    for (const args of [['--help'], ['stream', '--help']]) {
      const { stdout } = await cli(args).done;
      const line = stdout.split('\n').find((l) => /^\s+kiwoom\s/.test(l)) ?? '';
      expect(
        line
          .split(/[\s,*]+/)
          .filter(Boolean)
          .slice(1),
      ).toEqual(['trades', 'book', 'quotes', 'orders', 'positions', ...names.slice(0, 6), 'index', 'status', 'raw']);
    }
  });
  it('etf-nav 069500 prints NAVs from `rx-market sim` (the simulated market, not raw frames)', async () => {
    const sim = spawnCli(['sim', '--broker', 'kiwoom', '--duration', '30'], {});
    try {
      await new Promise<void>((resolve, reject) => {
        const end = Date.now() + 20_000;
        const check = (): void => {
          if (/KIWOOM_WS_URL=/.test(sim.stdout())) resolve();
          else if (Date.now() > end) reject(new Error(`sim printed no environment: ${sim.stderr()}`));
          else setTimeout(check, 50);
        };
        check();
      });
      const env = Object.fromEntries(
        sim
          .stdout()
          .split('\n')
          .map((l) => /^export (\w+)=(.*)$/.exec(l))
          .filter((m): m is RegExpExecArray => m !== null)
          .map((m) => [m[1], m[2].replace(/^'(.*)'$/, '$1')]),
      );
      const run = await cli(['stream', 'kiwoom', 'etf-nav', '069500', '--count', '2', '--timeout', '20'], env).done;
      expect(run.code).toBe(0);
      const navs = lines(run.stdout);
      expect(navs).toHaveLength(2);
      for (const n of navs) {
        expect(n).toMatchObject({ kind: 'etfNav', broker: 'kiwoom', symbol: '069500' });
        expect(Math.abs((n.lastPrice as number) / (n.nav as number) - 1)).toBeLessThan(0.005);
      }
    } finally {
      sim.child.kill('SIGINT');
      await sim.code;
    }
  });
});
