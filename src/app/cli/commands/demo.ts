import { Command } from 'commander';
import { positiveNumber, wholeNumber } from '../args';
import { brokers } from '../../brokers';
import { runDashboard } from '../../dashboard/app';
import { CliContext } from '../context';

interface DemoOptions {
  readonly broker: string;
  readonly symbols?: string[];
  readonly duration?: number;
  readonly seed?: number;
  readonly rate?: number;
  readonly sim?: boolean;
  readonly every?: number;
  readonly nats?: string;
}

/**
 * `rx-market demo` (`npm start`): the live terminal dashboard. Without the broker's credentials in
 * the environment it starts the embedded simulator on a loopback port and subscribes to it through
 * the public API, exactly as it would to the real broker.
 */
export function registerDemo(program: Command, context: CliContext): void {
  program
    .command('demo')
    .description('live terminal dashboard: order book, trade tape, bars and VWAP, feed status (simulator unless credentials are set)')
    .option('--broker <name>', `broker: ${brokers.map((b) => b.name).join(', ')}`, 'kiwoom')
    .option('--symbols <codes...>', "instrument codes to show (default: a few of the simulator's)")
    .option('--duration <sec>', 'stop after this many seconds', positiveNumber)
    .option('--seed <n>', 'simulator seed (same seed, same market)', wholeNumber)
    .option('--rate <r>', 'simulator trades per second per symbol', positiveNumber)
    .option('--sim', 'use the simulator even when credentials are set')
    .option('--nats <url>', 'stream through an rx-market gateway on this NATS server (user from RXM_NATS_USER/RXM_NATS_PASSWORD)')
    .option('--every <sec>', 'seconds between summary lines when stdout is not a terminal', positiveNumber, 2)
    .addHelpText(
      'after',
      '\nKeys: ←/→ (or Tab, h/l, 1-9) switch symbol, q quits.\nWith stdout not a terminal it prints a summary line every --every seconds instead.',
    )
    .action(async (options: DemoOptions) => {
      const code = await runDashboard(
        {
          broker: options.broker,
          symbols: options.symbols,
          durationSec: options.duration,
          seed: options.seed,
          rate: options.rate,
          simulate: options.sim,
          summaryEverySec: options.every,
          nats: options.nats,
        },
        context.io,
      );
      context.setExitCode(code);
    });
}
