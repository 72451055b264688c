/**
 * When a market is open, and how long a live key may stay silent then before it is called stale.
 *
 * Korean venues run on KST (UTC+9, no daylight saving), Monday to Friday. Exchange holidays are
 * not known here (assumption: a silent key on a holiday is flagged; pass `staleness: false` or
 * your own `expectedQuietMs` on such days). Crypto never closes.
 *
 * The silences are deliberately generous: a key's cadence depends on the instrument's liquidity,
 * which the core cannot know; they catch a feed that went quiet, not a slow stock.
 */
export interface TradingSession {
  /** Minutes after midnight KST, inclusive. */
  readonly from: number;
  /** Minutes after midnight KST, exclusive. */
  readonly to: number;
  /** Longest expected silence of a market key in this session. */
  readonly quietMs: number;
  readonly name: string;
}

export interface MarketHours {
  readonly name: string;
  /** The session open at `at` (epoch ms), if any. */
  sessionAt(at: number): TradingSession | undefined;
}

const KST_OFFSET_MS = 9 * 3_600_000;
const hm = (h: number, m: number): number => h * 60 + m;
const MINUTE = 60_000;

/** Weekday sessions in KST. */
export function kstWeekdays(name: string, sessions: readonly TradingSession[]): MarketHours {
  return {
    name,
    sessionAt: (at) => {
      const kst = new Date(at + KST_OFFSET_MS);
      const day = kst.getUTCDay();
      if (day === 0 || day === 6) return undefined;
      const minute = kst.getUTCHours() * 60 + kst.getUTCMinutes();
      return sessions.find((s) => minute >= s.from && minute < s.to);
    },
  };
}

/**
 * KRX: regular session 09:00–15:30 (continuous; the 08:30–09:00 opening call has quotes, no
 * trades), pre-market closing-price 08:30–08:40, post-close closing-price 15:40–16:00 and
 * after-hours single-price 16:00–18:00 (a match every 10 minutes, hence the long silence).
 */
export const krxHours: MarketHours = kstWeekdays('KRX', [
  { name: 'pre-market', from: hm(8, 30), to: hm(9, 0), quietMs: 15 * MINUTE },
  { name: 'regular', from: hm(9, 0), to: hm(15, 30), quietMs: 2 * MINUTE },
  { name: 'closing-call', from: hm(15, 30), to: hm(15, 40), quietMs: 15 * MINUTE },
  { name: 'after-hours', from: hm(15, 40), to: hm(18, 0), quietMs: 15 * MINUTE },
]);

/** NXT (Nextrade): pre-market 08:00–08:50, main 09:00:30–15:20, after-market 15:30–20:00. */
export const nxtHours: MarketHours = kstWeekdays('NXT', [
  { name: 'pre-market', from: hm(8, 0), to: hm(8, 50), quietMs: 5 * MINUTE },
  { name: 'main', from: hm(9, 1), to: hm(15, 20), quietMs: 2 * MINUTE },
  { name: 'after-market', from: hm(15, 30), to: hm(20, 0), quietMs: 5 * MINUTE },
]);

/** Integrated KRX + NXT streams: open whenever either is, at the shorter silence. */
export const krxNxtHours: MarketHours = {
  name: 'KRX+NXT',
  sessionAt: (at) => {
    const a = krxHours.sessionAt(at);
    const b = nxtHours.sessionAt(at);
    if (a === undefined) return b;
    if (b === undefined) return a;
    return a.quietMs <= b.quietMs ? a : b;
  },
};

/** Crypto: 24/7. */
export const cryptoHours: MarketHours = {
  name: '24/7',
  sessionAt: () => alwaysOpen,
};
const alwaysOpen: TradingSession = { name: '24/7', from: 0, to: 24 * 60, quietMs: MINUTE };

/** The expected silence of a key of market `hours` at `at`; undefined while it is closed. */
export function quietMsAt(hours: MarketHours, at: number): number | undefined {
  return hours.sessionAt(at)?.quietMs;
}
