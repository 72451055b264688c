/** Consumer and gateway processes for the multi-process gateway tests (not a test file). */
import { ChildProcess, spawn } from 'child_process';
import path from 'path';
import { NatsServer } from './nats-server';

const root = path.join(__dirname, '..', '..', '..');
const running = new Set<ChildProcess>();

export interface Proc {
  readonly child: ChildProcess;
  /** NDJSON lines printed so far (consumers), parsed. */
  lines(): Record<string, unknown>[];
  stderr(): string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

function start(args: readonly string[], env: Record<string, string>): Proc {
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.once('exit', () => running.delete(child));
  return {
    child,
    lines: () =>
      out
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    stderr: () => err,
    kill: async (signal = 'SIGKILL') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

export interface ConsumerSpec {
  /** Default 'kiwoom'. */
  readonly broker?: string;
  readonly trades?: readonly string[];
  readonly books?: readonly string[];
  readonly orders?: boolean;
  readonly durable?: string;
  readonly id?: string;
}

export function startConsumer(nats: NatsServer, spec: ConsumerSpec): Proc {
  return start([path.join(__dirname, 'consumer-process.js')], {
    NATS_URL: nats.url,
    NATS_USER: nats.consumer.user,
    NATS_PASS: nats.consumer.pass,
    BROKER: spec.broker ?? 'kiwoom',
    TRADES: (spec.trades ?? []).join(','),
    BOOKS: (spec.books ?? []).join(','),
    ORDERS: spec.orders ? '1' : '',
    DURABLE: spec.durable ?? '',
    CONSUMER_ID: spec.id ?? '',
    LEASE_MS: '1500',
  });
}

/** `rx-market gateway` as users run it, with the broker's env and the gateway's NATS user. */
export function startGatewayCli(
  nats: NatsServer,
  brokerEnv: Readonly<Record<string, string>>,
  args: readonly string[] = [],
  broker = 'kiwoom',
): Proc {
  return start(
    [path.join(root, 'bin', 'rx-market.js'), 'gateway', '--broker', broker, '--linger-ms', '300', '--lock-ms', '1500', ...args],
    {
      ...brokerEnv,
      ...nats.gatewayEnv,
    },
  );
}

export function killProcesses(): void {
  for (const c of running) c.kill('SIGKILL');
  running.clear();
}
