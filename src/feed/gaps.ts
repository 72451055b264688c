/**
 * Gaps as the REST catch-up needs them: "data of this stream may be missing between `from` and
 * `to`". The reliability work puts key-level gap notices on the feed (`gaps$`); until a feed has
 * them, `gapsFromStatus` derives connection-level gaps from `status$`: a session that was open,
 * stopped being open, and is open again had a gap from the moment it left to the moment it came
 * back. Anything with `from`/`to` fits, so either source plugs into the catch-up.
 *
 *   status$: open ── reconnecting ── connecting ── open ── reconnecting ── open
 *   gaps$:   ──────────────────────────────────── g1 ────────────────────── g2
 *            g1 = { from: t(reconnecting), to: t(open) }
 */
import { Observable } from 'rxjs';
import { FeedStatus } from '../core/status';

export interface Gap {
  /** Epoch ms: data may be missing after this... */
  readonly from: number;
  /** ...and before this (the stream is live again). */
  readonly to: number;
  readonly reason: string;
  /** The subscription key concerned, when the notice is about one key. */
  readonly key?: string;
  readonly symbol?: string;
  /** A backfill asked for by count (the CLI's `--backfill 100`): at most this many of the latest trades. */
  readonly limit?: number;
}

/** Connection-level gaps from a feed's status. `now` is the feed's clock. */
export function gapsFromStatus(status$: Observable<FeedStatus>, now: () => number): Observable<Gap> {
  return new Observable<Gap>((subscriber) => {
    let wasOpen = false;
    let leftAt: number | undefined;
    let reason = 'reconnect';
    return status$.subscribe({
      next: (s) => {
        if (s.state === 'open') {
          if (wasOpen && leftAt !== undefined) subscriber.next({ from: leftAt, to: now(), reason });
          wasOpen = true;
          leftAt = undefined;
          return;
        }
        if (wasOpen && leftAt === undefined) {
          leftAt = now();
          reason = s.state === 'reconnecting' ? `reconnect (${s.reason})` : 'reconnect';
        }
        // Closed for good: nobody to catch up for until the next open, which starts afresh.
        if (s.state === 'closed') {
          wasOpen = false;
          leftAt = undefined;
        }
      },
      error: (err: unknown) => subscriber.error(err),
      complete: () => subscriber.complete(),
    });
  });
}
