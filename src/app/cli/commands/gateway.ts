import { Command } from 'commander';
import { connect } from '@nats-io/transport-node';
import { brokers, findBroker } from '../../brokers';
import { Gateway, startGateway } from '../../gateway';
import { MarketFeed } from '../../../feed/market-feed';
import { isToken } from '../../../nats/subjects';
import { CliContext, exitCodes } from '../context';
import { messageOf, oneLine, positiveInt } from '../args';

interface GatewayCliOptions {
  readonly broker: string;
  readonly nats: string;
  readonly symbols?: string[];
  readonly id?: string;
  readonly lingerMs?: number;
  readonly lockMs?: number;
  readonly tradesWindowMs?: number;
  readonly duration?: number;
}

/** NATS credentials of the gateway's user, from the environment (never flags: flags show in `ps`). */
export const gatewayEnvVars = ['RXM_NATS_URL', 'RXM_NATS_USER', 'RXM_NATS_PASSWORD', 'RXM_NATS_TOKEN'] as const;

/**
 * `rx-market gateway --broker B`: holds the broker session (credentials from the environment, as
 * every command) and serves it on NATS to any number of processes and browsers (natsFeed).
 * Logs one line per change on stderr; runs until Ctrl-C / SIGTERM, then releases its lock.
 */
export function registerGateway(program: Command, context: CliContext): void {
  program
    .command('gateway')
    .description('serve a broker session on NATS JetStream to every process and browser (natsFeed from rx-market/nats)')
    .requiredOption('--broker <name>', `broker: ${brokers.map((b) => b.name).join(', ')}`)
    .option('--nats <url>', 'NATS server URL (default $RXM_NATS_URL or nats://127.0.0.1:4222)')
    .option('--symbols <codes...>', 'keys registered always (trades, book, quotes), whatever the interest')
    .option('--id <id>', 'this gateway\'s id (default random); a second gateway with other id stands by')
    .option('--linger-ms <ms>', 'a key stays registered this long after its last lease lapsed', positiveInt)
    .option('--lock-ms <ms>', 'a standby takes over after the leader\'s lock went unrenewed this long', positiveInt)
    .option('--trades-window-ms <ms>', 'recent trades kept for late joiners', positiveInt)
    .option('--duration <sec>', 'stop after this many seconds', positiveInt)
    .addHelpText('after', `\nEnvironment: the broker's credentials (see rx-market --help), and ${gatewayEnvVars.join(', ')} for NATS.`)
    .action((options: GatewayCliOptions) => runGateway(context, options));
}

async function runGateway(context: CliContext, options: GatewayCliOptions): Promise<void> {
  const { io } = context;
  const say = (line: string): void => void io.stderr.write(`rx-market gateway: ${oneLine(line)}\n`);
  const module = findBroker(options.broker);
  if (!module) {
    say(`unknown broker "${options.broker}"; known: ${brokers.map((b) => b.name).join(', ')}`);
    return context.setExitCode(exitCodes.usage);
  }
  const bad = [options.id, ...(options.symbols ?? [])].find((s) => s !== undefined && !isToken(s));
  if (bad !== undefined) {
    say(`"${bad}" is not a valid id or symbol (letters, digits, _ and -)`);
    return context.setExitCode(exitCodes.usage);
  }
  const url = options.nats ?? io.env.RXM_NATS_URL ?? 'nats://127.0.0.1:4222';
  // Credentials are checked before anything connects: a feed is lazy, so this opens nothing.
  try {
    module.feedFromEnv(io.env).close?.();
  } catch (err) {
    say(messageOf(err));
    return context.setExitCode(exitCodes.fatal);
  }
  let nc;
  try {
    nc = await connect({
      servers: url,
      name: `rx-market gateway ${module.name}`,
      user: io.env.RXM_NATS_USER,
      pass: io.env.RXM_NATS_PASSWORD,
      token: io.env.RXM_NATS_TOKEN,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
    });
  } catch (err) {
    say(`cannot connect to NATS at ${url}: ${messageOf(err)}`);
    return context.setExitCode(exitCodes.fatal);
  }
  let gateway: Gateway;
  try {
    gateway = await startGateway({
      nc,
      broker: module.name,
      openFeed: () => module.feedFromEnv(io.env) as unknown as MarketFeed,
      id: options.id,
      symbols: options.symbols,
      lingerMs: options.lingerMs,
      lockMs: options.lockMs,
      retention: options.tradesWindowMs ? { tradesWindowMs: options.tradesWindowMs } : undefined,
      log: say,
    });
  } catch (err) {
    say(`cannot start: ${messageOf(err)}`);
    await nc.close().catch(() => undefined);
    return context.setExitCode(exitCodes.fatal);
  }
  say(`${gateway.id} serving ${module.name} on ${url} (subjects rxm.${module.name}.>)`);
  const leaderSub = gateway.leader$.subscribe((leader) => say(leader ? `${gateway.id} is the leader` : `${gateway.id} stands by`));
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.removeListener('SIGINT', stop);
      process.removeListener('SIGTERM', stop);
      if (timer) clearTimeout(timer);
      resolve();
    };
    const timer = options.duration ? setTimeout(stop, options.duration * 1000) : undefined;
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  leaderSub.unsubscribe();
  await gateway.close();
  await nc.drain().catch(() => undefined);
  say('stopped');
}
