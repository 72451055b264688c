/** Number and time formatting for the dashboard: fixed-width friendly, locale independent. */

const grouped = new Intl.NumberFormat('en-US', { maximumFractionDigits: 8 });

/** 71200 → '71,200'; 65000.1 → '65,000.1'. */
export function formatNumber(value: number | undefined, fractionDigits?: number): string {
  if (value === undefined || !Number.isFinite(value)) return '-';
  if (fractionDigits === undefined) return grouped.format(value);
  return new Intl.NumberFormat('en-US', { minimumFractionDigits: fractionDigits, maximumFractionDigits: fractionDigits }).format(value);
}

/** The wall-clock part of an ISO-8601 time as the venue wrote it: '2026-11-20T09:01:01.250+09:00' → '09:01:01'. */
export function clockOf(iso: string): string {
  const m = /T(\d{2}:\d{2}:\d{2})/.exec(iso);
  return m ? m[1] : iso.slice(0, 8);
}

/** 83 000 ms → '00:01:23'. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(Math.floor(s / 3600))}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}`;
}

/** Rate with one decimal under 10/s, whole above. */
export function formatRate(perSecond: number): string {
  return perSecond < 10 ? perSecond.toFixed(1) : String(Math.round(perSecond));
}

/** Pads or cuts to exactly `width` characters. */
export function fit(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  if (width <= 0) return '';
  if (text.length > width) return width === 1 ? text.slice(0, 1) : `${text.slice(0, width - 1)}…`;
  return align === 'left' ? text.padEnd(width) : text.padStart(width);
}
