import * as t from 'io-ts';

/**
 * The small pieces every WEEX V3 codec is built from. WEEX sends prices and sizes as decimal
 * strings; codecs keep them as strings (exact, for `raw`) and check their form, and the mapping
 * to the model parses them once.
 */

const DECIMAL = /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/;

/** A decimal number written as a string ("65000.1", "0", "-0.0196"). Kept as the exact string. */
export const DecimalString = new t.Type<string, string, unknown>(
  'DecimalString',
  (u): u is string => typeof u === 'string' && DECIMAL.test(u),
  (u, c) => (typeof u === 'string' && DECIMAL.test(u) ? t.success(u) : t.failure(u, c, 'expected a decimal string')),
  t.identity,
);

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

/** A request id: WEEX echoes the client's string id; error frames may carry it as a number. */
export const RequestId = new t.Type<string, string, unknown>(
  'RequestId',
  (u): u is string => typeof u === 'string',
  (u, c) =>
    typeof u === 'string' ? t.success(u) : typeof u === 'number' && Number.isFinite(u) ? t.success(String(u)) : t.failure(u, c),
  t.identity,
);

/** A time field inside private records: "1747203188148" or 1747203188148, kept as sent. */
export const TimeField = t.union([t.string, t.number]);

/** One book level on the wire: [price, quantity]; quantity "0" deletes the level. */
export const WireLevel = t.tuple([DecimalString, DecimalString]);
export type WireLevel = t.TypeOf<typeof WireLevel>;
