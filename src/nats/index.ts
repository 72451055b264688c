/**
 * rx-market/nats (Node): `natsFeed({ servers, broker })`, the MarketFeed served by an rx-market
 * gateway over NATS (`nats://` URLs through @nats-io/transport-node; `ws://` URLs through the
 * WebSocket transport where the runtime has a WebSocket). Browsers get ./browser.ts.
 */
import { connect } from '@nats-io/transport-node';
import { wsconnect } from '@nats-io/nats-core';
import { NatsConnect, NatsFeed, NatsFeedOptions, createNatsFeed } from './nats-feed';

export * from './nats-feed';
export * from './subjects';
export type { Interest, WireNotice } from './wire';

const isWs = (servers: NatsFeedOptions['servers']): boolean =>
  (typeof servers === 'string' ? [servers] : servers).some((s) => /^wss?:\/\//i.test(s));

/** Node's connect: TCP for nats:// URLs, WebSocket for ws:// URLs. */
export const nodeConnect: NatsConnect = (options) => {
  const servers = options.servers ?? [];
  return isWs(servers as string | string[]) ? wsconnect(options) : connect(options);
};

/** A MarketFeed served by an rx-market gateway over NATS. Nothing connects until a stream is subscribed. */
export function natsFeed(options: NatsFeedOptions): NatsFeed {
  return createNatsFeed(options.connect ?? nodeConnect, options);
}
