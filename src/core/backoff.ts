/**
 * Exponential backoff with full jitter: attempt n waits a uniformly random time in
 * [0, min(maxMs, initialMs × multiplier^(n-1))]. Full jitter spreads a crowd of clients that
 * lost the same server, which equal-step backoff would send back in lockstep.
 */
export interface BackoffOptions {
  /** Ceiling of the first delay. Default 500 ms. */
  readonly initialMs: number;
  /** Cap on any delay. Default 30 000 ms. */
  readonly maxMs: number;
  /** Growth per attempt. Default 2. */
  readonly multiplier: number;
  /** A connection open this long counts as healthy: the attempt count starts again. Default 5 000 ms. */
  readonly healthyAfterMs: number;
  /** Source of jitter in [0, 1); inject a constant for deterministic tests. */
  readonly random: () => number;
  /** Give up after this many failed attempts in a row. Default Infinity. */
  readonly maxAttempts: number;
}

export const defaultBackoff: BackoffOptions = {
  initialMs: 500,
  maxMs: 30_000,
  multiplier: 2,
  healthyAfterMs: 5_000,
  random: Math.random,
  maxAttempts: Infinity,
};

/** The ceiling of attempt `attempt`'s delay (attempt counts from 1). */
export function backoffCeiling(attempt: number, o: Pick<BackoffOptions, 'initialMs' | 'maxMs' | 'multiplier'>): number {
  return Math.min(o.maxMs, o.initialMs * Math.pow(o.multiplier, Math.max(0, attempt - 1)));
}

/** The delay before attempt `attempt`, jittered. */
export function backoffDelay(attempt: number, o: BackoffOptions): number {
  return Math.floor(o.random() * backoffCeiling(attempt, o));
}
