/**
 * The outer shape of a KIS text frame. Data frames are `E|TR_ID|NNN|payload` where E is 0 (clear)
 * or 1 (encrypted) and NNN the record count; everything else is a JSON control message.
 */

export interface DataEnvelope {
  readonly encrypted: boolean;
  readonly trId: string;
  readonly count: number;
  /** `^`-separated values, or base64 ciphertext when `encrypted`. */
  readonly payload: string;
}

export type Envelope =
  | { readonly type: 'data'; readonly envelope: DataEnvelope }
  | { readonly type: 'control'; readonly text: string }
  | { readonly type: 'malformed'; readonly reason: string };

/** Whether a frame is a data frame (its first character is 0 or 1). */
export function isDataFrame(frame: string): boolean {
  const c = frame.charCodeAt(0);
  return c === 48 || c === 49;
}

/** Splits a frame into its envelope; the payload keeps any `|` after the third one. */
export function parseEnvelope(frame: string): Envelope {
  if (!isDataFrame(frame)) return { type: 'control', text: frame };
  const a = frame.indexOf('|');
  const b = a < 0 ? -1 : frame.indexOf('|', a + 1);
  const c = b < 0 ? -1 : frame.indexOf('|', b + 1);
  if (c < 0) return { type: 'malformed', reason: 'data frame without the E|TR_ID|NNN| envelope' };
  const flag = frame.slice(0, a);
  const trId = frame.slice(a + 1, b);
  const countText = frame.slice(b + 1, c);
  if (flag !== '0' && flag !== '1') return { type: 'malformed', reason: `unknown encryption flag ${JSON.stringify(flag)}` };
  if (!isTrId(trId)) return { type: 'malformed', reason: `invalid tr_id ${JSON.stringify(trId)}` };
  const count = countOf(countText);
  if (count === 0) return { type: 'malformed', reason: `invalid record count ${JSON.stringify(countText)}` };
  return { type: 'data', envelope: { encrypted: flag === '1', trId, count, payload: frame.slice(c + 1) } };
}

/** `/^[A-Z0-9]+$/` without the regular expression (every frame has one). */
function isTrId(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 65 && c <= 90) || (c >= 48 && c <= 57))) return false;
  }
  return true;
}

/** The value of 1–4 digits (`/^\d{1,4}$/`), or 0 for anything else. */
function countOf(s: string): number {
  if (s.length < 1 || s.length > 4) return 0;
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return 0;
    n = n * 10 + (c - 48);
  }
  return n;
}

/** Builds a data frame (used by the loopback server and tests). */
export function formatEnvelope(e: DataEnvelope): string {
  return `${e.encrypted ? '1' : '0'}|${e.trId}|${String(e.count).padStart(3, '0')}|${e.payload}`;
}
