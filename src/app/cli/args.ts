import { InvalidArgumentError } from 'commander';

/** Option parsers and text helpers shared by the commands. */

export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive whole number');
  return n;
}

export function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a positive number');
  return n;
}

export function wholeNumber(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number');
  return n;
}

export function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65_535) throw new InvalidArgumentError('expected a port number (0-65535)');
  return n;
}

/** A value as a POSIX shell word, for the `export NAME=value` lines that sim and replay print. */
export function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]*$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** An error's message on one line (stderr lines are read by tools). */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
