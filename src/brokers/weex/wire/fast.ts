/**
 * Hand-written readers for the busiest pushes (trades, depth), beside their io-ts codecs: one
 * pass over the parsed JSON, no regular expressions, no io-ts contexts. A reader gives the push
 * only when the codec would accept it *and* give back the input unchanged (numbers already
 * numbers, tuples of exactly two); anything else, valid or not, is left to the codec, which
 * decides and says why. So the result is always the codec's (`__tests__/weex/fast-path.test.ts`).
 */
import { DepthPush, TradePush } from './public-pushes';

const MAX_TIME = 8.64e15;

const isRecord = (u: unknown): u is Record<string, unknown> => typeof u === 'object' && u !== null && !Array.isArray(u);
const isTime = (u: unknown): u is number => typeof u === 'number' && Number.isSafeInteger(u) && u >= 0 && u <= MAX_TIME;

/** Digits from `i`, between `min` and `max` of them; the index after them, or -1. */
function digitsAt(s: string, i: number, min: number, max: number): number {
  const start = i;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) break;
    i++;
  }
  const n = i - start;
  return n < min || n > max ? -1 : i;
}

/**
 * The value of a decimal string (`/^-?\d{1,30}(\.\d{1,30})?([eE][-+]?\d{1,3})?$/`, finite), or
 * undefined. The same test as `DecimalString`, without the regular expression.
 */
export function decimalValue(u: unknown): number | undefined {
  if (typeof u !== 'string') return undefined;
  let i = u.charCodeAt(0) === 45 ? 1 : 0;
  i = digitsAt(u, i, 1, 30);
  if (i < 0) return undefined;
  if (u.charCodeAt(i) === 46) {
    i = digitsAt(u, i + 1, 1, 30);
    if (i < 0) return undefined;
  }
  const c = u.charCodeAt(i);
  if (c === 101 || c === 69) {
    const s = u.charCodeAt(i + 1);
    i = digitsAt(u, s === 43 || s === 45 ? i + 2 : i + 1, 1, 3);
    if (i < 0) return undefined;
  }
  if (i !== u.length) return undefined;
  const n = Number(u);
  return Number.isFinite(n) ? n : undefined;
}

const isPrice = (u: unknown): boolean => {
  const n = decimalValue(u);
  return n !== undefined && n > 0;
};
const isSize = (u: unknown): boolean => {
  const n = decimalValue(u);
  return n !== undefined && n >= 0;
};

/** A trade push as `TradePush` decodes it, or undefined (then the codec decides). */
export function readTradePush(u: unknown): TradePush | undefined {
  if (!isRecord(u) || (u.e !== 'trade' && u.e !== 'tradeSnapshot') || !isTime(u.E) || typeof u.s !== 'string') return undefined;
  const d = u.d;
  if (!Array.isArray(d)) return undefined;
  for (let i = 0; i < d.length; i++) {
    const x = d[i] as unknown;
    if (!isRecord(x) || !isTime(x.T) || !isPrice(x.p) || !isSize(x.q) || typeof x.m !== 'boolean') return undefined;
    if ((x.t !== undefined && typeof x.t !== 'string') || (x.v !== undefined && decimalValue(x.v) === undefined)) return undefined;
  }
  return u as unknown as TradePush;
}

function levelsOk(levels: unknown): boolean {
  if (!Array.isArray(levels)) return false;
  for (let i = 0; i < levels.length; i++) {
    const l = levels[i] as unknown;
    if (!Array.isArray(l) || l.length !== 2 || !isPrice(l[0]) || !isSize(l[1])) return false;
  }
  return true;
}

/** A depth push as `DepthPush` decodes it, or undefined (then the codec decides). */
export function readDepthPush(u: unknown): DepthPush | undefined {
  if (!isRecord(u) || (u.e !== 'depth' && u.e !== 'depthSnapshot') || !isTime(u.E) || typeof u.s !== 'string') return undefined;
  if (!isId(u.U) || !isId(u.u) || !levelsOk(u.b) || !levelsOk(u.a)) return undefined;
  if ((u.l !== undefined && !isId(u.l)) || (u.d !== undefined && typeof u.d !== 'string')) return undefined;
  return u as unknown as DepthPush;
}

/** An update id (`IntLike`) already a number. */
const isId = (u: unknown): u is number => typeof u === 'number' && Number.isSafeInteger(u);
