/**
 * A real nats-server for tests: JetStream in a temp dir, free ports on 127.0.0.1, the gateway's
 * permission config (src/app/gateway/nats-config.ts), stopped and restarted on the same ports.
 * No nats-server on the PATH fails the test with the command that installs it.
 */
import { ChildProcess, execFileSync, spawn } from 'child_process';
import fs from 'fs';
import net from 'net';
import os from 'os';
import path from 'path';
import { natsServerConfig } from '../../../src/app/gateway/nats-config';

export interface NatsServer {
  readonly url: string;
  readonly wsUrl: string;
  readonly port: number;
  readonly dir: string;
  /** The running server's process id (it changes on restart). */
  readonly pid: number | undefined;
  readonly gateway: { readonly user: string; readonly pass: string };
  readonly consumer: { readonly user: string; readonly pass: string };
  /** Environment for `rx-market gateway` (NATS part). */
  readonly gatewayEnv: Readonly<Record<string, string>>;
  stop(): Promise<void>;
  /** Stops (SIGKILL when `hard`) and starts again on the same ports and store. */
  restart(options?: { hard?: boolean; downMs?: number }): Promise<void>;
  log(): string;
}

export function natsServerBinary(): string {
  try {
    return execFileSync('sh', ['-c', 'command -v nats-server'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('nats-server is not installed: run `apt-get install -y nats-server` (Debian package; .ci/run installs it)');
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

const running = new Set<ChildProcess>();

async function waitForPort(port: number, child: ChildProcess, log: () => string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nats-server exited with ${child.exitCode}:\n${log()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok && /Server is ready/.test(log())) return;
    if (Date.now() > deadline) throw new Error(`nats-server did not start on ${port}:\n${log()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function startNatsServer(): Promise<NatsServer> {
  const binary = natsServerBinary();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rxm-nats-'));
  const port = await freePort();
  const wsPort = await freePort();
  const gateway = { user: 'gateway', pass: `gw-${Math.random().toString(36).slice(2)}` };
  const consumer = { user: 'consumer', pass: `c-${Math.random().toString(36).slice(2)}` };
  const confPath = path.join(dir, 'nats-server.conf');
  fs.writeFileSync(
    confPath,
    natsServerConfig({ port, wsPort, storeDir: path.join(dir, 'js'), gatewayPassword: gateway.pass, consumerPassword: consumer.pass }),
  );
  let child: ChildProcess;
  let output = '';
  const launch = async (): Promise<void> => {
    output = '';
    child = spawn(binary, ['-c', confPath], { stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(child);
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    child.on('exit', () => running.delete(child));
    await waitForPort(port, child, () => output);
  };
  const halt = async (signal: NodeJS.Signals): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill(signal);
    await exited;
  };
  await launch();
  return {
    url: `nats://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${wsPort}`,
    port,
    dir,
    get pid() {
      return child.pid;
    },
    gateway,
    consumer,
    gatewayEnv: { RXM_NATS_URL: `nats://127.0.0.1:${port}`, RXM_NATS_USER: gateway.user, RXM_NATS_PASSWORD: gateway.pass },
    stop: async () => {
      await halt('SIGTERM');
      fs.rmSync(dir, { recursive: true, force: true });
    },
    restart: async (o = {}) => {
      await halt(o.hard ? 'SIGKILL' : 'SIGTERM');
      if (o.downMs) await new Promise((r) => setTimeout(r, o.downMs));
      await launch();
    },
    log: () => output,
  };
}

/** For afterAll: no nats-server outlives the tests. */
export function killNatsServers(): void {
  for (const c of running) c.kill('SIGKILL');
}
