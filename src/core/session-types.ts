import { Observable, SchedulerLike } from 'rxjs';
import { FeedError } from './errors';
import { SocketFactory } from './protocol';
import { FeedStatus, KeyState } from './status';
import { BackoffOptions } from './backoff';
import { Key } from './key';
import { GapNotice, KeyNotice } from './notices';
import { ReplyLimits } from './reply-limit';

/** A received frame, as recorders want it. */
export interface ReceivedFrame {
  /** Receive time, epoch ms on the session's scheduler. */
  readonly at: number;
  readonly frame: string;
}

/**
 * One broker session: a hot, lazy, shared connection and its key table.
 * Nothing connects until the first `stream(key)` subscriber; the socket closes
 * `connectionLingerMs` after the last key is released.
 */
export interface Session<M> {
  /**
   * Messages for one key. The first subscriber registers it; the last one leaving releases it.
   * A typed key (`Key<T>`, from the broker's key builders) gives `Observable<T>`; a plain string
   * gives `Observable<M>`.
   */
  stream<T extends M = M>(key: Key<T>): Observable<T>;
  /**
   * Releases and registers `key` again on the current connection, e.g. for a fresh snapshot after
   * a consumer lost sync. Does nothing for a key nobody is subscribed to.
   */
  refresh(key: string): void;
  /** Connection state; replays the current state to new subscribers. Does not keep the connection open. */
  readonly status$: Observable<FeedStatus>;
  /** Decode failures, rejected keys, server notices, connection failures (hot). */
  readonly errors$: Observable<FeedError>;
  /** The key table after every change (replays the current table). */
  readonly subscriptions$: Observable<readonly KeyState[]>;
  /** Every inbound frame with its receive time, while connected (hot). */
  readonly frames$: Observable<ReceivedFrame>;
  /**
   * Ends the session now: every key stream completes, the socket closes without lingering (no
   * release frames: the server forgets them with the socket), a pending reconnect is dropped,
   * and status$ ('closed'), errors$, subscriptions$ and frames$ complete. Streams asked for
   * afterwards complete at once. Idempotent.
   */
  close(): void;
  /** Whether close() was called. */
  readonly closed: boolean;
  /** Gap and staleness notices of live keys (hot). */
  readonly notices$: Observable<KeyNotice>;
  /** The gap notices alone: after a reconnect, a resync or a stale spell, per affected key (hot). */
  readonly gaps$: Observable<GapNotice>;
}

/** Per-key staleness watch. `false` turns it off. */
export interface StalenessOptions {
  /** One silence for every key, instead of the broker's market-hours table. */
  readonly quietMs?: number;
  /** Re-register a key once when it goes stale (a fresh subscription may revive it). Default false. */
  readonly refresh?: boolean;
  /** How often keys are looked at. Default 1 000 ms. */
  readonly checkEveryMs?: number;
}

/**
 * What a feed's market and account streams do for a consumer that lags (see feed/slow-consumer):
 * books and quotes conflate to the latest per symbol, the other kinds queue losslessly up to
 * `maxQueued` and then end with a FeedError of kind 'overflow'. `false` turns the guard off.
 */
export interface SlowConsumerOptions {
  /**
   * Lossless events (trades, orders, positions, balances) kept for a consumer that lags, per
   * stream; one more ends the stream with a FeedError of kind 'overflow'. Default 10 000.
   */
  readonly maxQueued?: number;
  /** Delivery time one turn of the event loop may take before events wait for later turns. Default 50 ms. */
  readonly sliceMs?: number;
}

export interface SessionOptions {
  /** Virtual time in tests; `asyncScheduler` otherwise. */
  readonly scheduler?: SchedulerLike;
  /** Opens sockets; defaults to rxjs-websockets over `ws` in Node, native WebSocket in browsers. */
  readonly socket?: SocketFactory;
  readonly backoff?: Partial<BackoffOptions>;
  /** A connection with no inbound frame for this long is dead and is reconnected. 0 disables. Default 30 000. */
  readonly livenessMs?: number;
  /**
   * After this much inbound quiet a WebSocket protocol ping is sent (Node only; browsers cannot
   * ping and rely on `livenessMs`). 0 disables. Default 4 000.
   */
  readonly pingAfterMs?: number;
  /** A ping answered by no pong and no frame within this is a dead link. Default 4 000 (dead in ≤ 8 s). */
  readonly pongTimeoutMs?: number;
  /** Outbound bytes queued beyond this mean the peer stopped reading: a dead link. 0 disables. Default 4 MiB. */
  readonly maxBufferedBytes?: number;
  /** Bounds on heartbeat echoes. Default 4 096 characters, 20 a second. */
  readonly replyLimits?: Partial<ReplyLimits>;
  /** Event-loop lateness reported on `status$` (`lagMs` on 'open'). 0 disables. Default 1 000 (0 with a `scheduler`). */
  readonly lagThresholdMs?: number;
  /** Per-key staleness; defaults to the broker's market-hours table (off with a `scheduler` unless given). */
  readonly staleness?: StalenessOptions | false;
  /** A login not acknowledged within this time fails the attempt (retried). 0 disables. Default 15 000. */
  readonly loginTimeoutMs?: number;
  /** How long the socket stays open after the last key is released. Default 1 000. */
  readonly connectionLingerMs?: number;
  /** How long a key stays registered after its last subscriber leaves. Default 250. */
  readonly keyLingerMs?: number;
  /** The slow-consumer guard of the feed's streams. Default on (off with a `scheduler` unless given). */
  readonly slowConsumer?: SlowConsumerOptions | false;
}
