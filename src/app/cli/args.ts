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

/** `--backfill`: a duration (`90s`, `5m`, `2h`, `500ms`) or a count of trades (`200`). */
export type BackfillSpec = { readonly ms: number } | { readonly count: number };

const UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

export function backfillSpec(value: string): BackfillSpec {
  const v = value.trim();
  if (/^\d+$/.test(v) && Number(v) > 0) return { count: Number(v) };
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(v);
  if (m && Number(m[1]) > 0) return { ms: Number(m[1]) * UNITS[m[2]] };
  throw new InvalidArgumentError('expected a duration (90s, 5m, 2h) or a count of trades (200)');
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
