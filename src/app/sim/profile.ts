import { utcTime } from '../../model/time';

/**
 * What a simulated market looks like for one broker: KRX stocks with a KOSPI index, market-wide
 * session notices and volatility interruptions (Kiwoom, KIS), or crypto pairs around the clock
 * (WEEX). The broker's loopback server encodes whichever of these events its protocol carries.
 */
export interface SimProfile {
  readonly broker: string;
  readonly market: 'krx' | 'crypto';
  /** A market index computed from the simulated stocks, published as IndexTick. */
  readonly index?: { readonly symbol: string; readonly base: number };
  /**
   * Codes for market-wide session notices. Kiwoom's 0s codes ('0' pre-open notice, '3' open) are
   * used for every KRX broker; a server that needs its own codes maps from `phase`.
   */
  readonly sessionCodes?: { readonly preOpen: string; readonly open: string };
  /** Dynamic volatility interruption: halt a stock when it moves this fraction from its reference. */
  readonly viFraction?: number;
  /**
   * Shocks that make VIs frequent enough to watch (needs `viFraction`): after `everyMs` [min, max]
   * of continuous trading (drawn per stock from the seed; the first one from `firstMs`), a stock's
   * quotes on one side are pulled and orders sweep it, over `steps` steps, until a print crosses
   * the VI threshold. Real stocks see a dynamic VI a few times a day at most; the order flow
   * alone would take minutes to move a stock 2 %, too long for a demo or a test.
   */
  readonly viShocks?: { readonly firstMs: readonly [number, number]; readonly everyMs: readonly [number, number]; readonly steps: number };
  /**
   * Simulate the NXT venue beside KRX (its own book and prints, sim/nxt.ts), with KRX's events
   * marked `exchange: 'KRX'`: for brokers whose feeds separate the venues (KIS).
   */
  readonly nxt?: boolean;
  /** The paper trader's account number, where the broker reports one. */
  readonly account?: string;
  /** Order ids as the broker formats them. */
  orderId(sequence: number): string;
  /** ISO-8601 time of an instant as the venue reports it. */
  time(epochMs: number): string;
}

const KST_OFFSET_MS = 9 * 60 * 60 * 1000;

/** ISO-8601 with the KST offset, to the millisecond: '2026-11-20T09:01:01.250+09:00'. */
export function kstIso(epochMs: number): string {
  return new Date(epochMs + KST_OFFSET_MS).toISOString().replace('Z', '+09:00');
}

const krx = (broker: string, account: string): SimProfile => ({
  broker,
  market: 'krx',
  index: { symbol: '001', base: 2_650 },
  sessionCodes: { preOpen: '0', open: '3' },
  viFraction: 0.02,
  // With the 3 s halt, a stock's VI events (trigger or release) are at most ~18 s apart.
  viShocks: { firstMs: [2_000, 14_000], everyMs: [8_000, 14_000], steps: 5 },
  account,
  orderId: (n) => String(n).padStart(7, '0'),
  time: kstIso,
});

export const SIM_PROFILES: Readonly<Record<string, SimProfile>> = {
  kiwoom: krx('kiwoom', '8123456711'),
  kis: { ...krx('kis', '5012345601'), nxt: true },
  weex: {
    broker: 'weex',
    market: 'crypto',
    orderId: (n) => String(700_000_000_000_000_000n + BigInt(n)),
    time: (ms) => utcTime(ms).time,
  },
};

/** The profile for a broker; brokers without their own look like a KRX broker. */
export function profileFor(broker: string): SimProfile {
  return SIM_PROFILES[broker] ?? krx(broker, '0000000000');
}
