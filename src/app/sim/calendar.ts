/**
 * The KRX trading day as the simulator plays it, in KST: each transition with the notice the
 * venues send (Kiwoom 0s code, KIS MKOP_CLS_CODE) and what trading it allows afterwards.
 *
 *   08:00 NXT pre-market · 08:30 KRX pre-open call · 09:00 open (opening uncross) · 15:20 closing
 *   call · 15:30 close (closing uncross) · 15:40–16:00 closing-price session · 16:00–18:00
 *   single-price session (a match every 10 minutes) · 18:00 market closed · NXT main 09:00:30–15:20,
 *   after-market 15:30–20:00 (notices on Kiwoom; NXT prints of their own on KIS: sim/nxt.ts).
 */
import { MarketPhase } from '../../model/market';

/** What a session allows: continuous matching, an order-collecting call auction, periodic single-price matches, or nothing. */
export type TradingMode = 'closed' | 'call' | 'continuous' | 'singlePrice';

export interface SessionTransition {
  /** KST time of day, seconds. */
  readonly second: number;
  /** Kiwoom 장운영구분 (0s FID 215). */
  readonly code: string;
  /** KIS MKOP_CLS_CODE, where KIS has one. */
  readonly kisCode?: string;
  readonly phase: MarketPhase;
  readonly venue: 'KRX' | 'NXT';
  /** The KRX mode from here on (NXT notices leave it as it is). */
  readonly mode?: TradingMode;
  /** A call auction ends here: every stock prints its uncross. */
  readonly uncross?: boolean;
}

const hms = (h: number, m: number, s = 0): number => h * 3600 + m * 60 + s;

export const KRX_CALENDAR: readonly SessionTransition[] = [
  { second: hms(8, 0), code: 'P', phase: 'afterHours', venue: 'NXT' },
  { second: hms(8, 30), code: '0', kisCode: '110', phase: 'preOpen', venue: 'KRX', mode: 'call' },
  { second: hms(8, 50), code: 'Q', phase: 'preOpen', venue: 'NXT' },
  { second: hms(9, 0), code: '3', kisCode: '112', phase: 'open', venue: 'KRX', mode: 'continuous', uncross: true },
  { second: hms(9, 0, 30), code: 'R', phase: 'open', venue: 'NXT' },
  { second: hms(15, 20), code: '2', kisCode: '121', phase: 'preClose', venue: 'KRX', mode: 'call' },
  { second: hms(15, 20, 1), code: 'S', phase: 'closed', venue: 'NXT' },
  { second: hms(15, 30), code: '4', kisCode: '129', phase: 'closed', venue: 'KRX', mode: 'closed', uncross: true },
  { second: hms(15, 30, 1), code: 'U', phase: 'afterHours', venue: 'NXT' },
  { second: hms(15, 40), code: 'a', kisCode: '140', phase: 'afterHours', venue: 'KRX', mode: 'closed' },
  { second: hms(16, 0), code: 'b', kisCode: '149', phase: 'afterHours', venue: 'KRX', mode: 'closed' },
  { second: hms(16, 0, 1), code: 'c', kisCode: '150', phase: 'afterHours', venue: 'KRX', mode: 'singlePrice' },
  { second: hms(18, 0), code: 'd', kisCode: '159', phase: 'closed', venue: 'KRX', mode: 'closed', uncross: true },
  { second: hms(18, 0, 1), code: '9', phase: 'closed', venue: 'KRX', mode: 'closed' },
  { second: hms(20, 0), code: 'V', phase: 'closed', venue: 'NXT' },
];

const KST_MS = 9 * 3_600_000;

/** KST seconds since midnight of an instant. */
export function kstSecondOfDay(epochMs: number): number {
  return Math.floor(((((epochMs + KST_MS) % 86_400_000) + 86_400_000) % 86_400_000) / 1000);
}

/** The KRX transition in force at an instant (the last one at or before it; before 08:30, the previous day's last). */
export function sessionAt(epochMs: number): SessionTransition {
  const second = kstSecondOfDay(epochMs);
  const krx = KRX_CALENDAR.filter((t) => t.venue === 'KRX');
  let current = krx[krx.length - 1];
  for (const t of krx) if (t.second <= second) current = t;
  return current;
}

/** The KRX trading mode at an instant. */
export function krxModeAt(epochMs: number): TradingMode {
  const second = kstSecondOfDay(epochMs);
  let mode: TradingMode = 'closed';
  for (const t of KRX_CALENDAR) if (t.second <= second && t.mode) mode = t.mode;
  return mode;
}

/** The next instant after `fromMs` at a KST time of day. */
function nextAt(fromMs: number, secondOfDay: number): number {
  const at = atKstTime(fromMs, secondOfDay);
  return at > fromMs ? at : at + 86_400_000;
}

/** Transitions passed in (fromMs, toMs], in order. */
export function transitionsBetween(fromMs: number, toMs: number): SessionTransition[] {
  return KRX_CALENDAR.map((t) => ({ t, at: nextAt(fromMs, t.second) }))
    .filter((x) => x.at <= toMs)
    .sort((a, b) => a.at - b.at)
    .map((x) => x.t);
}

/** Whether a single-price match falls in (fromMs, toMs]: every 10 minutes from 16:10 to 17:50 (18:00 ends the session with its own). */
export function singlePriceMatchBetween(fromMs: number, toMs: number): boolean {
  for (let s = hms(16, 10); s < hms(18, 0); s += 600) if (nextAt(fromMs, s) <= toMs) return true;
  return false;
}

/** 'HH:MM' or 'HH:MM:SS' → seconds of the day; throws a RangeError on anything else. */
export function parseSessionTime(text: string): number {
  const m = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(text);
  if (!m || Number(m[1]) > 23 || Number(m[2]) > 59 || Number(m[3] ?? 0) > 59) {
    throw new RangeError(`session time must be HH:MM or HH:MM:SS (KST), got ${JSON.stringify(text)}`);
  }
  return hms(Number(m[1]), Number(m[2]), Number(m[3] ?? 0));
}

/** The epoch instant of a KST time of day on the KST date of `epochMs`. */
export function atKstTime(epochMs: number, secondOfDay: number): number {
  const midnight = Math.floor((epochMs + KST_MS) / 86_400_000) * 86_400_000 - KST_MS;
  return midnight + secondOfDay * 1000;
}
