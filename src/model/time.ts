/** Time helpers shared by the KRX brokers: wire times are HHMMSS in Korea Standard Time. */

const KST_OFFSET_MS = 9 * 60 * 60 * 1000;

const DAY_MS = 24 * 60 * 60 * 1000;
/** The last day computed, by its first KST millisecond: decoders ask once per record. */
let lastDayStart = NaN;
let lastDay = '';

/** The KST calendar date (YYYYMMDD) of an instant. */
export function kstDate(epochMs: number): string {
  const start = Math.floor((epochMs + KST_OFFSET_MS) / DAY_MS) * DAY_MS;
  if (start === lastDayStart) return lastDay;
  const d = new Date(epochMs + KST_OFFSET_MS);
  const y = d.getUTCFullYear();
  const m = String(d.getUTCMonth() + 1).padStart(2, '0');
  const day = String(d.getUTCDate()).padStart(2, '0');
  const text = `${y}${m}${day}`;
  if (!Number.isNaN(d.getTime())) {
    lastDayStart = start;
    lastDay = text;
  }
  return text;
}

/** The value of the two ASCII digits of `s` at `i`, or -1. */
function twoDigits(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/** Whether `s` is `length` ASCII digits. */
function digits(s: string, length: number): boolean {
  if (s.length !== length) return false;
  for (let i = 0; i < length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/**
 * The last trading date `kstTime` saw: its ISO prefix (`YYYY-MM-DDT`) and its KST midnight as
 * `Date.parse` reads it (NaN where Date.parse refuses the date; a 31st of a 30-day month rolls
 * over as Date.parse rolls it). A time of day is then added arithmetically: records of one day
 * parse no dates.
 */
let lastDate = '';
let lastDatePrefix = '';
let lastMidnight = NaN;
/** The last time read, and what it gave: a busy stock prints many times within one second. */
let lastHhmmss = '';
let lastResult: { readonly time: string; readonly timestamp: number } | undefined;

/** A KST wall-clock time on a trading date, as ISO-8601 and epoch ms; undefined when malformed. */
export function kstTime(yyyymmdd: string, hhmmss: string): { readonly time: string; readonly timestamp: number } | undefined {
  if (hhmmss === lastHhmmss && yyyymmdd === lastDate && lastResult !== undefined) return lastResult;
  if (hhmmss.length !== 6 || !digits(yyyymmdd, 8)) return undefined;
  const h = twoDigits(hhmmss, 0);
  const mi = twoDigits(hhmmss, 2);
  const s = twoDigits(hhmmss, 4);
  if (h < 0 || mi < 0 || s < 0 || h > 23 || mi > 59 || s > 59) return undefined;
  if (yyyymmdd !== lastDate) {
    const mo = twoDigits(yyyymmdd, 4);
    const d = twoDigits(yyyymmdd, 6);
    if (mo < 1 || mo > 12 || d < 1 || d > 31) return undefined;
    lastDatePrefix = `${yyyymmdd.slice(0, 4)}-${yyyymmdd.slice(4, 6)}-${yyyymmdd.slice(6, 8)}T`;
    lastMidnight = Date.parse(`${lastDatePrefix}00:00:00+09:00`);
    lastDate = yyyymmdd;
  }
  const time = `${lastDatePrefix}${hhmmss.slice(0, 2)}:${hhmmss.slice(2, 4)}:${hhmmss.slice(4, 6)}+09:00`;
  lastHhmmss = hhmmss;
  lastResult = { time, timestamp: lastMidnight + (h * 3600 + mi * 60 + s) * 1000 };
  return lastResult;
}

/** '00'…'99' and '000'…'999': the digits of a clock reading without number → string conversions. */
const pad2: readonly string[] = Array.from({ length: 100 }, (_, n) => (n < 10 ? `0${n}` : String(n)));
const pad3: readonly string[] = Array.from({ length: 1000 }, (_, n) => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : String(n)));

/** The last UTC day `utcTime` formatted: its first epoch ms and its ISO prefix (`YYYY-MM-DDT`). */
let lastUtcDay = NaN;
let lastUtcPrefix = '';

/** ISO-8601 in UTC for venues that send epoch milliseconds. */
export function utcTime(epochMs: number): { readonly time: string; readonly timestamp: number } {
  const day = Math.floor(epochMs / DAY_MS) * DAY_MS;
  // Whole ms of a day already seen: formatted arithmetically (what toISOString gives, checked by
  // the brokers' fast-path tests); anything else (a new day, fractions, NaN) by Date itself.
  if (day !== lastUtcDay || !Number.isInteger(epochMs) || epochMs > 8.64e15) {
    const time = new Date(epochMs).toISOString();
    if (Number.isInteger(epochMs)) {
      lastUtcDay = day;
      lastUtcPrefix = time.slice(0, time.indexOf('T') + 1);
    }
    return { time, timestamp: epochMs };
  }
  let r = epochMs - day;
  const ms = r % 1000;
  r = (r - ms) / 1000;
  const s = r % 60;
  r = (r - s) / 60;
  const mi = r % 60;
  const h = (r - mi) / 60;
  return { time: `${lastUtcPrefix}${pad2[h]}:${pad2[mi]}:${pad2[s]}.${pad3[ms]}Z`, timestamp: epochMs };
}

/** The last date part read by `kstEpoch` and the epoch of its KST midnight. */
let epochDatePart = '';
let epochMidnight = NaN;

/** `dddd-dd-ddTdd:dd:dd+09:00` (digits where `d`). */
function isKstShape(s: string): boolean {
  for (let i = 0; i < 19; i++) {
    const c = s.charCodeAt(i);
    const want = i === 4 || i === 7 ? 45 : i === 10 ? 84 : i === 13 || i === 16 ? 58 : -1;
    if (want === -1 ? c < 48 || c > 57 : c !== want) return false;
  }
  return s.endsWith('+09:00');
}

/**
 * `Date.parse` of an ISO-8601 KST time as the KRX decoders write it (`2026-11-20T09:00:01+09:00`),
 * without parsing the date for every print: the date's midnight is remembered, the clock time
 * summed from its digits. Any other text goes to `Date.parse`, so the result is always its.
 */
export function kstEpoch(iso: string): number {
  if (iso.length === 25 && isKstShape(iso)) {
    const h = twoDigits(iso, 11);
    const m = twoDigits(iso, 14);
    const s = twoDigits(iso, 17);
    if (h >= 0 && h < 24 && m >= 0 && m < 60 && s >= 0 && s < 60) {
      // startsWith first: a print of the day seen last slices nothing.
      if (!iso.startsWith(epochDatePart) || epochDatePart === '') {
        epochDatePart = iso.slice(0, 10);
        epochMidnight = Date.parse(`${epochDatePart}T00:00:00+09:00`);
      }
      return epochMidnight + ((h * 60 + m) * 60 + s) * 1000;
    }
  }
  return Date.parse(iso);
}
