import { Command, CommanderError } from 'commander';
import { CliContext, CliIO } from './context';
import { commands } from './commands';

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
  for (const register of commands) register(program, context);
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    throw err;
  }
  return exitCode;
}

function processIO(): CliIO {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env };
}
