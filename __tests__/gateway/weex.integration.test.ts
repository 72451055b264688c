/**
 * The gateway on WEEX: `rx-market gateway --broker weex` holds one public and one private socket,
 * consumers share them, account events (orders) are durable, a late joiner gets the current synced
 * book first. The cases are in support/broker-cases.ts.
 */
import { startWeexServer } from '../../src/app/servers/weex/server';
import { book, fill, trade } from '../../src/testing';
import { BrokerRig, gatewayCases } from './support/broker-cases';
import { T0 } from './support/helpers';

const streamOf = (stream: 'trade' | 'book', symbol: string): string => `${symbol}@${stream === 'trade' ? 'trade' : 'depth15'}`;

async function weexRig(): Promise<BrokerRig> {
  const server = await startWeexServer({ pingIntervalMs: 60_000, symbols: ['BTCUSDT', 'ETHUSDT'] });
  const opened = (side: 'public' | 'private'): number =>
    server.upgrades.filter((u) => u.status === 101 && u.path.endsWith(`/ws/${side}`)).length;
  const subscribes = (): string[][] =>
    server.received.flatMap(({ side, frame }) => {
      if (side !== 'public') return [];
      try {
        const msg = JSON.parse(frame) as { method?: unknown; params?: unknown };
        return msg.method === 'SUBSCRIBE' && Array.isArray(msg.params) ? [msg.params.map(String)] : [];
      } catch {
        return [];
      }
    });
  return {
    env: server.env,
    publish: (event) => server.publish(event),
    sessions: () => Math.max(opened('public'), opened('private')),
    registered: (stream, symbol) => server.subscribedStreams('public').includes(streamOf(stream, symbol)),
    registrations: (stream, symbol) => subscribes().filter((params) => params.includes(streamOf(stream, symbol))).length,
    accountRegistered: () => server.subscribedStreams('private').includes('orders'),
    close: () => server.close(),
  };
}

const orderId = (n: number): string => `70000${n}`;

describe('gateway on WEEX', () => {
  gatewayCases({
    broker: 'weex',
    symbol: 'BTCUSDT',
    bookSymbol: 'ETHUSDT',
    startServer: weexRig,
    trade: (symbol, price, size, n) =>
      trade({ broker: 'weex', symbol, price, size, side: 'buy', tradeId: `t${n}`, timestamp: T0 + n * 1_000 }),
    book: (symbol, bid, ask, n) => book({ broker: 'weex', symbol, bids: [[bid, 10]], asks: [[ask, 20]], timestamp: T0 + n * 1_000 }),
    fill: (n) =>
      fill({ broker: 'weex', symbol: 'BTCUSDT', orderId: orderId(n), side: 'buy', price: 90_000, qty: n, timestamp: T0 + n * 1_000 }),
    orderId,
    unknownSymbol: { symbol: 'NOPEUSDT', message: /invalid symbol : NOPEUSDT/ },
  });
});
