import * as t from 'io-ts';

/**
 * The small pieces every WEEX V3 codec is built from. WEEX sends prices and sizes as decimal
 * strings; codecs keep them as strings (exact, for `raw`) and check their form, and the mapping
 * to the model parses them once.
 */

/** Bounded digits and exponent: `1e999` and 400-digit strings are no decimals the model can hold. */
const DECIMAL = /^-?\d{1,30}(\.\d{1,30})?([eE][-+]?\d{1,3})?$/;

const isDecimal = (u: unknown): u is string => typeof u === 'string' && DECIMAL.test(u) && Number.isFinite(Number(u));

/** A decimal number written as a string ("65000.1", "0", "-0.0196"), finite. Kept as the exact string. */
export const DecimalString = new t.Type<string, string, unknown>(
  'DecimalString',
  isDecimal,
  (u, c) => (isDecimal(u) ? t.success(u) : t.failure(u, c, 'expected a finite decimal string')),
  t.identity,
);

/** A decimal string within a domain (prices > 0, sizes ≥ 0), for fields where the model needs it. */
function decimalWhere(name: string, ok: (n: number) => boolean, what: string): t.Type<string, string, unknown> {
  const is = (u: unknown): u is string => isDecimal(u) && ok(Number(u));
  return new t.Type<string, string, unknown>(name, is, (u, c) => (is(u) ? t.success(u) : t.failure(u, c, `expected ${what}`)), t.identity);
}

/** A price: a decimal string above 0. */
export const PositivePrice = decimalWhere('PositivePrice', (n) => n > 0, 'a price above 0');

/** A size or quantity: a decimal string, 0 or more. */
export const NonNegativeSize = decimalWhere('NonNegativeSize', (n) => n >= 0, 'a size of 0 or more');

/**
 * An integer sent as a JSON number or as a digit string (epoch ms, update ids), decoded to a
 * number. Update ids seen in samples (~1.4e10) are far below 2^53, so numbers are exact.
 */
export const IntLike = new t.Type<number, number, unknown>(
  'IntLike',
  (u): u is number => typeof u === 'number' && Number.isSafeInteger(u),
  (u, c) => {
    if (typeof u === 'number' && Number.isSafeInteger(u)) return t.success(u);
    if (typeof u === 'string' && /^-?\d{1,16}$/.test(u)) {
      const n = Number(u);
      if (Number.isSafeInteger(n)) return t.success(n);
    }
    return t.failure(u, c, 'expected an integer');
  },
  t.identity,
);

/** An epoch-ms time a Date can hold (0 to 8.64e15), as a JSON number or a digit string. */
export const BoundedTime = new t.Type<number, number, unknown>(
  'BoundedTime',
  (u): u is number => typeof u === 'number' && Number.isSafeInteger(u) && u >= 0 && u <= 8.64e15,
  (u, c) => {
    const r = IntLike.validate(u, c);
    if (r._tag === 'Left') return r;
    return r.right >= 0 && r.right <= 8.64e15 ? t.success(r.right) : t.failure(u, c, 'expected a time within the Date range');
  },
  t.identity,
);

/** A request id: WEEX echoes the client's string id; error frames may carry it as a number. */
export const RequestId = new t.Type<string, string, unknown>(
  'RequestId',
  (u): u is string => typeof u === 'string',
  (u, c) => (typeof u === 'string' ? t.success(u) : typeof u === 'number' && Number.isFinite(u) ? t.success(String(u)) : t.failure(u, c)),
  t.identity,
);

/** A time field inside private records: "1747203188148" or 1747203188148, kept as sent. */
export const TimeField = t.union([t.string, t.number]);

/** One book level on the wire: [price, quantity]; quantity "0" deletes the level. */
export const WireLevel = t.tuple([PositivePrice, NonNegativeSize]);
export type WireLevel = t.TypeOf<typeof WireLevel>;
