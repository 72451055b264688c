/**
 * Number readers for wire text, over char codes rather than regular expressions: the brokers'
 * decoders call them for every value of every record (a Kiwoom 0D record has 200).
 *
 * `readNumber(s, true)` accepts exactly what `/^\s*[+-]?\d{1,20}(\.\d{1,12})?\s*$/` accepts
 * (`false`: without the fraction), and gives what `Number(s)` gives. Bounded at 20 integer and 12
 * fraction digits, so every value read is finite; a 400-digit one is unreadable. The broker tests
 * (`__tests__/*\/fast-path.test.ts`) check it against those expressions on random strings.
 */

/** `\s` of a JavaScript regular expression: the white space `trim()` and `Number()` remove. */
export function isSpace(c: number): boolean {
  return (
    c === 32 ||
    (c >= 9 && c <= 13) ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/**
 * A bounded decimal number (`fraction`: a fraction part is allowed), or undefined for anything
 * else. Integers of up to 15 digits are summed exactly; longer ones and fractions go through
 * `Number()`, which rounds them.
 */
export function readNumber(s: string, fraction: boolean): number | undefined {
  let i = 0;
  let end = s.length;
  while (i < end && isSpace(s.charCodeAt(i))) i++;
  while (end > i && isSpace(s.charCodeAt(end - 1))) end--;
  let c = s.charCodeAt(i);
  let negative = false;
  if (c === 43 || c === 45) {
    negative = c === 45;
    i++;
  }
  const start = i;
  let n = 0;
  while (i < end) {
    c = s.charCodeAt(i);
    if (c < 48 || c > 57) break;
    n = n * 10 + (c - 48);
    i++;
  }
  const digits = i - start;
  if (digits < 1 || digits > 20) return undefined;
  if (i === end) return digits <= 15 ? (negative ? -n : n) : Number(s);
  if (!fraction || c !== 46) return undefined;
  const from = ++i;
  while (i < end) {
    c = s.charCodeAt(i);
    if (c < 48 || c > 57) return undefined;
    i++;
  }
  const places = i - from;
  return places < 1 || places > 12 ? undefined : Number(s);
}

/** Whether `s` is exactly `length` ASCII digits (`/^\d{length}$/`). */
export function isDigits(s: string, length: number): boolean {
  if (s.length !== length) return false;
  for (let i = 0; i < length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}
