/**
 * Runs examples/imbalance-vwap/live.ts end to end: through the Kiwoom feed (WebSocket, codec,
 * session) against the loopback Kiwoom server, and against the embedded simulator.
 */
import { startKiwoomServer, KiwoomServer } from '../../src/testing';
import { book, trade } from '../../src/testing';
import { runLive } from '../../examples/imbalance-vwap/live';

describe('example: imbalance-vwap live', () => {
  let server: KiwoomServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('signals a buy from events a Kiwoom server sends', async () => {
    server = await startKiwoomServer({ pingIntervalMs: 0 });
    const lines: string[] = [];
    const run = runLive({ env: server.env, symbol: '005930', count: 1, durationMs: 10_000, log: (l) => lines.push(l) });
    await server.waitFor(() => ['0B|005930', '0D|005930'].every((k) => server!.registrations().includes(k)), 5_000);

    const at = Date.parse('2026-11-20T09:01:00+09:00');
    const s = { broker: 'kiwoom', symbol: '005930' };
    server.publish(
      book({
        ...s,
        timestamp: at,
        bids: [
          [69_900, 500],
          [69_800, 300],
        ],
        asks: [
          [70_000, 100],
          [70_100, 100],
        ],
      }),
    );
    for (const [i, price] of [70_000, 70_000, 69_800, 70_400].entries()) {
      server.publish(trade({ ...s, timestamp: at + 1000 * (i + 1), price, size: 10, side: 'buy' }));
    }

    const result = await run;
    expect(result.source).toBe('account');
    // (70000 + 70000 + 69800 + 70400) / 4 = 70050; (800 − 200) / 1000 = 0.6
    expect(result.signals).toEqual([{ side: 'buy', symbol: '005930', price: 70_400, vwap: 70_050, imbalance: 0.6 }]);
    expect(result.trades).toBe(4);
    expect(result.books).toBe(1);
    expect(lines).toContain('BUY 005930 @ 70400 (vwap 70050.00, imbalance 0.60)');
  });

  it('runs on the embedded simulator when no credentials are set, every signal obeying its rule', async () => {
    const lines: string[] = [];
    const result = await runLive({
      env: {},
      symbol: '005930',
      durationMs: 1_500,
      barMs: 500,
      strategy: { vwapTrades: 10, threshold: 0.1 },
      simulator: { tradesPerSecond: 100, stepMs: 20 },
      log: (l) => lines.push(l),
    });
    expect(result.source).toBe('simulator');
    expect(result.trades).toBeGreaterThan(0);
    expect(result.books).toBeGreaterThan(0);
    expect(lines.some((l) => l.startsWith('bar 005930 '))).toBe(true);
    for (const s of result.signals) {
      if (s.side === 'buy') {
        expect(s.price).toBeGreaterThan(s.vwap);
        expect(s.imbalance).toBeGreaterThanOrEqual(0.1);
      } else {
        expect(s.price).toBeLessThan(s.vwap);
        expect(s.imbalance).toBeLessThanOrEqual(-0.1);
      }
    }
  });
});
