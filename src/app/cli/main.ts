import { Command, CommanderError } from 'commander';
import { oneLine } from './args';
import { CliContext, CliIO, RegisterCommand, exitCodes } from './context';
import { packageVersion, programHelp, streamsHelp } from './help';

/**
 * Runs the rx-market CLI with `argv` (without node and script) and resolves to the exit code.
 * Nothing here calls process.exit, so tests can run commands in-process.
 */
export async function main(argv: readonly string[], io: CliIO = processIO()): Promise<number> {
  let exitCode = 0;
  const context: CliContext = { io, setExitCode: (code) => (exitCode = code) };
  const program = new Command('rx-market')
    .description('Broker and exchange real-time feeds (Kiwoom, KIS, WEEX) as typed RxJS streams')
    .version(packageVersion(), '-V, --version', 'print the version')
    .exitOverride()
    .showHelpAfterError(false)
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      // Parser errors as every other usage error: one `rx-market:` line on stderr.
      outputError: (s, write) => write(`rx-market: ${oneLine(s.replace(/^error:\s*/, ''))}\n`),
    })
    .addHelpText('after', programHelp);
  for (const register of await commandsFor(argv)) register(program, context);
  // `rx-market stream --help` lists what each broker streams (the other commands say enough).
  program.commands.find((c) => c.name() === 'stream')?.addHelpText('after', () => `\n${streamsHelp()}\n`);
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) return exitCodeOf(err);
    throw err;
  }
  return exitCode;
}

/** Help and version asked for: 0. Any other parser error is a usage error: 2. */
function exitCodeOf(err: CommanderError): number {
  if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return exitCodes.ok;
  return exitCodes.usage;
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
