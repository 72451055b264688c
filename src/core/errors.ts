/**
 * Every failure rx-market reports is a FeedError: on `errors$` (decode failures, rejected keys,
 * server notices) or as the error a stream ends with (fatal connection failures).
 */

/** What went wrong, in the user's terms. */
export type FeedErrorKind =
  /** A frame that could not be decoded; the connection goes on. */
  | 'decode'
  /** The broker refused one subscription; only that key's subscribers see it. */
  | 'rejected'
  /** A server notice that needs no action from the core (it may precede a close). */
  | 'notice'
  /** The socket failed or closed; retried unless fatal. */
  | 'connection'
  /** Credentials refused; fatal unless the broker can refresh them. */
  | 'auth'
  /** Bad configuration (missing key, malformed URL, unknown option); never retried. */
  | 'config'
  /** A broker limit (keys per connection, ...) was reached; fails fast, sends nothing. */
  | 'limit'
  /** The connection went silent for longer than the liveness window. */
  | 'timeout'
  /** A consumer fell too far behind a lossless stream (trades, orders): it ends rather than grow. */
  | 'overflow';

export interface FeedErrorInit {
  readonly kind: FeedErrorKind;
  readonly message: string;
  /** Broker id ('kiwoom', ...). */
  readonly broker?: string;
  /** Stop retrying: retrying cannot fix this. */
  readonly fatal?: boolean;
  /** The broker's own code (return_code, msg_cd, close code, HTTP status). */
  readonly code?: string;
  /** The subscription key concerned, where there is one. */
  readonly key?: string;
  /** The raw frame concerned (decode failures), redacted. */
  readonly raw?: string;
}

export class FeedError extends Error {
  readonly kind: FeedErrorKind;
  readonly broker?: string;
  readonly fatal: boolean;
  readonly code?: string;
  readonly key?: string;
  readonly raw?: string;

  constructor(init: FeedErrorInit) {
    super(init.message);
    this.name = 'FeedError';
    this.kind = init.kind;
    this.broker = init.broker;
    this.fatal = init.fatal ?? (init.kind === 'config' || init.kind === 'limit');
    this.code = init.code;
    this.key = init.key;
    this.raw = init.raw;
  }

  /** A copy with some fields replaced (FeedError is immutable). */
  with(patch: Partial<FeedErrorInit>): FeedError {
    return new FeedError({ ...this.toInit(), ...patch });
  }

  toInit(): FeedErrorInit {
    return {
      kind: this.kind,
      message: this.message,
      broker: this.broker,
      fatal: this.fatal,
      code: this.code,
      key: this.key,
      raw: this.raw,
    };
  }

  /** A plain object for logs and NDJSON (Error fields are not enumerable). */
  toJSON(): FeedErrorInit {
    return this.toInit();
  }
}

/** Wraps anything thrown into a FeedError, keeping FeedErrors as they are. */
export function toFeedError(err: unknown, fallback: Omit<FeedErrorInit, 'message'>): FeedError {
  if (err instanceof FeedError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new FeedError({ ...fallback, message });
}
