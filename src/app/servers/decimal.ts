/**
 * Exact decimal arithmetic on the strings a venue prints: `65000.2 × 0.145 = 9425.029`, never
 * `9425.028999999999`. Numbers are scaled BigInts (digits, decimal places); results are printed
 * without trailing zeros beyond what the operands carry, so they read like exchange strings.
 */

interface Scaled {
  readonly digits: bigint;
  readonly places: number;
}

/** A JavaScript number as the shortest decimal string that round-trips (no exponent). */
export function decimalString(n: number): string {
  if (!Number.isFinite(n)) throw new RangeError(`not a finite number: ${n}`);
  const s = String(n);
  if (!/e/i.test(s)) return s;
  // 1e-7 and the like: expand the exponent.
  const [mantissa, exp] = s.toLowerCase().split('e');
  const e = Number(exp);
  const negative = mantissa.startsWith('-');
  const [int, frac = ''] = mantissa.replace('-', '').split('.');
  const digits = int + frac;
  const point = int.length + e;
  const out =
    point <= 0
      ? `0.${'0'.repeat(-point)}${digits}`
      : point >= digits.length
        ? digits + '0'.repeat(point - digits.length)
        : `${digits.slice(0, point)}.${digits.slice(point)}`;
  return (negative ? '-' : '') + out;
}

function parse(value: string | number): Scaled {
  const text = typeof value === 'number' ? decimalString(value) : value.trim();
  if (!/^-?\d+(\.\d+)?$/.test(text)) throw new RangeError(`not a decimal: ${JSON.stringify(value)}`);
  const negative = text.startsWith('-');
  const [int, frac = ''] = text.replace('-', '').split('.');
  const digits = BigInt(int + frac) * (negative ? -1n : 1n);
  return { digits, places: frac.length };
}

function scaleTo(a: Scaled, places: number): bigint {
  return a.digits * 10n ** BigInt(places - a.places);
}

function print(digits: bigint, places: number, minPlaces = 0): string {
  const negative = digits < 0n;
  let abs = (negative ? -digits : digits).toString().padStart(places + 1, '0');
  let int = abs.slice(0, abs.length - places);
  let frac = places > 0 ? abs.slice(abs.length - places) : '';
  while (frac.length > minPlaces && frac.endsWith('0')) frac = frac.slice(0, -1);
  abs = frac ? `${int}.${frac}` : int;
  int = abs;
  return negative && /[1-9]/.test(int) ? `-${int}` : int;
}

/** a × b, exactly. */
export function mul(a: string | number, b: string | number): string {
  const x = parse(a);
  const y = parse(b);
  return print(x.digits * y.digits, x.places + y.places);
}

/** a + b, exactly. */
export function add(a: string | number, b: string | number): string {
  const x = parse(a);
  const y = parse(b);
  const places = Math.max(x.places, y.places);
  return print(scaleTo(x, places) + scaleTo(y, places), places);
}

/** a − b, exactly. */
export function sub(a: string | number, b: string | number): string {
  const x = parse(a);
  const y = parse(b);
  const places = Math.max(x.places, y.places);
  return print(scaleTo(x, places) - scaleTo(y, places), places);
}

/** a ÷ b, truncated toward zero to `places` decimals (for ratios and averages). */
export function div(a: string | number, b: string | number, places: number): string {
  const x = parse(a);
  const y = parse(b);
  if (y.digits === 0n) return '0';
  // (x.digits / 10^xp) / (y.digits / 10^yp) scaled by 10^places
  const numerator = x.digits * 10n ** BigInt(places + y.places);
  const denominator = y.digits * 10n ** BigInt(x.places);
  return print(numerator / denominator, places);
}

/** Compares two decimals: -1, 0 or 1. */
export function cmp(a: string | number, b: string | number): number {
  const d = parse(sub(a, b)).digits;
  return d < 0n ? -1 : d > 0n ? 1 : 0;
}
