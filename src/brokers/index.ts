import { BrokerModule } from './module';
import { kisModule } from './kis/cli';
import { kiwoomModule } from './kiwoom/cli';
import { weexModule } from './weex/cli';

export * from './module';
export { kiwoom, kiwoomFromEnv } from './kiwoom';
export type { KiwoomFeed, KiwoomOptions, RealRecord as KiwoomRecord, RealCode as KiwoomRealCode, Exchange as KiwoomExchange } from './kiwoom';
export { kis, kisFromEnv } from './kis';
export type { KisFeed, KisOptions, KisStreamOptions, KisBookOptions, KisExchange, KisEnv, ExpectedMatch } from './kis';
export { weex, weexFromEnv } from './weex';
export type {
  WeexFeed,
  WeexOptions,
  WeexOrderBookOptions,
  WeexBookState,
  WeexTicker,
  WeexCandle,
  WeexBalance,
  WeexFill,
  WeexMarket,
} from './weex';

/**
 * Every broker the CLI and the dashboard know. A new broker is a new folder with a
 * BrokerModule, and one line here.
 */
export const brokers: readonly BrokerModule<any>[] = [kiwoomModule, kisModule, weexModule];

export function findBroker(name: string): BrokerModule<any> | undefined {
  return brokers.find((b) => b.name === name);
}
