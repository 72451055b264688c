import { SingleBar } from 'cli-progress';
import { Command } from 'commander';
import { filter, interval, map, take } from 'rxjs';
import { BrokerServer, brokers, findBroker } from '../../brokers';
import { Recording } from '../../replay/format';
import { readRecording } from '../../replay/reader';
import { replayToServer } from '../../replay/replayer';
import { CliContext, exitCodes } from '../context';
import { port, positiveNumber, shellQuote } from '../args';

interface ReplayOptions {
  readonly speed: number;
  readonly host: string;
  readonly port: number;
  readonly wait: boolean;
}

/**
 * `rx-market replay FILE [--speed 10] [--port P]`: serves a recording through its broker's
 * loopback server, every frame broadcast to the logged-in clients at its recorded offset / speed,
 * with a progress bar on stderr. Prints the environment that points a client (or
 * `rx-market demo`) at it on stdout, waits for a client to subscribe (unless --no-wait), plays
 * the recording once and exits 0; Ctrl-C stops early.
 */
export function registerReplay(program: Command, context: CliContext): void {
  program
    .command('replay')
    .description("serve a recording through the broker's loopback server, at recorded or accelerated speed")
    .argument('<file>', 'a recording made by `rx-market record`')
    .option('--speed <x>', 'playback speed (10 = ten times faster)', positiveNumber, 1)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port (0 picks a free one)', port, 0)
    .option('--no-wait', 'start at once instead of waiting for a client to subscribe')
    .action((file: string, options: ReplayOptions) => runReplay(context, file, options));
}

async function runReplay(context: CliContext, file: string, options: ReplayOptions): Promise<void> {
  const { io } = context;
  const fail = (code: number, message: string): void => {
    io.stderr.write(`rx-market replay: ${message}\n`);
    context.setExitCode(code);
  };
  let recording: Recording;
  try {
    recording = await readRecording(file);
  } catch (err) {
    return fail(exitCodes.usage, err instanceof Error ? err.message : String(err));
  }
  const { header } = recording;
  const module = findBroker(header.broker);
  if (!module)
    return fail(
      exitCodes.usage,
      `${file} was recorded from "${header.broker}", which this build does not know (${brokers.map((b) => b.name).join(', ')})`,
    );
  if (recording.truncated) io.stderr.write(`rx-market replay: ${file} was cut off while recording; replaying what it holds\n`);

  // Acks and heartbeats of the recorded session would confuse a client having its own.
  const dataOnly = (frame: string): boolean => module.isDataFrame(frame);
  let server: BrokerServer;
  try {
    server = await module.startServer({ host: options.host, port: options.port });
  } catch (err) {
    return fail(exitCodes.fatal, `cannot listen on ${options.host}:${options.port}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const duration = recording.frames.length > 0 ? recording.frames[recording.frames.length - 1].t : 0;
  io.stderr.write(
    `rx-market replay: ${header.broker} ${header.stream} ${header.symbols.join(' ')} recorded ${header.started}, ` +
      `${recording.frames.length} frames over ${seconds(duration)}, at ${options.speed}x. Point a client at it with:\n`,
  );
  for (const [name, value] of Object.entries(server.env)) io.stdout.write(`export ${name}=${shellQuote(value)}\n`);

  let interrupted = false;
  const onSignal = (): void => {
    interrupted = true;
    stopNow();
  };
  let stopNow: () => void = () => undefined;
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    if (options.wait) {
      io.stderr.write('waiting for a client to subscribe…\n');
      const subscribed = interval(100).pipe(
        map(() => server.subscribedSymbols().length > 0),
        filter(Boolean),
        take(1),
      );
      await new Promise<void>((resolve) => {
        const s = subscribed.subscribe(() => resolve());
        stopNow = () => {
          s.unsubscribe();
          resolve();
        };
      });
    }
    if (!interrupted) await play();
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    await server.close();
  }

  async function play(): Promise<void> {
    const bar = new SingleBar({
      stream: io.stderr as NodeJS.WriteStream,
      format: 'replay |{bar}| {percentage}% · {value}/{total} frames · {position} of {length}',
      barsize: 30,
      hideCursor: true,
      noTTYOutput: true,
      notTTYSchedule: 5_000,
      etaBuffer: 50,
    });
    bar.start(recording.frames.length, 0, { position: seconds(0), length: seconds(duration) });
    let last = { done: 0, sent: 0 };
    await new Promise<void>((resolve) => {
      const s = replayToServer(recording, server, { speed: options.speed, include: dataOnly }).subscribe({
        next: (p) => {
          last = p;
          bar.update(p.done, { position: seconds(p.t) });
        },
        complete: () => resolve(),
      });
      stopNow = () => {
        s.unsubscribe();
        resolve();
      };
    });
    bar.stop();
    io.stderr.write(`${interrupted ? 'stopped' : 'done'}: ${last.sent} of ${recording.frames.length} frames sent\n`);
  }
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
