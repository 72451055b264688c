/**
 * The gateway as users run it (`rx-market gateway`, its own process) with consumer processes
 * (natsFeed from the built package), a real nats-server with the README's permission config, and
 * the loopback Kiwoom server: shared sessions, killed consumers, restarts, failover.
 */
import { startKiwoomServer, KiwoomServer } from '../../src/app/servers/kiwoom/server';
import { NatsServer, startNatsServer } from './support/nats-server';
import { fill, gatewayConnection, regCount, trade, until } from './support/helpers';
import { Proc, killProcesses, startConsumer, startGatewayCli } from './support/processes';

jest.setTimeout(60_000);

let nats: NatsServer;
let server: KiwoomServer;

beforeEach(async () => {
  nats = await startNatsServer();
  server = await startKiwoomServer({ pingIntervalMs: 0 });
});
afterEach(async () => {
  killProcesses();
  await server.close();
  await nats.stop();
});

const count = (p: Proc, type: string, extra: (l: Record<string, unknown>) => boolean = () => true): number =>
  p.lines().filter((l) => l.type === type && extra(l)).length;

const leaderLine = (p: Proc): boolean => /is the leader/.test(p.stderr());

it("two consumer processes share one broker session; killed consumers' keys are released after their lease", async () => {
  const gw = startGatewayCli(nats, server.env);
  await until(() => leaderLine(gw), 'the gateway to lead');
  // Both consumers' leases seen on NATS: each goes out after its subscription, so both get every print.
  const watcher = await gatewayConnection(nats);
  const wanting = new Set<string>();
  watcher.subscribe('rxm.kiwoom.interest.*', {
    callback: (_e, m) => {
      if ((JSON.parse(new TextDecoder().decode(m.data)) as { keys?: string[] }).keys?.includes('trade.005930')) wanting.add(m.subject);
    },
  });
  await watcher.flush();
  const a = startConsumer(nats, { trades: ['005930'] });
  const b = startConsumer(nats, { trades: ['005930'] });
  await until(() => wanting.size === 2, "both consumers' leases", 30_000);
  await watcher.close();
  await until(() => server.registrations().includes('0B|005930'), 'the key');
  for (let i = 0; i < 5; i++) server.publish(trade('005930', 70_000 + i * 100, 1 + i));
  await until(() => count(a, 'trade') === 5 && count(b, 'trade') === 5, 'five trades in each consumer');
  expect(
    a
      .lines()
      .filter((l) => l.type === 'trade')
      .map((l) => l.price),
  ).toEqual([70_000, 70_100, 70_200, 70_300, 70_400]);
  expect(server.counters.logins).toBe(1);
  expect(regCount(server, '005930', '0B')).toBe(1);

  await a.kill('SIGKILL');
  server.publish(trade('005930', 71_000, 1));
  await until(() => count(b, 'trade') === 6, 'b goes on');
  expect(server.registrations()).toContain('0B|005930');
  const killedAt = Date.now();
  await b.kill('SIGKILL');
  // No goodbye from either: the key goes once the last lease (1.5 s) lapsed and the linger (0.3 s) passed.
  await until(() => !server.registrations().includes('0B|005930'), 'the key to be released', 15_000);
  expect(Date.now() - killedAt).toBeGreaterThanOrEqual(1_000);
  expect(server.counters.logins).toBe(1);
});

it('a restarted consumer misses no fill (durable account stream)', async () => {
  const gw = startGatewayCli(nats, server.env);
  await until(() => leaderLine(gw) && server.registrations().includes('00|'), 'the gateway to hold the account stream');
  const first = startConsumer(nats, { orders: true, durable: 'strat1' });
  await until(() => count(first, 'ready') === 1, 'the consumer');
  await new Promise((r) => setTimeout(r, 500));
  for (const n of [1, 2, 3]) server.publish(fill(n));
  await until(() => count(first, 'order') === 3, 'three fills');
  await first.kill('SIGKILL');
  for (const n of [4, 5, 6]) server.publish(fill(n));
  const again = startConsumer(nats, { orders: true, durable: 'strat1' });
  await until(
    () =>
      new Set(
        again
          .lines()
          .filter((l) => l.type === 'order')
          .map((l) => l.orderId),
      ).size >= 3,
    'the fills made while it was down',
  );
  const seen = new Set([...first.lines(), ...again.lines()].filter((l) => l.type === 'order').map((l) => l.orderId));
  expect([...seen].sort()).toEqual(['ord1', 'ord2', 'ord3', 'ord4', 'ord5', 'ord6']);
  // What the first run acknowledged is not delivered again.
  expect(
    again
      .lines()
      .filter((l) => l.type === 'order')
      .map((l) => l.orderId),
  ).toEqual(['ord4', 'ord5', 'ord6']);
});

