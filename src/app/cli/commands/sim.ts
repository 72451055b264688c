import { Command } from 'commander';
import { brokers, findBroker } from '../../brokers';
import { MarketEvent } from '../../../model/market';
import { instrumentsFor } from '../../sim/instruments';
import { profileFor } from '../../sim/profile';
import { simulateMarket } from '../../sim/driver';
import { parseSessionTime } from '../../sim/calendar';
import { CliContext, exitCodes } from '../context';
import { port, positiveNumber, shellQuote, wholeNumber } from '../args';

interface SimOptions {
  readonly broker: string;
  readonly host: string;
  readonly port: number;
  readonly symbols?: string[];
  readonly seed: number;
  readonly rate?: number;
  readonly duration?: number;
  readonly cors?: boolean;
  readonly session: string;
}

/**
 * `rx-market sim --broker B`: the broker's loopback server with a simulated market behind it, for
 * building against offline. Prints the environment that points a client at it (stdout, as
 * `export` lines), then a status line every few seconds (stderr) until Ctrl-C or --duration.
 */
export function registerSim(program: Command, context: CliContext): void {
  program
    .command('sim')
    .description("run a broker's protocol on a loopback port with a simulated market behind it")
    .requiredOption('--broker <name>', `broker: ${brokers.map((b) => b.name).join(', ')}`)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port (0 picks a free one)', port, 0)
    .option('--symbols <codes...>', "instrument codes (default: a few of the simulator's)")
    .option('--seed <n>', 'same seed, same market', wholeNumber, 1)
    .option('--rate <r>', 'mean trades per second per symbol', positiveNumber)
    .option('--duration <sec>', 'stop after this many seconds', positiveNumber)
    .option('--session <HH:MM>', 'KST time of day the simulated KRX day starts at (market clock)', '09:00')
    .option('--cors', 'answer CORS preflights and allow any origin on the REST endpoints (browser development)')
    .action((options: SimOptions) => runSim(context, options));
}

async function runSim(context: CliContext, options: SimOptions): Promise<void> {
  const { io } = context;
  const module = findBroker(options.broker);
  if (!module) {
    io.stderr.write(`rx-market sim: unknown broker "${options.broker}"; known: ${brokers.map((b) => b.name).join(', ')}\n`);
    return context.setExitCode(exitCodes.usage);
  }
  const instruments = instrumentsFor(profileFor(module.name).market, options.symbols);
  try {
    parseSessionTime(options.session);
  } catch (err) {
    io.stderr.write(`rx-market sim: ${err instanceof Error ? err.message : String(err)}\n`);
    return context.setExitCode(exitCodes.usage);
  }
  let server;
  try {
    server = await module.startServer({ host: options.host, port: options.port, ...(options.cors ? { cors: true } : {}) });
  } catch (err) {
    io.stderr.write(
      `rx-market sim: cannot listen on ${options.host}:${options.port}: ${err instanceof Error ? err.message : String(err)}\n`,
    );
    return context.setExitCode(exitCodes.fatal);
  }
  const events = new Map<MarketEvent['kind'], number>();
  const running = simulateMarket({
    broker: module.name,
    instruments,
    seed: options.seed,
    tradesPerSecond: options.rate,
    sessionStart: options.session,
  }).subscribe((event) => {
    events.set(event.kind, (events.get(event.kind) ?? 0) + 1);
    server.publish(event);
  });

  io.stderr.write(
    `rx-market sim: ${module.name} simulator, seed ${options.seed}, symbols ${instruments.map((i) => i.symbol).join(' ')}\n` +
      `Point a client at it with these variables (Ctrl-C stops):\n`,
  );
  for (const [name, value] of Object.entries(server.env)) io.stdout.write(`export ${name}=${shellQuote(value)}\n`);

  const started = Date.now();
  const status = (): string => {
    const counts = [...events].map(([kind, n]) => `${kind} ${n}`).join(', ');
    const subscribed = server.subscribedSymbols();
    return `[sim] ${Math.round((Date.now() - started) / 1000)} s · published ${counts || 'nothing yet'} · clients subscribed to ${subscribed.length ? subscribed.join(' ') : 'nothing'}\n`;
  };
  await new Promise<void>((resolve) => {
    const ticker = setInterval(() => io.stderr.write(status()), 5_000);
    const timer = options.duration !== undefined ? setTimeout(() => stop(), options.duration * 1000) : undefined;
    const stop = (): void => {
      clearInterval(ticker);
      if (timer) clearTimeout(timer);
      process.removeListener('SIGINT', stop);
      process.removeListener('SIGTERM', stop);
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  running.unsubscribe();
  io.stderr.write(status());
  await server.close();
}
