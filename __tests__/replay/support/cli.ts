import { ChildProcess, spawn } from 'child_process';
import { join } from 'path';

const BIN = join(__dirname, '..', '..', '..', 'bin', 'rx-market.js');

export interface RunningCli {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or the signal's name). */
  readonly exited: Promise<number | string>;
  /** Waits until stdout or stderr matches. */
  waitFor(pattern: RegExp, where?: 'stdout' | 'stderr', ms?: number): Promise<RegExpMatchArray>;
}

/** Env without any broker credentials, so commands never think they are live. */
export function cleanEnv(extra: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(KIWOOM|KIS|WEEX)_/.test(k)) env[k] = v;
  return { ...env, ...extra };
}

/** Runs the built CLI (`npm run build` first; `npm test` does it) with stdout and stderr piped. */
export function runCli(args: readonly string[], env: NodeJS.ProcessEnv = cleanEnv()): RunningCli {
  const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitFor: async (pattern, where = 'stdout', ms = 10_000) => {
      const started = Date.now();
      for (;;) {
        const m = (where === 'stdout' ? out : err).match(pattern);
        if (m) return m;
        if (child.exitCode !== null || Date.now() - started > ms) {
          throw new Error(`no ${pattern} on ${where}; stdout: ${out.slice(-500)} stderr: ${err.slice(-500)}`);
        }
        await new Promise((r) => setTimeout(r, 25));
      }
    },
  };
}

/** `export NAME=value` lines as an object. */
export function exportedEnv(stdout: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const m of stdout.matchAll(/^export (\w+)=(.*)$/gm)) env[m[1]] = m[2].replace(/^'(.*)'$/, '$1').replace(/'\\''/g, "'");
  return env;
}
