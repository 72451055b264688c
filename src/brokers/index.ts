import { BrokerModule } from './module';

export * from './module';

/**
 * Every broker the CLI and the dashboard know. A new broker is a new folder with a
 * BrokerModule, and one line here.
 */
export const brokers: readonly BrokerModule<any>[] = [];

export function findBroker(name: string): BrokerModule<any> | undefined {
  return brokers.find((b) => b.name === name);
}
