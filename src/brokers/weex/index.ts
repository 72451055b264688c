/**
 * WEEX (crypto exchange) real-time feed, V3 WebSocket protocol. Wire details live in ./v3; a V2
 * variant would sit beside it and reuse the book sync, the events and the feed's shape.
 */
export { weex, weexFromEnv } from './feed';
export type { WeexFeed, OrderBookOptions as WeexOrderBookOptions } from './feed';
export { weexEnvVars } from './options';
export type { WeexOptions, WeexMarket } from './options';
export type { WeexTicker, WeexCandle, WeexFill } from './events';
export type { BookState as WeexBookState, BookRaw as WeexBookRaw } from '../../book/book-state';
export type { ResyncReason as WeexResyncReason } from '../../book/book-sync';
export type { BookDepth as WeexBookDepth, PriceType as WeexPriceType } from './keys';
export { weexV3Protocol } from './protocol';
export type { WeexPush } from './codec';
