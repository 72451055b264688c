/**
 * KIS transaction ids: which wire feed carries which market stream on which venue.
 * This is the only place that spells the H0.... ids out.
 */

/** Where a stream comes from: KRX, NXT (Nextrade) or the integrated feed of both. */
export type KisExchange = 'KRX' | 'NXT' | 'UN';

export const kisExchanges: readonly KisExchange[] = ['KRX', 'NXT', 'UN'];

/** What a caller may name: a feed, or 'SOR' (smart order routing), which streams the integrated feed. */
export type KisVenue = KisExchange | 'SOR';

/** Real money or the paper-trading (모의투자) environment; they use different hosts and keys. */
export type KisEnv = 'real' | 'paper';

/** The kinds of record the real-time socket sends. */
export type KisFeedKind = 'trade' | 'book' | 'expected' | 'status' | 'notice';

const byExchange = {
  trade: { KRX: 'H0STCNT0', NXT: 'H0NXCNT0', UN: 'H0UNCNT0' },
  book: { KRX: 'H0STASP0', NXT: 'H0NXASP0', UN: 'H0UNASP0' },
  expected: { KRX: 'H0STANC0', NXT: 'H0NXANC0', UN: 'H0UNANC0' },
  status: { KRX: 'H0STMKO0', NXT: 'H0NXMKO0', UN: 'H0UNMKO0' },
} as const;

/** Order/fill notices: one tr_id per environment, keyed by HTS ID, always encrypted. */
const noticeByEnv = { real: 'H0STCNI0', paper: 'H0STCNI9' } as const;

export type KisMarketTrId = (typeof byExchange)[keyof typeof byExchange][KisExchange];
export type KisNoticeTrId = (typeof noticeByEnv)[KisEnv];
export type KisTrId = KisMarketTrId | KisNoticeTrId;

/** The tr_id of a market stream on a venue. */
export function marketTrId(kind: Exclude<KisFeedKind, 'notice'>, exchange: KisExchange): KisMarketTrId {
  return byExchange[kind][exchange];
}

/** The notice tr_id of an environment. */
export function noticeTrId(env: KisEnv): KisNoticeTrId {
  return noticeByEnv[env];
}

interface TrIdInfo {
  readonly kind: KisFeedKind;
  /** Undefined for notices, which are per account, not per venue. */
  readonly exchange?: KisExchange;
}

const info = new Map<string, TrIdInfo>();
for (const kind of Object.keys(byExchange) as (keyof typeof byExchange)[]) {
  for (const exchange of kisExchanges) info.set(byExchange[kind][exchange], { kind, exchange });
}
for (const env of Object.keys(noticeByEnv) as KisEnv[]) info.set(noticeByEnv[env], { kind: 'notice' });

/** What a tr_id carries; undefined for tr_ids rx-market does not decode. */
export function trIdInfo(trId: string): TrIdInfo | undefined {
  return info.get(trId);
}

/** Every tr_id rx-market decodes. */
export const knownTrIds: readonly KisTrId[] = [...info.keys()] as KisTrId[];

/** Parses a user's exchange option (case-insensitive); undefined when it is not one. */
export function parseExchange(value: string): KisExchange | undefined {
  const upper = value.trim().toUpperCase();
  // SOR (smart order routing) is an order-routing choice; KIS serves no SOR market-data feed, so
  // the guide's `exchange="SOR"` means the integrated feed, whose prints are the venues SOR routes to.
  if (upper === 'SOR') return 'UN';
  return (kisExchanges as readonly string[]).includes(upper) ? (upper as KisExchange) : undefined;
}
