/**
 * Kiwoom value conventions, decoded once. Every FID value is a string:
 * - prices carry their direction against the previous close as a sign: `-60700` is 60 700 KRW,
 *   below the close; `+` above; no sign or a leading space (` 67300`) unchanged;
 * - the sign of a trade's volume (FID 15) is the aggressor: `+` buy-initiated, `-` sell-initiated;
 * - deltas and rates are plain signed numbers; quantities are unsigned;
 * - times are HHMMSS in KST, `000000` meaning "none"; dates YYYYMMDD, `00000000` meaning "none".
 *
 * Each piece below is an io-ts codec from one non-empty wire string to one value. Empty and
 * whitespace-only strings never reach a piece: the field table treats them as "absent".
 * A piece may decode to `undefined` ("present but says nothing", e.g. `000000` for a time).
 */
import * as t from 'io-ts';
import { Direction, Side } from '../../../model';
import { isDigits, readNumber as readWireNumber } from '../../../core/wire-number';

/** Marks a value a piece cannot read. */
export const INVALID = Symbol('invalid');

/**
 * A codec for one FID value. `parse` is the same decoding without io-ts' result objects, for
 * the field tables' hot path (a 0D record has 200 values).
 */
export interface Piece<A> extends t.Type<A | undefined, string, string> {
  readonly parse: (s: string) => A | undefined | typeof INVALID;
}

/** The output type of a piece. */
export type PieceOf<P> = P extends Piece<infer A> ? A : never;

/** A bounded number (see src/core/wire-number.ts: no regular expressions on the hot path). */
function readNumber(s: string, fraction: boolean): number | typeof INVALID {
  const n = readWireNumber(s, fraction);
  return n === undefined ? INVALID : n;
}

function piece<A>(name: string, parse: (s: string) => A | undefined | typeof INVALID, encode: (a: A) => string): Piece<A> {
  const type = new t.Type<A | undefined, string, string>(
    name,
    (_u): _u is A | undefined => true,
    (s, c) => {
      const out = parse(s);
      return out === INVALID ? t.failure(s, c, `not a ${name}: ${JSON.stringify(s)}`) : t.success(out);
    },
    (a) => (a === undefined ? '' : encode(a)),
  );
  return Object.assign(type, { parse });
}

/**
 * Where the leading sign points: '+' up, '-' down, anything else flat. Only a leading space is
 * looked past (as before the scanner: a tab-led `\t-5` is flat).
 */
function signOf(s: string): Direction {
  const c = s.charCodeAt(0) === 32 ? s.trimStart().charCodeAt(0) : s.charCodeAt(0);
  return c === 43 ? 'up' : c === 45 ? 'down' : 'flat';
}

/** A signed price read as its magnitude (the sign is its direction, see `direction`). */
export const price: Piece<number> = piece(
  'price',
  (s) => {
    const n = readNumber(s, true);
    return n === INVALID ? n : Math.abs(n);
  },
  (n) => String(n),
);

/** The direction a signed price carries against the previous close. */
export const direction: Piece<Direction> = piece(
  'direction',
  (s) => (readNumber(s, true) === INVALID ? INVALID : signOf(s)),
  // Encoded as the sign prefix alone; the field table prefixes it to the magnitude.
  (d) => (d === 'up' ? '+' : d === 'down' ? '-' : ''),
);

/** A signed number kept signed: changes and deltas (`-50` is -50). */
export const signedNumber: Piece<number> = piece(
  'signed number',
  (s) => readNumber(s, true),
  (n) => (n > 0 ? `+${n}` : String(n)),
);

/** A plain number (ratios, greeks, NAV without direction). */
export const decimal: Piece<number> = piece(
  'number',
  (s) => readNumber(s, true),
  (n) => String(n),
);

/** A percentage, signed where the wire signs it (`-0.24`). */
export const rate: Piece<number> = piece(
  'rate',
  (s) => readNumber(s, true),
  (n) => (n > 0 ? `+${n.toFixed(2)}` : n.toFixed(2)),
);

/** A quantity: a non-negative integer. */
export const qty: Piece<number> = piece(
  'quantity',
  (s) => {
    const n = readNumber(s, false);
    return n === INVALID || n < 0 ? INVALID : n;
  },
  (n) => String(n),
);

/** A signed integer quantity (volume changes, net quantities). */
export const signedQty: Piece<number> = piece(
  'signed quantity',
  (s) => readNumber(s, false),
  (n) => (n > 0 ? `+${n}` : String(n)),
);

/** The magnitude of a signed trade volume (FID 15): the trade's size. */
export const size: Piece<number> = piece(
  'size',
  (s) => {
    const n = readNumber(s, false);
    return n === INVALID ? n : Math.abs(n);
  },
  (n) => String(n),
);

/** The aggressor side a signed trade volume carries: '+' buy, '-' sell, unsigned = not said. */
export const aggressor: Piece<Side> = piece(
  'aggressor side',
  (s) => {
    if (readNumber(s, false) === INVALID) return INVALID;
    const d = signOf(s);
    return d === 'up' ? 'buy' : d === 'down' ? 'sell' : undefined;
  },
  (side) => (side === 'buy' ? '+' : '-'),
);

/** Text, trimmed. */
export const text: Piece<string> = piece(
  'text',
  (s) => s.trim(),
  (x) => x,
);

