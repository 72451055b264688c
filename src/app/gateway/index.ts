export { startGateway, defaultMaxKeys } from './gateway';
export type { Gateway, GatewayOptions } from './gateway';
export { defaultRetention, streamConfigs, ensureStreams } from './retention';
export type { RetentionOptions } from './retention';
export { leadership } from './leadership';
export { leaseTable } from './leases';
export { natsServerConfig } from './nats-config';
export type { NatsConfigOptions } from './nats-config';
