import { BrokerModule } from '../broker-module';
import { kisModule } from './kis';
import { kiwoomModule } from './kiwoom';
import { weexModule } from './weex';

export * from '../broker-module';
export { cliStreams, openContractStream } from '../contract-streams';

/**
 * Every broker the CLI, the simulator and the dashboard know. A new broker is a folder in
 * src/brokers/ (the library), its plug here in src/app/brokers/, and one line in this list.
 */
export const brokers: readonly BrokerModule<any>[] = [kiwoomModule, kisModule, weexModule];

export function findBroker(name: string): BrokerModule<any> | undefined {
  return brokers.find((b) => b.name === name);
}
