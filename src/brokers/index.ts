/** Every broker feed of the library. The application's registry is src/app/brokers/index.ts. */
export { kiwoom, kiwoomFromEnv } from './kiwoom';
export type {
  KiwoomFeed,
  KiwoomOptions,
  KiwoomTokenProvider,
  RealRecord as KiwoomRecord,
  RealCode as KiwoomRealCode,
  Exchange as KiwoomExchange,
} from './kiwoom';
export { kis, kisFromEnv } from './kis';
export type {
  KisFeed,
  KisOptions,
  KisApprovalKeyProvider,
  KisStreamOptions,
  KisBookOptions,
  KisExchange,
  KisEnv,
  ExpectedMatch,
} from './kis';
export { weex, weexFromEnv } from './weex';
export type { WeexFeed, WeexOptions, WeexOrderBookOptions, WeexBookState, WeexTicker, WeexCandle, WeexFill, WeexMarket } from './weex';
