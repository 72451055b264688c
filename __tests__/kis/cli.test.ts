/**
 * `rx-market stream kis ...` as users run it: a real process (built CLI) against the loopback
 * KIS server. The test command builds dist/ first (`pretest`).
 */
import { CliRun, killRunningClis, spawnCli } from '../support/cli';
import { KisServer } from '../../src/app/servers/kis/server';
import { Trade } from '../../src/model';
import { registered } from './support';

const trade = (price: number, second: number): Trade => ({
  kind: 'trade',
  broker: 'sim',
  symbol: '005930',
  price,
  size: 10,
  side: 'buy',
  exchange: 'KRX',
  time: `2026-03-05T09:00:0${second}+09:00`,
  timestamp: Date.parse(`2026-03-05T09:00:0${second}+09:00`),
  raw: undefined,
});

describe('rx-market stream kis (CLI)', () => {
  let server: KisServer;
  beforeEach(async () => {
    server = await KisServer.start();
  });
  afterEach(async () => {
    killRunningClis();
    await server.close();
  });
  const start = (args: string[], env: Record<string, string> = server.env as Record<string, string>): CliRun => spawnCli(args, env);

  it('prints 3 NDJSON trade lines and exits 0', async () => {
    const r = start(['stream', 'kis', 'trades', '005930', '--count', '3', '--timeout', '15']);
    await server.waitFor(registered('H0UNCNT0|005930'), 10_000); // integrated is the default
    [71900, 72000, 72100].forEach((p, i) => server.publish(trade(p, i)));
    const { code, stdout, stderr } = await r.done;
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(3);
    const events = lines.map((l) => JSON.parse(l));
    expect(events.map((e) => e.price)).toEqual([71900, 72000, 72100]);
    expect(events[0]).toMatchObject({
      kind: 'trade',
      broker: 'kis',
      symbol: '005930',
      size: 10,
      side: 'buy',
      time: '2026-03-05T09:00:00+09:00',
    });
    expect(events[0].raw).toBeUndefined();
    expect(stderr).toMatch(/\[status\] open/);
    expect(stderr).not.toContain(server.appSecret);
  });

  it('takes --exchange and streams books', async () => {
    const r = start(['stream', 'kis', 'book', '005930', '--exchange', 'krx', '--depth', '1', '--count', '1', '--timeout', '15']);
    await server.waitFor(registered('H0STASP0|005930'), 10_000);
    server.publish({
      kind: 'book',
      broker: 'sim',
      symbol: '005930',
      asks: [
        { price: 72000, size: 1 },
        { price: 72100, size: 2 },
      ],
      bids: [{ price: 71900, size: 3 }],
      exchange: 'KRX',
      time: '2026-03-05T09:00:00+09:00',
      timestamp: Date.parse('2026-03-05T09:00:00+09:00'),
      raw: undefined,
    });
    const { code, stdout } = await r.done;
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({
      kind: 'book',
      asks: [{ price: 72000, size: 1 }],
      bids: [{ price: 71900, size: 3 }],
      exchange: 'KRX',
    });
  });

  it('streams decrypted order notices', async () => {
    const r = start(['stream', 'kis', 'orders', '--count', '1', '--timeout', '15']);
    await server.waitFor(registered(`H0STCNI0|${server.htsId}`), 10_000);
    server.publish({
      kind: 'order',
      broker: 'sim',
      symbol: '005930',
      orderId: '0000012345',
      side: 'sell',
      status: 'accepted',
      orderQty: 3,
      orderPrice: 72000,
      filledQty: 0,
      unfilledQty: 3,
      time: '2026-03-05T09:00:00+09:00',
      timestamp: Date.parse('2026-03-05T09:00:00+09:00'),
      raw: undefined,
    });
    const { code, stdout } = await r.done;
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({
      kind: 'order',
      broker: 'kis',
      orderId: '0000012345',
      side: 'sell',
      status: 'accepted',
      orderQty: 3,
      orderPrice: 72000,
    });
  });

  it('keeps going across bad frames and a reconnect that needs a new approval key (OPSP0011)', async () => {
    const r = start(['stream', 'kis', 'trades', '005930', '--count', '2', '--timeout', '20']);
    await server.waitFor(registered('H0UNCNT0|005930'), 10_000);
    server.publish(trade(71900, 0));
    server.broadcastRaw('0|H0UNCNT0|002|005930^093354');
    server.broadcastRaw('{"header":');
    // Both bad frames reported (so they were read) before the connection goes.
    await server.waitFor(() => (r.stderr().match(/\[error\] decode/g) ?? []).length === 2, 10_000);
    server.invalidateApprovalKeys();
    server.dropConnections();
    await server.waitFor((s) => s.counters.approvals === 2 && s.registrations().some((k) => k.includes('H0UNCNT0|005930')), 10_000);
    server.publish(trade(72000, 1));
    const { code, stdout, stderr } = await r.done;
    expect(code).toBe(0);
    expect(
      stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).price),
    ).toEqual([71900, 72000]);
    expect(server.counters.invalidApproval).toBeGreaterThanOrEqual(1);
    expect(stderr).toMatch(/\[status\] reconnecting/);
    expect(stderr).toMatch(/OPSP0011/);
    expect(stderr).not.toMatch(/^rx-market:/m);
  });

  it('exits non-zero when the timeout passes first', async () => {
    const { code, stdout, stderr } = await start(['stream', 'kis', 'trades', '005930', '--count', '1', '--timeout', '0.5']).done;
    expect(code).not.toBe(0);
    expect(code).not.toBe(1); // the timeout, not a fatal error
    expect(stdout).toBe('');
    expect(stderr).toMatch(/timed out/);
  });

  it('exits 1 with a one-line error when the app secret is refused', async () => {
    const { code, stdout, stderr } = await start(['stream', 'kis', 'trades', '005930', '--count', '3', '--timeout', '15'], {
      ...(server.env as Record<string, string>),
      KIS_APPSECRET: 'wrong-secret',
    }).done;
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/rx-market: .*refused the app key\/secret/);
    expect(stderr).not.toContain('wrong-secret');
    expect(server.counters.connections).toBe(0);
  });

  it('exits 1 when another session holds the app key (OPSP8996)', async () => {
    const holder = start(['stream', 'kis', 'trades', '000660', '--timeout', '15']);
    await server.waitFor(registered('H0UNCNT0|000660'), 10_000);
    const { code, stderr } = await start(['stream', 'kis', 'trades', '005930', '--count', '1', '--timeout', '15']).done;
    expect(code).toBe(1);
    expect(stderr).toMatch(/already in use by another session/);
    holder.child.kill();
  });

  it('exits 2 (usage) on an unknown --exchange, before connecting', async () => {
    const { code, stderr } = await start(['stream', 'kis', 'trades', '005930', '--exchange', 'NYSE', '--timeout', '15']).done;
    expect(code).toBe(2);
    expect(stderr).toMatch(/--exchange must be KRX, NXT or UN/);
    expect(server.counters.approvals).toBe(0);
  });
});
