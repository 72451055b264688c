import { ChildProcess, spawn } from 'child_process';
import path from 'path';

/** The built CLI, as users run it (`npm test` builds dist/ first, in `pretest`). */
export const bin = path.join(__dirname, '..', '..', 'bin', 'rx-market.js');

export interface CliRun {
  readonly child: ChildProcess;
  /** The exit code. */
  readonly code: Promise<number | null>;
  /** The exit code with everything printed. */
  readonly done: Promise<{ code: number | null; stdout: string; stderr: string }>;
  /** What was printed so far. */
  stdout(): string;
  stderr(): string;
}

const running = new Set<ChildProcess>();

/** Runs `rx-market ...` in its own process with only PATH and `env` in its environment. */
export function spawnCli(args: readonly string[], env: Readonly<Record<string, string>>): CliRun {
  const child = spawn(process.execPath, [bin, ...args], {
    cwd: path.join(__dirname, '..', '..'),
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const code = new Promise<number | null>((resolve) =>
    child.on('close', (c) => {
      running.delete(child);
      resolve(c);
    }),
  );
  return { child, code, done: code.then((c) => ({ code: c, stdout: out, stderr: err })), stdout: () => out, stderr: () => err };
}

/** Kills every CLI process a test left running (for afterEach). */
export function killRunningClis(): void {
  for (const child of running) if (child.exitCode === null) child.kill();
  running.clear();
}
