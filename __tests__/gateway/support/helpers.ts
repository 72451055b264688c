/** Shared helpers of the gateway tests (not a test file). */
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import { kiwoomFromEnv } from '../../../src/brokers/kiwoom/feed';
import { startGateway, Gateway, GatewayOptions } from '../../../src/app/gateway';
import { MarketFeed } from '../../../src/feed/market-feed';
import { KiwoomServer } from '../../../src/app/servers/kiwoom/server';
import { OrderBook, OrderEvent, Trade } from '../../../src/model';
import { natsFeed, NatsFeedOptions } from '../../../src/nats';
import { NatsServer } from './nats-server';

export const T0 = Date.parse('2026-11-20T09:30:00+09:00');

export function trade(symbol: string, price: number, size: number, at = T0): Trade {
  return { kind: 'trade', broker: 'kiwoom', symbol, price, size, side: 'buy', time: new Date(at).toISOString(), timestamp: at, raw: {} };
}

export function book(symbol: string, bid: number, ask: number, at = T0): OrderBook {
  return {
    kind: 'book',
    broker: 'kiwoom',
    symbol,
    bids: [{ price: bid, size: 10 }],
    asks: [{ price: ask, size: 20 }],
    time: new Date(at).toISOString(),
    timestamp: at,
    raw: {},
  };
}

export function fill(n: number, at = T0 + n * 1000): OrderEvent {
  return {
    kind: 'order',
    broker: 'kiwoom',
    symbol: '005930',
    orderId: `ord${n}`,
    side: 'buy',
    status: 'filled',
    orderQty: n,
    orderPrice: 70000,
    filledQty: n,
    unfilledQty: 0,
    fillPrice: 70000,
    fillQty: n,
    time: new Date(at).toISOString(),
    timestamp: at,
    raw: {},
  };
}

/** How many REG requests named `item` (any type in `types`) across every connection. */
export function regCount(server: KiwoomServer, item: string, type?: string): number {
  let n = 0;
  for (const { frame } of server.received) {
    let msg: { trnm?: string; data?: { item?: string[]; type?: string[] }[] };
    try {
      msg = JSON.parse(frame);
    } catch {
      continue;
    }
    if (msg.trnm !== 'REG' || !Array.isArray(msg.data)) continue;
    for (const d of msg.data) if (d.item?.includes(item) && (type === undefined || d.type?.includes(type))) n += 1;
  }
  return n;
}

export async function gatewayConnection(nats: NatsServer): Promise<NatsConnection> {
  return connect({ servers: nats.url, user: nats.gateway.user, pass: nats.gateway.pass, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
}

/** An in-process gateway on the loopback Kiwoom server, with short timings. */
export async function kiwoomGateway(
  nats: NatsServer,
  server: KiwoomServer,
  overrides: Partial<GatewayOptions> = {},
): Promise<{ gateway: Gateway; nc: NatsConnection; stop(): Promise<void> }> {
  const nc = await gatewayConnection(nats);
  const gateway = await startGateway({
    nc,
    broker: 'kiwoom',
    openFeed: () => kiwoomFromEnv(server.env) as unknown as MarketFeed,
    lingerMs: 300,
    checkMs: 100,
    lockMs: 1_500,
    retention: { accountStorage: 'file' },
    log: process.env.GW_DEBUG ? (l) => console.log(l) : undefined,
    ...overrides,
  });
  return {
    gateway,
    nc,
    stop: async () => {
      await gateway.close();
      await nc.close();
    },
  };
}

export function consumerFeed(nats: NatsServer, overrides: Partial<NatsFeedOptions> = {}) {
  return natsFeed({
    servers: nats.url,
    broker: 'kiwoom',
    user: nats.consumer.user,
    pass: nats.consumer.pass,
    leaseMs: 1_500,
    lingerMs: 100,
    ...overrides,
  });
}

/** Polls until `predicate` holds; fails with `what` after `timeoutMs`. */
export async function until(predicate: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
