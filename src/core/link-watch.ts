import { SchedulerLike, Subscription } from 'rxjs';
import type { SchedulerAction } from 'rxjs';
import { SocketControl } from './protocol';
import { Detector } from './status';

export interface LinkWatchOptions {
  /** Send a protocol ping after this much inbound quiet. 0 disables pings. */
  readonly pingAfterMs: number;
  /** A ping not answered (by a pong or any frame) within this is a dead link. */
  readonly pongTimeoutMs: number;
  /** No inbound frame at all for this long is a dead link, pings or not. 0 disables. */
  readonly silenceMs: number;
  /** Outbound bytes queued beyond this mean the peer stopped reading. 0 disables. */
  readonly maxBufferedBytes: number;
}

export interface LinkWatch {
  /** Something arrived (a frame or a pong): the link is alive. */
  heard(): void;
  /** Time of the last thing heard (scheduler time). */
  readonly lastHeardAt: number;
  /** Whether the send buffer is over its bound now; checked before every send. */
  overBuffered(): boolean;
  readonly subscription: Subscription;
}

/**
 * Dead-link detection for one connection: one self-re-arming timer (not a timer per frame).
 *
 *   inbound  ──a──b───────────────────────────── (then nothing: half-open)
 *   watch         │◄─ pingAfterMs ─►ping│◄─ pongTimeoutMs ─►dead('pong')
 *
 * Where the socket cannot ping (browsers), only data silence (`silenceMs`) is watched.
 * `dead(detector)` is called once.
 */
export function watchLink(
  scheduler: SchedulerLike,
  control: SocketControl | undefined,
  options: LinkWatchOptions,
  dead: (detector: Detector, detail: string) => void,
): LinkWatch {
  const canPing = options.pingAfterMs > 0 && control?.ping !== undefined;
  let lastHeardAt = scheduler.now();
  let pingAt: number | undefined;
  let over = false;
  const subscription = new Subscription();

  const overBuffered = (): boolean => {
    if (options.maxBufferedBytes <= 0 || control?.bufferedAmount === undefined) return false;
    const queued = control.bufferedAmount();
    if (queued <= options.maxBufferedBytes) return false;
    if (!over) {
      over = true;
      dead('send-buffer', `${queued} bytes wait to be sent (bound ${options.maxBufferedBytes}); the peer stopped reading`);
    }
    return true;
  };

  /** The next time something must be checked, from the state now. */
  const nextCheck = (now: number): number => {
    let at = Infinity;
    if (options.silenceMs > 0) at = Math.min(at, lastHeardAt + options.silenceMs);
    if (canPing) at = Math.min(at, pingAt !== undefined ? pingAt + options.pongTimeoutMs : lastHeardAt + options.pingAfterMs);
    // The send buffer is also looked at between sends, so a stalled reader is found while quiet.
    if (options.maxBufferedBytes > 0 && control?.bufferedAmount !== undefined) at = Math.min(at, now + 1_000);
    return at;
  };

  const check = function (this: SchedulerAction<unknown>): void {
    const now = scheduler.now();
    if (pingAt !== undefined && lastHeardAt >= pingAt) pingAt = undefined;
    if (options.silenceMs > 0 && now - lastHeardAt >= options.silenceMs) {
      dead('silence', `no frame for ${now - lastHeardAt} ms`);
      return;
    }
    if (canPing) {
      if (pingAt !== undefined && now - pingAt >= options.pongTimeoutMs) {
        dead('pong', `no pong within ${options.pongTimeoutMs} ms of a ping after ${pingAt - lastHeardAt} ms of quiet`);
        return;
      }
      if (pingAt === undefined && now - lastHeardAt >= options.pingAfterMs) {
        pingAt = now;
        try {
          control?.ping?.();
        } catch {
          // A socket closing under us: its close is reported on its own.
        }
      }
    }
    if (overBuffered()) return;
    const at = nextCheck(now);
    if (at !== Infinity) this.schedule(undefined, Math.max(0, at - now));
  };

  const first = nextCheck(lastHeardAt);
  if (first !== Infinity) subscription.add(scheduler.schedule(check, Math.max(0, first - lastHeardAt)));

  return {
    heard: () => {
      lastHeardAt = scheduler.now();
    },
    get lastHeardAt() {
      return lastHeardAt;
    },
    overBuffered,
    subscription,
  };
}
