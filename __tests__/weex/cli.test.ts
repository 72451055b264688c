/**
 * `rx-market stream weex ...` as users run it: the built CLI in its own process against the
 * loopback WEEX server. The test command builds dist/ first (`pretest`).
 */
import { killRunningClis, spawnCli } from '../support/cli';
import { startWeexServer, WeexServer } from '../../src/app/servers/weex/server';
import { Trade } from '../../src/model/market';
import { waitFor } from './support';

let server: WeexServer;
afterEach(async () => {
  killRunningClis();
  await server.close();
});

const trade = (price: number, side: 'buy' | 'sell'): Trade => ({
  kind: 'trade',
  broker: 'weex',
  symbol: 'BTCUSDT',
  time: '2026-04-02T09:10:40.002Z',
  timestamp: 1_775_121_040_002,
  price,
  size: 0.25,
  side,
  raw: undefined,
});

describe('rx-market stream weex (CLI)', () => {
  it('trades: prints 3 NDJSON lines and exits 0', async () => {
    server = await startWeexServer();
    const r = spawnCli(['stream', 'weex', 'trades', 'BTCUSDT', '--count', '3', '--timeout', '15'], server.env);
    await waitFor('the CLI to subscribe', () => server.subscribedStreams('public').includes('BTCUSDT@trade'), 10_000);
    server.publish(trade(65000.5, 'buy'));
    server.publish(trade(65000, 'sell'));
    server.publish(trade(64999.5, 'buy'));
    const { code, stdout, stderr } = await r.done;
    expect({ code, stderr: code === 0 ? '' : stderr }).toEqual({ code: 0, stderr: '' });
    const lines = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.kind, l.broker, l.symbol, l.price, l.size, l.side])).toEqual([
      ['trade', 'weex', 'BTCUSDT', 65000.5, 0.25, 'buy'],
      ['trade', 'weex', 'BTCUSDT', 65000, 0.25, 'sell'],
      ['trade', 'weex', 'BTCUSDT', 64999.5, 0.25, 'buy'],
    ]);
    expect(lines[0].time).toBe('2026-04-02T09:10:40.002Z');
    expect(lines[0].raw).toBeUndefined();
  }, 20_000);

  it('book: prints only synced books, as OrderBook lines', async () => {
    server = await startWeexServer();
    server.setBook('BTCUSDT', { bids: [{ price: 990, size: 1 }], asks: [{ price: 1001, size: 2 }] });
    const r = spawnCli(['stream', 'weex', 'book', 'BTCUSDT', '--depth', '15', '--count', '2', '--timeout', '15'], server.env);
    await waitFor('the CLI to subscribe', () => server.subscribedStreams('public').includes('BTCUSDT@depth15'), 10_000);
    server.changeBook('BTCUSDT', { bids: [{ price: 991, size: 3 }] });
    const { code, stdout } = await r.done;
    expect(code).toBe(0);
    const lines = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.kind, l.symbol, l.bids, l.asks])).toEqual([
      ['book', 'BTCUSDT', [{ price: 990, size: 1 }], [{ price: 1001, size: 2 }]],
      [
        'book',
        'BTCUSDT',
        [
          { price: 991, size: 3 },
          { price: 990, size: 1 },
        ],
        [{ price: 1001, size: 2 }],
      ],
    ]);
  }, 20_000);

  it('book --depth 5: the 15-level stream, trimmed to 5 levels a side', async () => {
    server = await startWeexServer();
    server.setBook('BTCUSDT', {
      bids: Array.from({ length: 8 }, (_, i) => ({ price: 990 - i, size: 1 + i })),
      asks: Array.from({ length: 8 }, (_, i) => ({ price: 1001 + i, size: 1 + i })),
    });
    const r = spawnCli(['stream', 'weex', 'book', 'BTCUSDT', '--depth', '5', '--count', '1', '--timeout', '15'], server.env);
    const { code, stdout } = await r.done;
    expect(code).toBe(0);
    const [line] = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect([line.bids.length, line.asks.length, line.bids[4].price, line.asks[4].price]).toEqual([5, 5, 986, 1005]);
    expect(server.received.some((f) => f.frame.includes('BTCUSDT@depth15'))).toBe(true);
  }, 20_000);

  it('orders with a wrong secret: exits non-zero at once with a one-line auth error', async () => {
    server = await startWeexServer();
    const r = spawnCli(['stream', 'weex', 'orders', '--count', '1', '--timeout', '15'], {
      ...server.env,
      WEEX_SECRET_KEY: 'not-the-secret',
    });
    const { code, stdout, stderr } = await r.done;
    expect(code).not.toBe(0);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/401/);
    expect(stderr).not.toContain('not-the-secret');
    expect(server.upgrades.filter((u) => u.path === '/v3/ws/private')).toHaveLength(1);
  }, 20_000);
});
