import { Command, CommanderError } from 'commander';
import { CliContext, CliIO, RegisterCommand } from './context';

/**
 * Runs the rx-market CLI with `argv` (without node and script) and resolves to the exit code.
 * Nothing here calls process.exit, so tests can run commands in-process.
 */
export async function main(argv: readonly string[], io: CliIO = processIO()): Promise<number> {
  let exitCode = 0;
  const context: CliContext = { io, setExitCode: (code) => (exitCode = code) };
  const program = new Command('rx-market')
    .description('Broker and exchange real-time feeds (Kiwoom, KIS, WEEX) as typed RxJS streams')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    });
  for (const register of await commandsFor(argv)) register(program, context);
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    throw err;
  }
  return exitCode;
}

/**
 * The commands to register. `stream` alone loads only itself (no simulator, dashboard, recorder
 * or terminal modules): its start time is part of every pipeline that uses it.
 */
async function commandsFor(argv: readonly string[]): Promise<readonly RegisterCommand[]> {
  if (argv[0] === 'stream') return [(await import('./commands/stream')).registerStream];
  return (await import('./commands')).commands;
}

function processIO(): CliIO {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env };
}