it('leader failover: the standby takes over within the bound and consumers see a gap notice, not an end', async () => {
  const gwA = startGatewayCli(nats, server.env, ['--id', 'gwA']);
  await until(() => leaderLine(gwA), 'gwA to lead');
  const gwB = startGatewayCli(nats, server.env, ['--id', 'gwB']);
  await until(() => /gwB stands by/.test(gwB.stderr()), 'gwB to stand by');
  const c = startConsumer(nats, { trades: ['005930'], books: ['000660'] });
  await until(() => server.registrations().includes('0B|005930') && server.registrations().includes('0D|000660'), 'the keys');
  await new Promise((r) => setTimeout(r, 300));
  server.publish(trade('005930', 70_000, 1));
  await until(() => count(c, 'trade') === 1, 'a trade through gwA');

  const killedAt = Date.now();
  await gwA.kill('SIGKILL');
  await until(() => leaderLine(gwB), 'gwB to take over', 10_000);
  const tookMs = Date.now() - killedAt;
  // lockMs 1.5 s + one look (0.5 s) + scheduling slack on a loaded machine.
  expect(tookMs).toBeLessThan(6_000);
  await until(() => count(c, 'gap', (l) => l.reason === 'failover') >= 2, 'the gap notices');
  // One per live key of the consumer.
  expect(
    new Set(
      c
        .lines()
        .filter((l) => l.type === 'gap' && l.reason === 'failover')
        .map((l) => l.key),
    ),
  ).toEqual(new Set(['trade.005930', 'book.000660']));
  // gwB registered every key with interest on its own session.
  await until(() => server.counters.logins === 2 && server.loggedIn() >= 1, 'gwB to log in');
  await until(() => regCount(server, '005930', '0B') === 2 && regCount(server, '000660', '0D') === 2, 'the keys registered again');
  server.publish(trade('005930', 70_100, 2));
  await until(() => count(c, 'trade') >= 2, 'trades through gwB');
  expect(c.lines().filter((l) => l.type === 'error' || l.type === 'complete')).toEqual([]);
});

it('nats-server restarted mid-stream: gateway and consumers recover, account events complete', async () => {
  const gw = startGatewayCli(nats, server.env);
  await until(() => leaderLine(gw) && server.registrations().includes('00|'), 'the gateway');
  const c = startConsumer(nats, { trades: ['005930'], orders: true, durable: 'restart1' });
  await until(() => server.registrations().includes('0B|005930'), 'the trade key');
  await new Promise((r) => setTimeout(r, 500));
  for (const n of [1, 2, 3]) server.publish(fill(n));
  server.publish(trade('005930', 70_000, 1));
  await until(() => count(c, 'order') === 3 && count(c, 'trade') === 1, 'fills and a trade before the restart');

  await nats.restart({ hard: true, downMs: 500 });
  // Fills made while NATS was down wait in the gateway.
  for (const n of [4, 5, 6]) server.publish(fill(n));
  await until(
    () =>
      new Set(
        c
          .lines()
          .filter((l) => l.type === 'order')
          .map((l) => l.orderId),
      ).size === 6,
    'every fill',
    20_000,
  );
  await until(() => count(c, 'gap', (l) => l.reason === 'reconnect') >= 1, 'a gap notice for the outage');
  // Market data flows again once the consumer's lease reached the gateway.
  await until(
    () => {
      server.publish(trade('005930', 70_500, 1));
      return count(c, 'trade') >= 2;
    },
    'trades after the restart',
    15_000,
  );
  expect(server.counters.logins).toBe(1);
  expect(c.lines().filter((l) => l.type === 'error' || l.type === 'complete')).toEqual([]);
});

it('rx-market demo --nats runs the dashboard through the gateway, with no broker secret', async () => {
  const gw = startGatewayCli(nats, server.env);
  await until(() => leaderLine(gw), 'the gateway to lead');
  const { spawnCli } = await import('../support/cli');
  const demo = spawnCli(['demo', '--nats', nats.url, '--broker', 'kiwoom', '--symbols', '005930', '--duration', '4', '--every', '1'], {
    RXM_NATS_USER: nats.consumer.user,
    RXM_NATS_PASSWORD: nats.consumer.pass,
  });
  const pump = setInterval(() => server.publish(trade('005930', 70_000, 1)), 100);
  try {
    const { code, stdout } = await demo.done;
    expect(code).toBe(0);
    const last = stdout.trim().split('\n').at(-1) ?? '';
    expect(last).toMatch(/kiwoom gateway · feed open/);
    expect(Number(/trades (\d+)/.exec(last)?.[1] ?? 0)).toBeGreaterThan(0);
  } finally {
    clearInterval(pump);
  }
});
