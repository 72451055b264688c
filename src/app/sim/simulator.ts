import { BrokerModule, BrokerServer } from '../broker-module';
import { driveServer, simulateMarket, SimulationOptions } from './driver';

export interface SimulatorOptions extends Omit<SimulationOptions, 'broker'> {
  readonly host?: string;
  /** 0 (default) picks a free port. */
  readonly port?: number;
}

/** A broker's loopback server with a simulated market flowing through it. */
export interface RunningSimulator {
  readonly server: BrokerServer;
  /** Environment that points the broker's feed at the server (URLs and credentials it accepts). */
  readonly env: Readonly<Record<string, string>>;
  stop(): Promise<void>;
}

/**
 * Starts `module`'s loopback server and publishes a simulated market through it. The market runs
 * whether or not anyone listens (the server sends each event to the sockets subscribed to it), so
 * a client that connects later sees the market as it is then.
 */
export async function startSimulator(module: BrokerModule, options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const server = await module.startServer({ host: options.host ?? '127.0.0.1', port: options.port ?? 0 });
  const running = driveServer(server, simulateMarket({ ...options, broker: module.name }));
  let stopped: Promise<void> | undefined;
  return {
    server,
    env: server.env,
    stop: () => {
      stopped ??= (async () => {
        running.unsubscribe();
        await server.close();
      })();
      return stopped;
    },
  };
}
