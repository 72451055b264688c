/**
 * Exact rational arithmetic on BigInt, for the operators that sum prices × sizes.
 *
 * Why: `0.1 + 0.2 !== 0.3` in doubles, so a crypto VWAP or PnL summed in floats drifts, and a
 * sliding-window sum kept by adding and subtracting never returns to its true value. Here every
 * input number is read as the decimal it prints as (`String(0.1)` is "0.1", so 0.1 is 1/10), sums,
 * products and quotients are exact fractions, and a result is converted to the nearest double
 * once, when it is emitted. Integer KRW prices and sizes are exact either way; this path costs
 * BigInt operations but keeps one code path for every venue.
 */

/**
 * The fraction n/d, d > 0. Not always in lowest terms: sums of decimals keep their power-of-ten
 * denominator (cheap), and fractions are reduced only by division, output, or when the
 * denominator grows past 10^24.
 */
export interface Exact {
  readonly n: bigint;
  readonly d: bigint;
}

export const ZERO: Exact = { n: 0n, d: 1n };

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/;

function abs(x: bigint): bigint {
  return x < 0n ? -x : x;
}

function gcd(a: bigint, b: bigint): bigint {
  a = abs(a);
  b = abs(b);
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

function reduce(n: bigint, d: bigint): Exact {
  if (d === 0n) throw new RangeError('division by zero');
  if (d < 0n) {
    n = -n;
    d = -d;
  }
  if (d === 1n) return { n, d };
  const g = gcd(n, d);
  return g === 1n ? { n, d } : { n: n / g, d: d / g };
}

/**
 * The decimal a JS number prints as, exactly: `exact(0.1)` is 1/10, not the binary double
 * 0.1000000000000000055…. Throws a RangeError for NaN and ±Infinity.
 */
export function exact(x: number): Exact {
  if (Number.isInteger(x)) return { n: BigInt(x), d: 1n };
  if (!Number.isFinite(x)) throw new RangeError(`not a finite number: ${x}`);
  const m = DECIMAL.exec(String(x));
  /* istanbul ignore next -- every finite double prints in this form */
  if (!m) throw new RangeError(`cannot read ${x} as a decimal`);
  const [, sign, int, frac = '', e = '0'] = m;
  const exp = Number(e) - frac.length;
  let n = BigInt(sign + int + frac);
  let d = 1n;
  if (exp >= 0) n *= 10n ** BigInt(exp);
  else d = 10n ** BigInt(-exp);
  return { n, d };
}

const LARGE = 10n ** 24n;

/** n/d as is while d is small; reduced once it grows large. */
function tidy(n: bigint, d: bigint): Exact {
  return d > LARGE ? reduce(n, d) : { n, d };
}

export function add(a: Exact, b: Exact): Exact {
  if (a.d === b.d) return { n: a.n + b.n, d: a.d };
  // Decimals of different scales: one denominator divides the other.
  if (a.d > b.d && a.d % b.d === 0n) return { n: a.n + b.n * (a.d / b.d), d: a.d };
  if (b.d > a.d && b.d % a.d === 0n) return { n: b.n + a.n * (b.d / a.d), d: b.d };
  return tidy(a.n * b.d + b.n * a.d, a.d * b.d);
}

export function sub(a: Exact, b: Exact): Exact {
  return add(a, neg(b));
}

export function neg(a: Exact): Exact {
  return { n: -a.n, d: a.d };
}

export function mul(a: Exact, b: Exact): Exact {
  return tidy(a.n * b.n, a.d * b.d);
}

/** a / b; throws a RangeError when b is zero. */
export function div(a: Exact, b: Exact): Exact {
  return reduce(a.n * b.d, a.d * b.n);
}

/** -1, 0 or 1. */
export function sign(a: Exact): -1 | 0 | 1 {
  return a.n === 0n ? 0 : a.n < 0n ? -1 : 1;
}

export function compare(a: Exact, b: Exact): -1 | 0 | 1 {
  return sign(sub(a, b));
}

export function min(a: Exact, b: Exact): Exact {
  return compare(a, b) <= 0 ? a : b;
}

export function absExact(a: Exact): Exact {
  return a.n < 0n ? neg(a) : a;
}

const SAFE = 2n ** 53n;
const DIGITS = 21;

/**
 * The double nearest to a/b. Exact when numerator and denominator are at most 2^53 (one IEEE
 * division of exact operands); beyond that the quotient is taken to 21 significant digits first,
 * which can differ from the nearest double only in a tie at the 17th digit.
 */
export function toNumber(a: Exact): number {
  if (a.d === 1n) return Number(a.n);
  if (abs(a.n) > SAFE || a.d > SAFE) a = reduce(a.n, a.d);
  if (a.d === 1n) return Number(a.n);
  if (abs(a.n) <= SAFE && a.d <= SAFE) return Number(a.n) / Number(a.d);
  const scale = Math.max(0, DIGITS + a.d.toString().length - abs(a.n).toString().length);
  const q = (a.n * 10n ** BigInt(scale)) / a.d;
  return Number(`${q}e-${scale}`);
}

/** The exact value as a decimal string where it terminates, else as "n/d". For messages and tests. */
export function toString(a: Exact): string {
  a = reduce(a.n, a.d);
  let d = a.d;
  let twos = 0;
  let fives = 0;
  while (d % 2n === 0n) {
    d /= 2n;
    twos++;
  }
  while (d % 5n === 0n) {
    d /= 5n;
    fives++;
  }
  if (d !== 1n) return `${a.n}/${a.d}`;
  const places = Math.max(twos, fives);
  if (places === 0) return a.n.toString();
  const scaled = abs(a.n * (10n ** BigInt(places) / a.d))
    .toString()
    .padStart(places + 1, '0');
  return `${a.n < 0n ? '-' : ''}${scaled.slice(0, -places)}.${scaled.slice(-places)}`;
}

/**
 * `a` itself when its denominator is at most 10^places; otherwise `a` rounded to `places`
 * decimal places (half away from zero). Bounds the growth of repeated divisions.
 */
export function limitPlaces(a: Exact, places: number): Exact {
  const scale = 10n ** BigInt(places);
  if (a.d <= scale) return a;
  a = reduce(a.n, a.d);
  if (a.d <= scale) return a;
  const twice = (2n * abs(a.n) * scale) / a.d;
  const q = (twice + 1n) / 2n;
  return reduce(a.n < 0n ? -q : q, scale);
}
