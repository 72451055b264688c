import type { Command } from 'commander';

/** Where a command writes and what it reads; tests pass their own. */
export interface CliIO {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export interface CliContext {
  readonly io: CliIO;
  /** The process exit code once the command is done (0 unless set). */
  setExitCode(code: number): void;
}

/** A CLI command module: adds its command to the program. */
export type RegisterCommand = (program: Command, context: CliContext) => void;

/** Exit codes shared by every command. */
export const exitCodes = {
  ok: 0,
  /** A fatal feed error (rejected credentials, bad configuration). */
  fatal: 1,
  /** Bad command-line usage. */
  usage: 2,
  /** The --timeout passed before the requested events arrived. */
  timeout: 3,
  /** Interrupted (Ctrl-C). */
  interrupted: 130,
} as const;
