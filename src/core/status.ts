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
  /**
   * Logged in; live keys were registered. `connections` counts opens since the session started.
   * `lagMs` is present while the event loop runs late by more than the lag threshold: timers,
   * heartbeat echoes and pings are late too, and a broker may drop the connection.
   */
  | { readonly state: 'open'; readonly connections: number; readonly keys: number; readonly lagMs?: number }
  /** Waiting `delayMs` before attempt `attempt`, because of `reason`, found by `detector`. */
  | {
      readonly state: 'reconnecting';
      readonly attempt: number;
      readonly delayMs: number;
      readonly reason: string;
      readonly detector?: Detector;
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

/**
 * What ended a connection:
 * - `pong`: a protocol ping after a quiet spell went unanswered (half-open link; Node only)
 * - `silence`: no frame at all within the liveness window (the browser's only detector)
 * - `send-buffer`: the peer stopped reading (outbound bytes piled up beyond the bound)
 * - `login`: the login was not answered in time
 * - `socket`: the socket closed or failed (close code, reset, refused)
 * - `server`: the broker said so (a 'failed' frame: kicked, refused token, ...)
 */
export type Detector = 'pong' | 'silence' | 'send-buffer' | 'login' | 'socket' | 'server';

/** One registered (type, item) key and how the broker sees it. */
export interface KeyState {
  readonly key: string;
  /** requested: sent, no ack yet; active: acked; lingering: no subscribers, release pending. */
  readonly state: 'requested' | 'active' | 'lingering';
  readonly subscribers: number;
  /** Present while a live key has been silent beyond its expected cadence with its market open. */
  readonly stale?: true;
}
