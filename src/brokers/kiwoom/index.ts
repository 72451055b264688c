/** Kiwoom Securities' REST/WebSocket real-time API as typed RxJS streams. */
export { kiwoom, kiwoomFromEnv, kiwoomEnvVars } from './feed';
export type { KiwoomFeed, KiwoomOptions, VenueOption } from './feed';
export { kiwoomModule } from './cli';
export { kiwoomProtocol } from './protocol';
export type { KiwoomProtocolConfig } from './protocol';
export { KiwoomCodec, isTokenError } from './codec';
export type { KiwoomMessage, KiwoomCodecOptions } from './codec';
export { endpoints, itemOf, splitItem } from './endpoints';
export type { Exchange, KiwoomEnv } from './endpoints';
export { realTables, realCodes, isRealCode } from './real-types';
export type { RealCode, RealFields, RealTables } from './real-types';
export type { RealRecord, AnyRealRecord, RealRecordMap, RealEntry } from './record';
export type { Condition, ConditionEvent, ConditionList, ConditionSnapshot } from './conditions';
export { toTrade, toOrderBook, toQuote, toOrderEvent, toPosition, toIndexTick, toMarketStatus, marketPhaseOf } from './mapping';
export { encodeEvent } from './encode';
export { sampleEntries, sampleFrame } from './samples';
export { startKiwoomServer } from './server';
export type { KiwoomServer, KiwoomServerOptions, KiwoomServerCounters, TokenMode } from './server';
