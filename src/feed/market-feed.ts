import { Observable } from 'rxjs';
import { FeedError } from '../core/errors';
import { ReceivedFrame } from '../core/session-types';
import { FeedStatus, KeyState } from '../core/status';
import { GapNotice, KeyNotice } from '../core/notices';
import { Balance, OrderBook, OrderEvent, Position, Quote, Trade } from '../model/market';

/** One instrument code, or several: `'005930'` or `['005930', '000660']`. */
export type Symbols = string | readonly string[];

/**
 * What every feed has besides its market streams: the connection's state, its problems, its key
 * table, its raw frames, and a way to stop everything now.
 */
export interface FeedControls {
  /** Broker id: 'kiwoom', 'kis', 'weex', ... */
  readonly broker: string;
  /** Connection state (every session of the feed, merged); replays the current state. */
  readonly status$: Observable<FeedStatus>;
  /** Decode failures, rejected keys, server notices, connection failures. Never ends a stream by itself. */
  readonly errors$: Observable<FeedError>;
  /** The key table after every change (replays the current table). */
  readonly subscriptions$: Observable<readonly KeyState[]>;
  /** Raw inbound frames with receive times, for recorders. */
  readonly frames$: Observable<ReceivedFrame>;
  /**
   * Gaps: after a reconnect, a resync or a stale spell, one notice per affected live key saying
   * data may be missing between `from` and `to` (reason 'reconnect' | 'resync' | 'stale'), so a
   * REST catch-up can fill it. Hot.
   */
  readonly gaps$: Observable<GapNotice>;
  /** Gap notices and staleness notices (a live key silent beyond its cadence while its market is open). Hot. */
  readonly notices$: Observable<KeyNotice>;
  /**
   * Ends every stream of the feed (they complete) and closes its sockets now, without lingering:
   * a clean, explicit disconnect. The feed cannot be used afterwards.
   */
  close(): void;
}

/**
 * The one contract every broker feed implements, with the same names and meanings everywhere,
 * so a strategy written against it runs unchanged on every broker.
 *
 * - Market streams take one symbol or a list (one batched request) and emit the shared model.
 * - `orderBook$` emits only synced, normalized books (asks ascending, bids descending, best first).
 * - Account streams exist where the broker pushes them: `orders$` everywhere; `positions$` and
 *   `balances$` only where the broker has them (check before use, or narrow to the broker's feed).
 * - Broker extras (Kiwoom conditions, KIS expected matches, WEEX candles, ...) keep their own
 *   names on the broker's feed type; no name here means different things on different brokers.
 *
 * Nothing connects until a stream is subscribed.
 */
export interface MarketFeed extends FeedControls {
  /** Prints on the tape. */
  trades$(symbols: Symbols): Observable<Trade>;
  /** Synced, normalized order books. */
  orderBook$(symbols: Symbols): Observable<OrderBook>;
  /** Best bid and ask. */
  quotes$(symbols: Symbols): Observable<Quote>;
  /** The user's orders: acceptances, changes, fills (each fill with its own price and size). */
  orders$(): Observable<OrderEvent>;
  /** Holdings after each change, where the broker pushes them. */
  readonly positions$?: () => Observable<Position>;
  /** Cash or coin balances after each change, where the broker pushes them. */
  readonly balances$?: () => Observable<Balance>;
}
