import { Command } from 'commander';
import { brokers } from '../../brokers';
import { CliContext, exitCodes } from '../context';
import { messageOf, positiveInt } from '../args';

export interface GatewayCliOptions {
  readonly broker: string;
  readonly nats: string;
  readonly symbols?: string[];
  readonly id?: string;
  readonly lingerMs?: number;
  readonly lockMs?: number;
  readonly tradesWindowMs?: number;
  readonly raw?: boolean;
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
    .option('--id <id>', "this gateway's id (default random); a second gateway with other id stands by")
    .option('--linger-ms <ms>', 'a key stays registered this long after its last lease lapsed', positiveInt)
    .option('--lock-ms <ms>', "a standby takes over after the leader's lock went unrenewed this long", positiveInt)
    .option('--trades-window-ms <ms>', 'recent trades kept for late joiners', positiveInt)
    .option('--raw', "send every market event with its broker record (by default only while some consumer's lease asks)")
    .option('--duration <sec>', 'stop after this many seconds', positiveInt)
    .addHelpText('after', `\nEnvironment: the broker's credentials (see rx-market --help), and ${gatewayEnvVars.join(', ')} for NATS.`)
    .action(async (options: GatewayCliOptions) => {
      // Loaded on use: the NATS client packages are optional peers of rx-market.
      let run: typeof import('../../gateway/run').runGateway;
      try {
        run = (await import('../../gateway/run')).runGateway;
      } catch (err) {
        context.io.stderr.write(
          `rx-market gateway: the NATS client is not installed (${messageOf(err)}); run \`npm install @nats-io/transport-node @nats-io/nats-core @nats-io/jetstream @nats-io/kv\`\n`,
        );
        return context.setExitCode(exitCodes.fatal);
      }
      await run(context, options);
    });
}
