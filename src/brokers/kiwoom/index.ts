/** Kiwoom Securities' REST/WebSocket real-time API as typed RxJS streams. */
export { kiwoom, kiwoomFromEnv, kiwoomEnvVars } from './feed';
export type { KiwoomFeed, KiwoomOptions, KiwoomSettings, KiwoomKeys, KiwoomTokenSource, VenueOption } from './feed';
export type { TokenProvider as KiwoomTokenProvider } from './auth';
export { kiwoomProtocol } from './protocol';
export type { KiwoomProtocolConfig } from './protocol';
export { KiwoomCodec, isTokenError } from './codec';
export type { KiwoomMessage, KiwoomCodecOptions } from './codec';
export { endpoints, itemOf, splitItem } from './endpoints';
export type { Exchange, KiwoomEnv } from './endpoints';
export { realTables, realCodes, isRealCode } from './wire/real-types';
export type { RealCode, RealFields, RealTables } from './wire/real-types';
export type { RealRecord, AnyRealRecord, RealRecordMap, RealEntry } from './wire/record';
export type { Condition, ConditionEvent, ConditionList, ConditionSnapshot } from './conditions';
export { toTrade, toOrderBook, toQuote, toOrderEvent, toPosition, toIndexTick, toMarketStatus, marketPhaseOf } from './mapping';
export { toEtfNav, toExpectedTrade, toElwGreeks, toElwIndicators, toProgramTrading, toVolatilityInterruption } from './mapping';
