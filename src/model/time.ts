/** Time helpers shared by the KRX brokers: wire times are HHMMSS in Korea Standard Time. */

const KST_OFFSET_MS = 9 * 60 * 60 * 1000;

/** The KST calendar date (YYYYMMDD) of an instant. */
export function kstDate(epochMs: number): string {
  const d = new Date(epochMs + KST_OFFSET_MS);
  const y = d.getUTCFullYear();
  const m = String(d.getUTCMonth() + 1).padStart(2, '0');
  const day = String(d.getUTCDate()).padStart(2, '0');
  return `${y}${m}${day}`;
}

/** A KST wall-clock time on a trading date, as ISO-8601 and epoch ms; undefined when malformed. */
export function kstTime(
  yyyymmdd: string,
  hhmmss: string,
): { readonly time: string; readonly timestamp: number } | undefined {
  if (!/^\d{8}$/.test(yyyymmdd) || !/^\d{6}$/.test(hhmmss)) return undefined;
  const [y, mo, d] = [yyyymmdd.slice(0, 4), yyyymmdd.slice(4, 6), yyyymmdd.slice(6, 8)];
  const [h, mi, s] = [hhmmss.slice(0, 2), hhmmss.slice(2, 4), hhmmss.slice(4, 6)];
  if (+h > 23 || +mi > 59 || +s > 59 || +mo < 1 || +mo > 12 || +d < 1 || +d > 31) return undefined;
  const time = `${y}-${mo}-${d}T${h}:${mi}:${s}+09:00`;
  return { time, timestamp: Date.parse(time) };
}

/** ISO-8601 in UTC for venues that send epoch milliseconds. */
export function utcTime(epochMs: number): { readonly time: string; readonly timestamp: number } {
  return { time: new Date(epochMs).toISOString(), timestamp: epochMs };
}
