/**
 * One strategy, unchanged, on every registered broker: examples/imbalance-vwap/on-feed.ts is typed
 * on `MarketFeed` only; here it runs against each broker's loopback server through that broker's
 * real feed (WebSocket, login, codec, mapping) and must give the same signal from the same market.
 */
import { first, firstValueFrom, take, timeout, toArray } from 'rxjs';
import { brokers } from '../../src/app/brokers';
import { BrokerServer } from '../../src/app/broker-module';
import { MarketFeed } from '../../src/feed/market-feed';
import { book, trade } from '../../src/testing';
import { imbalanceVwapOn } from '../../examples/imbalance-vwap/on-feed';

const symbols: Readonly<Record<string, string>> = { kiwoom: '005930', kis: '005930', weex: 'BTCUSDT' };

let server: BrokerServer | undefined;
let feed: MarketFeed | undefined;

afterEach(async () => {
  feed?.close();
  await server?.close();
  server = feed = undefined;
});

it('every broker in the registry is covered here', () => {
  expect(brokers.map((b) => b.name).sort()).toEqual(Object.keys(symbols).sort());
});

describe.each(brokers.map((b) => [b.name, b] as const))('imbalance-vwap on %s', (name, broker) => {
  it('signals a buy from the trades and book the server sends', async () => {
    const symbol = symbols[name];
    server = await broker.startServer({ port: 0 });
    const f: MarketFeed = broker.feedFromEnv(server.env, { connectionLingerMs: 0, keyLingerMs: 0 });
    feed = f;
    // Two levels a side: the WEEX server fills its book out to 15 levels behind the two given here.
    const signals = firstValueFrom(
      imbalanceVwapOn(f, symbol, { vwapTrades: 20, threshold: 0.2, levels: 2 }).pipe(take(1), toArray(), timeout(20_000)),
    );
    const s = server;
    // Both keys (trades and book) acked by the server: from here nothing it sends is missed.
    await firstValueFrom(
      f.subscriptions$.pipe(
        first((keys) => keys.length >= 2 && keys.every((k) => k.state === 'active')),
        timeout(15_000),
      ),
    );
    expect(s.subscribedSymbols()).toContain(symbol);

    const at = Date.parse('2026-11-20T09:01:00+09:00');
    const base = { broker: name, symbol };
    s.publish(
      book({
        ...base,
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
    // The book before the trades (a WEEX book must be synced: snapshot, then deltas).
    await firstValueFrom(
      f.orderBook$(symbol).pipe(
        first((b) => b.bids[0]?.price === 69_900),
        timeout(15_000),
      ),
    );
    for (const [i, price] of [70_000, 70_000, 69_800, 70_400].entries()) {
      s.publish(trade({ ...base, timestamp: at + 1000 * (i + 1), price, size: 10, side: 'buy', tradeId: `t${i + 1}` }));
    }
    // (70000 + 70000 + 69800 + 70400) / 4 = 70050; (800 − 200) / 1000 = 0.6
    expect(await signals).toEqual([{ side: 'buy', symbol, price: 70_400, vwap: 70_050, imbalance: 0.6 }]);
  }, 40_000);
});
