import { FeedError } from './errors';

const MASK = '***';

/** The longest raw frame an error keeps; clipped after redaction, so no secret is cut in half. */
export const RAW_CLIP = 2_000;

/**
 * The ways a secret may be written in a frame: as is, and JSON-escaped (`/` as `\/`, quotes and
 * backslashes escaped, non-ASCII as `\uXXXX`), since frames and bodies are JSON.
 */
const spellingCache = new Map<string, readonly string[]>();

function spellings(secret: string): readonly string[] {
  const cached = spellingCache.get(secret);
  if (cached) return cached;
  if (spellingCache.size > 256) spellingCache.clear();
  const list = spell(secret);
  spellingCache.set(secret, list);
  return list;
}

function spell(secret: string): string[] {
  const json = JSON.stringify(secret).slice(1, -1);
  const out = new Set([secret, json, json.replace(/\//g, '\\/'), secret.replace(/\//g, '\\/')]);
  const ascii = json.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  out.add(ascii);
  out.add(ascii.replace(/\//g, '\\/'));
  return [...out];
}

/**
 * Removes every secret from a text, in every spelling a JSON frame may give it. Secrets shorter
 * than 4 characters are ignored: masking them would shred ordinary words and they are not
 * credentials anyway.
 */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) {
    if (typeof s !== 'string' || s.length < 4) continue;
    for (const spelling of spellings(s)) {
      if (out.includes(spelling)) out = out.split(spelling).join(MASK);
    }
  }
  return out;
}

/** A raw frame for an error: redacted first, then clipped to RAW_CLIP characters. */
export function redactRaw(raw: string, secrets: readonly string[]): string {
  const clean = redact(raw, secrets);
  return clean.length > RAW_CLIP ? `${clean.slice(0, RAW_CLIP)}…` : clean;
}

/** The same error with secrets removed from its message and raw frame (the raw then clipped). */
export function redactError(err: FeedError, secrets: readonly string[]): FeedError {
  const message = redact(err.message, secrets);
  const raw = err.raw === undefined ? undefined : redactRaw(err.raw, secrets);
  return message === err.message && raw === err.raw ? err : err.with({ message, raw });
}
