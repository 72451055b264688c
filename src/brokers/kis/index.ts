/** KIS (Korea Investment & Securities) real-time WebSocket feed. */
export { kis, kisFromEnv } from './feed';
export type { KisFeed, KisStreamOptions, KisBookOptions } from './feed';
export type { KisOptions } from './config';
export { kisEnvVars } from './config';
export type { KisExchange, KisEnv, KisTrId } from './tr-ids';
export { kisModule } from './cli';
export { kisProtocol } from './protocol';
export type { KisMessage } from './message';
export type { KisRecord } from './record';
export type { KisTrade } from './trade';
export type { KisOrderBook } from './book';
export type { ExpectedMatch, KisExpectedMatch } from './expected';
export type { KisMarketStatus } from './market-status';
export type { KisOrderEvent } from './notice';
export { KisServer, startKisServer } from './server';
export type { KisServerOptions, KisServerCounters, ReceivedRequest } from './server';
