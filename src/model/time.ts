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

/** Whether `s` is `length` ASCII digits. */
function digits(s: string, length: number): boolean {
  if (s.length !== length) return false;
  for (let i = 0; i < length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** A KST wall-clock time on a trading date, as ISO-8601 and epoch ms; undefined when malformed. */
export function kstTime(yyyymmdd: string, hhmmss: string): { readonly time: string; readonly timestamp: number } | undefined {
  if (!digits(yyyymmdd, 8) || !digits(hhmmss, 6)) return undefined;
  const y = yyyymmdd.slice(0, 4);
  const mo = yyyymmdd.slice(4, 6);
  const d = yyyymmdd.slice(6, 8);
  const h = hhmmss.slice(0, 2);
  const mi = hhmmss.slice(2, 4);
  const s = hhmmss.slice(4, 6);
  if (+h > 23 || +mi > 59 || +s > 59 || +mo < 1 || +mo > 12 || +d < 1 || +d > 31) return undefined;
  const time = `${y}-${mo}-${d}T${h}:${mi}:${s}+09:00`;
  return { time, timestamp: Date.parse(time) };
}

/** ISO-8601 in UTC for venues that send epoch milliseconds. */
export function utcTime(epochMs: number): { readonly time: string; readonly timestamp: number } {
  return { time: new Date(epochMs).toISOString(), timestamp: epochMs };
}

/** The last date part read by `kstEpoch` and the epoch of its KST midnight. */
let lastDatePart = '';
let lastMidnight = NaN;

/** Two ASCII digits at `i` as a number, or -1. */
function twoDigits(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

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
      const datePart = iso.slice(0, 10);
      if (datePart !== lastDatePart) {
        lastMidnight = Date.parse(`${datePart}T00:00:00+09:00`);
        lastDatePart = datePart;
      }
      return lastMidnight + ((h * 60 + m) * 60 + s) * 1000;
    }
  }
  return Date.parse(iso);
}
