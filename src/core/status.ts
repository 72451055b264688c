import { FeedError } from './errors';

/**
 * The life of one broker session, as `status$` tells it.
 *
 *   closed ─► connecting ─► open ─► reconnecting ─► connecting ─► open ...
 *                 │                      ▲
 *                 └──────(failure)───────┘        any state ─► closed (last subscriber left, or fatal)
 */
export type FeedStatus =
  /** Nothing connected: before the first subscriber, after the last one left, or after a fatal error. */
  | { readonly state: 'closed'; readonly error?: FeedError }
  /** Opening the socket and logging in. `attempt` counts from 1 since the last healthy period. */
  | { readonly state: 'connecting'; readonly attempt: number }
  /** Logged in; live keys were registered. `connections` counts opens since the session started. */
  | { readonly state: 'open'; readonly connections: number; readonly keys: number }
  /** Waiting `delayMs` before attempt `attempt`, because of `reason`. */
  | {
      readonly state: 'reconnecting';
      readonly attempt: number;
      readonly delayMs: number;
      readonly reason: string;
    }
  /**
   * The socket cannot stream (for longer than the fallback's `afterMs`, or never: REST-only
   * mode), and REST snapshots are polled instead: quotes and books arrive marked
   * `source: 'rest'`, every `pollMs`, within the credential's REST budget. `socket` is what the
   * socket is doing meanwhile.
   */
  | {
      readonly state: 'degraded';
      readonly since: number;
      readonly pollMs: number;
      readonly socket: 'connecting' | 'reconnecting' | 'closed' | 'none';
      readonly reason: string;
    };

/** One registered (type, item) key and how the broker sees it. */
export interface KeyState {
  readonly key: string;
  /** requested: sent, no ack yet; active: acked; lingering: no subscribers, release pending. */
  readonly state: 'requested' | 'active' | 'lingering';
  readonly subscribers: number;
}
