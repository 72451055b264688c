/**
 * KIS value conventions, decoded once: every value is a string; numbers may carry a sign and
 * leading zeros (`-100`, `000003190`); an empty string means "no value"; prices are signed by a
 * separate sign code (1–5); times are HHMMSS in KST.
 */
import * as t from 'io-ts';
import { Direction, Side, kstDate, kstTime } from '../../../model';
import { isDigits, readNumber } from '../../../core/wire-number';

/**
 * A number as KIS writes it, or undefined: bounded at 20 integer and 12 fraction digits, so every
 * number read is finite and exact enough for the model (a 400-digit value is a decode error, not
 * Infinity); surrounding white space is allowed. What `/^[+-]?\d{1,20}(\.\d{1,12})?$/` accepts
 * after `trim()`, read without regular expressions (src/core/wire-number.ts).
 */
export function kisNumber(u: unknown): number | undefined {
  return typeof u === 'string' ? readNumber(u, true) : undefined;
}

/** A number as KIS writes it; fails on empty or non-numeric text. */
export const KisNumber = new t.Type<number, string, unknown>(
  'KisNumber',
  (u): u is number => typeof u === 'number',
  (u, c) => {
    const n = kisNumber(u);
    return n === undefined ? t.failure(u, c, 'not a number') : t.success(n);
  },
  (n) => String(n),
);

/** A number, or undefined for an empty value. */
export const OptionalKisNumber = new t.Type<number | undefined, string, unknown>(
  'OptionalKisNumber',
  (u): u is number | undefined => u === undefined || typeof u === 'number',
  (u, c) => (u === '' ? t.success(undefined) : KisNumber.validate(u, c)),
  (n) => (n === undefined ? '' : String(n)),
);

/** A six-digit HHMMSS time. */
export const Hhmmss = new t.Type<string, string, unknown>(
  'HHMMSS',
  (u): u is string => typeof u === 'string',
  (u, c) => (typeof u === 'string' && isDigits(u, 6) ? t.success(u) : t.failure(u, c, 'not an HHMMSS time')),
  t.identity,
);

/** A non-empty instrument code. */
export const Code = new t.Type<string, string, unknown>(
  'Code',
  (u): u is string => typeof u === 'string',
  (u, c) => (typeof u === 'string' && u.trim() !== '' ? t.success(u.trim()) : t.failure(u, c, 'empty code')),
  t.identity,
);

const directions: ReadonlyMap<string, Direction> = new Map([
  ['1', 'up'],
  ['2', 'up'],
  ['3', 'flat'],
  ['4', 'down'],
  ['5', 'down'],
]);

/** The direction of a 1–5 sign code; undefined for anything else (a Map: no `constructor`). */
export function directionOfSign(code: string): Direction | undefined {
  return directions.get(code);
}

/** The 1–5 sign code (upper limit, rise, unchanged, lower limit, fall) as a direction. */
export const DirectionFromSign = new t.Type<Direction | undefined, string, unknown>(
  'DirectionFromSign',
  (u): u is Direction | undefined => u === undefined || u === 'up' || u === 'down' || u === 'flat',
  (u, c) => (typeof u === 'string' ? t.success(directions.get(u)) : t.failure(u, c, 'not a sign code')),
  (d) => (d === 'up' ? '2' : d === 'down' ? '5' : d === 'flat' ? '3' : ''),
);

/**
 * The trade class (CCLD_DVSN, CNTG_CLS_CODE) as the aggressor side: 1 buy, 5 sell; 3 (pre-open
 * auction) and anything else have no side. NXT/UN are assumed to use KRX's codes (the notes flag
 * this as unverified).
 */
export const SideFromTradeClass = new t.Type<Side | undefined, string, unknown>(
  'SideFromTradeClass',
  (u): u is Side | undefined => u === undefined || u === 'buy' || u === 'sell',
  (u, c) => (typeof u === 'string' ? t.success(sideOfTradeClass(u)) : t.failure(u, c, 'not a class')),
  (s) => (s === 'buy' ? '1' : s === 'sell' ? '5' : '3'),
);

/** The aggressor side of a trade class: 1 buy, 5 sell, anything else none. */
export function sideOfTradeClass(code: string): Side | undefined {
  return code === '1' ? 'buy' : code === '5' ? 'sell' : undefined;
}

/** A KIS number with the sign of a separate sign code applied (prices are sent unsigned). */
export function signed(value: number, direction: Direction | undefined): number {
  return direction === 'down' ? -Math.abs(value) : value;
}

/**
 * The ISO time of an HHMMSS on a business date; without a valid date (books, notices and
 * market-operation records carry none) the KST date of `now` is used.
 */
export function kisTime(hhmmss: string, businessDate: string | undefined, now: number): { time: string; timestamp: number } | undefined {
  const date = businessDate !== undefined && isDigits(businessDate, 8) ? businessDate : kstDate(now);
  return kstTime(date, hhmmss);
}

/** An instant as ISO-8601 in KST, for records with no time of their own. */
export function kstInstant(now: number): { time: string; timestamp: number } {
  const shifted = new Date(now + 9 * 3_600_000);
  const hhmmss = [shifted.getUTCHours(), shifted.getUTCMinutes(), shifted.getUTCSeconds()].map((n) => String(n).padStart(2, '0')).join('');
  // Whole seconds, like every other KIS time, so `timestamp` is exactly `time`.
  return kstTime(kstDate(now), hhmmss)!;
}

/** Why an io-ts decode failed, in one line naming the fields. */
export function describeErrors(errors: t.Errors): string {
  const parts = errors.map((e) => {
    const path = e.context
      .map((c) => c.key)
      .filter((k) => k !== '')
      .join('.');
    const value = JSON.stringify(e.value);
    return `${path || 'value'}: ${e.message ?? 'invalid'} (${value})`;
  });
  return [...new Set(parts)].slice(0, 3).join('; ');
}

/**
 * Decodes the fields a mapping needs with an io-ts `t.type`, handing it only those fields:
 * records have up to 66, and io-ts copies the whole input object when it converts a value.
 */
export function decodeFields<P extends t.Props>(
  codec: t.TypeC<P>,
  fields: Readonly<Record<string, string>>,
): t.Validation<t.TypeOf<t.TypeC<P>>> {
  const needed: Record<string, string | undefined> = {};
  for (const k of Object.keys(codec.props)) needed[k] = fields[k];
  return codec.decode(needed);
}
