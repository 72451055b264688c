/**
 * rx-market/nats in browsers: the same `natsFeed`, over nats-server's WebSocket listener
 * (`servers: 'ws://host:8080'`), with no Node module in the bundle.
 */
import { wsconnect } from '@nats-io/nats-core';
import { NatsFeed, NatsFeedOptions, createNatsFeed } from './nats-feed';

export * from './nats-feed';
export * from './subjects';
export type { Interest, WireNotice } from './wire';

/** A MarketFeed served by an rx-market gateway over NATS WebSocket. */
export function natsFeed(options: NatsFeedOptions): NatsFeed {
  return createNatsFeed(options.connect ?? wsconnect, options);
}
