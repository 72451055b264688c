import { FeedError } from './errors';

const MASK = '***';

/**
 * Removes every secret from a text. Secrets shorter than 4 characters are ignored: masking them
 * would shred ordinary words and they are not credentials anyway.
 */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) {
    if (s.length >= 4 && out.includes(s)) out = out.split(s).join(MASK);
  }
  return out;
}

/** The same error with secrets removed from its message and raw frame. */
export function redactError(err: FeedError, secrets: readonly string[]): FeedError {
  if (secrets.length === 0) return err;
  const message = redact(err.message, secrets);
  const raw = err.raw === undefined ? undefined : redact(err.raw, secrets);
  return message === err.message && raw === err.raw ? err : err.with({ message, raw });
}
