/**
 * Key-level notices: what a subscriber of one key should know besides its data.
 *
 * A gap says data for `key` may be missing between `from` and `to` (epoch ms on the session
 * clock): the key was not registered (a reconnect), was re-registered for a fresh snapshot (a
 * resync), was silent while its market was open (stale), or a standby gateway took the broker
 * session over (failover, natsFeed only). A REST catch-up fills it.
 *
 *   data$    ──a──b────────────(reconnect)────────c──d──
 *   notices$ ──────────────────────────────gap{from: t(b), to: t(ack), reason: 'reconnect'}──
 */
export type GapReason = 'reconnect' | 'resync' | 'stale' | 'failover';

export interface GapNotice {
  readonly type: 'gap';
  readonly key: string;
  /** The last message seen before the gap (or when the gap began, if none was). */
  readonly from: number;
  /** When the key was live again (registered anew, or its data came back). */
  readonly to: number;
  readonly reason: GapReason;
  /** The instrument, where the feed knows it from the key. */
  readonly symbol?: string;
}

/** A live key went silent beyond its expected cadence while its market was open. */
export interface StaleNotice {
  readonly type: 'stale';
  readonly key: string;
  /** The last message (or the registration) the silence counts from. */
  readonly since: number;
  /** When the staleness was noticed. */
  readonly at: number;
  /** The silence allowed at that time. */
  readonly quietMs: number;
  readonly symbol?: string;
}

export type KeyNotice = GapNotice | StaleNotice;
