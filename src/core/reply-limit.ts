/**
 * Bounds heartbeat echoes (the 'reply' events of a codec): a frame larger than `maxBytes` is not
 * echoed, and at most `perSecond` are echoed in any one-second window. A server flooding PINGs
 * (or huge PINGs) then costs a bounded amount of memory and bandwidth instead of an outbound
 * queue that grows without end; real brokers ping every few seconds with tiny frames.
 */
export interface ReplyLimits {
  /** Largest echoed frame, in UTF-16 units. Default 4 096. */
  readonly maxBytes: number;
  /** Echoes per second. Default 20. */
  readonly perSecond: number;
}

export const defaultReplyLimits: ReplyLimits = { maxBytes: 4_096, perSecond: 20 };

export type ReplyVerdict = 'send' | 'too-big' | 'too-many';

/** A limiter for one connection; `now` is the session clock. */
export function replyLimiter(limits: ReplyLimits, now: () => number): (frame: string) => ReplyVerdict {
  let windowStart = -Infinity;
  let count = 0;
  return (frame) => {
    if (frame.length > limits.maxBytes) return 'too-big';
    const t = now();
    if (t - windowStart >= 1_000) {
      windowStart = t;
      count = 0;
    }
    if (count >= limits.perSecond) return 'too-many';
    count += 1;
    return 'send';
  };
}
