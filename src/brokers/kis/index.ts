/** KIS (Korea Investment & Securities) real-time WebSocket feed. */
export { kis, kisFromEnv } from './feed';
export type { KisFeed, KisStreamOptions, KisBookOptions } from './feed';
export type { KisOptions, KisSettings, KisKeys, KisApprovalSource, ApprovalKeyProvider as KisApprovalKeyProvider } from './options';
export { kisEnvVars } from './options';
export type { KisExchange, KisEnv, KisTrId } from './wire/tr-ids';
export { kisProtocol } from './protocol';
export type { KisMessage } from './wire/message';
export type { KisRecord } from './wire/record';
export type { KisTrade } from './wire/trade';
export type { KisOrderBook } from './wire/book';
export type { ExpectedMatch, KisExpectedMatch, KisExpectedTrade } from './wire/expected';
export type { KisMarketStatus } from './wire/market-status';
export type { KisOrderEvent } from './wire/notice';