/** A flag: Y/N. */
export const flag: Piece<boolean> = piece(
  'flag',
  (s) => {
    const v = s.trim().toUpperCase();
    return v === 'Y' ? true : v === 'N' ? false : INVALID;
  },
  (b) => (b ? 'Y' : 'N'),
);

/**
 * An instrument code. FID 9001 sometimes carries an `A` prefix (`A005930`, always in condition
 * search, sometimes in 00/02): one leading `A` on a 7-character code is stripped.
 */
export const code: Piece<string> = piece(
  'code',
  (s) => stripCodePrefix(s.trim()),
  (x) => x,
);

export function stripCodePrefix(code: string): string {
  return code.length === 7 && code[0] === 'A' ? code.slice(1) : code;
}

/** A YYYYMMDD date as `YYYY-MM-DD`; `00000000` = none. */
export const date: Piece<string> = piece(
  'date',
  (s) => {
    const v = s.trim();
    if (!isDigits(v, 8)) return INVALID;
    if (v === '00000000') return undefined;
    return `${v.slice(0, 4)}-${v.slice(4, 6)}-${v.slice(6, 8)}`;
  },
  (d) => d.replace(/-/g, ''),
);

/** An HHMMSS span (time left until the open) in seconds. */
export const duration: Piece<number> = piece(
  'duration',
  (s) => {
    const v = s.trim();
    if (!isDigits(v, 6)) return INVALID;
    return Number(v.slice(0, 2)) * 3600 + Number(v.slice(2, 4)) * 60 + Number(v.slice(4, 6));
  },
  (n) => [Math.floor(n / 3600), Math.floor((n % 3600) / 60), n % 60].map((x) => String(x).padStart(2, '0')).join(''),
);

/** Where the trading date comes from: today's KST date (YYYYMMDD) on the injected clock. */
export interface TradingDate {
  (): string;
}

/** A piece whose reading depends on the trading date: `parseOn` reads on a given date. */
export interface DatedPiece<A> extends Piece<A> {
  readonly today: TradingDate;
  readonly parseOn: (s: string, day: string) => A | undefined | typeof INVALID;
}

/**
 * An HHMMSS wall-clock time in KST as ISO-8601 (+09:00) on the trading date; `000000` = none.
 * The trading date is today's KST date from the clock, so a frame stamped 23:59:59 and decoded
 * after midnight gets the new date: KRX has no session across midnight. (A field table reads the
 * date once per record, when the record is decoded, so fields read later get the same date.)
 */
export function time(tradingDate: TradingDate): DatedPiece<string> {
  let date = '';
  let prefix = '';
  const parseOn = (s: string, day: string): string | undefined | typeof INVALID => {
    const v = s.trim();
    if (v === '000000') return undefined;
    if (!isHhmmss(v)) return INVALID;
    if (day !== date) {
      date = day;
      prefix = `${day.slice(0, 4)}-${day.slice(4, 6)}-${day.slice(6, 8)}T`;
    }
    return `${prefix}${v.slice(0, 2)}:${v.slice(2, 4)}:${v.slice(4, 6)}+09:00`;
  };
  const type = piece(
    'HHMMSS time',
    (s) => parseOn(s, tradingDate()),
    (iso) => iso.slice(11, 19).replace(/:/g, ''),
  );
  return Object.assign(type, { today: tradingDate, parseOn });
}

/** 000000 to 235959 (`/^([01]\d|2[0-3])[0-5]\d[0-5]\d$/`). */
function isHhmmss(v: string): boolean {
  if (!isDigits(v, 6)) return false;
  const h0 = v.charCodeAt(0);
  return (h0 < 50 || (h0 === 50 && v.charCodeAt(1) < 52)) && v.charCodeAt(2) < 54 && v.charCodeAt(4) < 54;
}

/** A code decoded through a table, unknown codes passed through as they are (forward-compatible). */
export function codeTable<A extends string>(name: string, table: Readonly<Record<string, A>>): Piece<A | (string & {})> {
  const reverse = new Map<string, string>(Object.entries(table).map(([k, v]) => [v, k]));
  // Own keys only: a value such as `constructor` is a code nobody defined, passed through as text.
  const known = new Map<string, A>(Object.entries(table));
  return piece<A | (string & {})>(
    name,
    (s) => {
      const v = s.trim();
      return known.get(v) ?? v;
    },
    (a) => reverse.get(a) ?? a,
  );
}

/** 전일대비기호 (FID 25 and alike): 1 limit-up, 2 up, 3 unchanged, 4 limit-down, 5 down. */
export const changeSign = codeTable('change sign', {
  '1': 'limitUp',
  '2': 'up',
  '3': 'flat',
  '4': 'limitDown',
  '5': 'down',
} as const);

/** The side of an order (FID 907): 1 sell, 2 buy. */
export const orderSide = codeTable('order side', { '1': 'sell', '2': 'buy' } as const);

/** The venue codes of 9081 / 2134: 0 SOR (integrated), 1 KRX, 2 NXT. */
export const venue = codeTable('venue', { '0': 'SOR', '1': 'KRX', '2': 'NXT' } as const);

/** Trading session (FID 290): 1 pre-market after-hours, 2 regular, 3 post-market after-hours. */
export const tradingSession = codeTable('session', { '1': 'preMarket', '2': 'regular', '3': 'postMarket' } as const);
