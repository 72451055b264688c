import { connect } from '@nats-io/transport-node';
import { brokers, findBroker } from '../brokers';
import { Gateway, startGateway } from './gateway';
import { MarketFeed } from '../../feed/market-feed';
import { isToken } from '../../nats/subjects';
import { CliContext, exitCodes } from '../cli/context';
import { messageOf, oneLine } from '../cli/args';
import type { GatewayCliOptions } from '../cli/commands/gateway';

/** `rx-market gateway`: connect, start, log, stop on a signal (see cli/commands/gateway.ts). */
export async function runGateway(context: CliContext, options: GatewayCliOptions): Promise<void> {
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
      raw: options.raw === true,
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
