import { asyncScheduler, concatMap, Observable, OperatorFunction, SchedulerLike } from 'rxjs';
import { SessionCodec } from '../../core/protocol';
import { RecordedFrame, Recording } from './format';

export interface ReplayOptions {
  /** Whose clock spaces the frames: a TestScheduler replays in virtual time. Default asyncScheduler. */
  readonly scheduler?: SchedulerLike;
  /** Playback speed: 10 plays ten times faster than recorded. Default 1. */
  readonly speed?: number;
}

/**
 * A recording as a cold stream: each subscriber gets every frame at its recorded offset divided
 * by `speed`, counted from the moment it subscribes, then completion. Frames recorded in the same
 * millisecond come out together, in order.
 *
 * ```
 * recording: t=0 a, t=20 b, t=20 c, t=50 d          replayFrames(rec, { speed: 10, scheduler })
 * result:    a-(bc)--d|                             (frames of 1 ms: a at 0, b c at 2, d at 5)
 * ```
 */
export function replayFrames(recording: Pick<Recording, 'frames'>, options: ReplayOptions = {}): Observable<RecordedFrame> {
  const scheduler = options.scheduler ?? asyncScheduler;
  const speed = options.speed ?? 1;
  if (!(speed > 0) || !Number.isFinite(speed)) throw new RangeError(`speed must be a positive number, got ${speed}`);
  const frames = recording.frames;
  return new Observable<RecordedFrame>((subscriber) => {
    const start = scheduler.now();
    const due = (i: number): number => start + frames[i].t / speed;
    // One scheduled action at a time: it emits every frame that is due, then waits for the next.
    return scheduler.schedule(
      function (this: { schedule(state: number, delay: number): void }, from?: number) {
        let i = from ?? 0;
        while (i < frames.length && due(i) <= scheduler.now()) {
          subscriber.next(frames[i]);
          i += 1;
          if (subscriber.closed) return;
        }
        if (i >= frames.length) subscriber.complete();
        else this.schedule(i, Math.max(0, due(i) - scheduler.now()));
      },
      frames.length > 0 ? Math.max(0, due(0) - start) : 0,
      0,
    );
  });
}

/** A keyed message a broker codec decoded from a frame. */
export interface DecodedMessage<M> {
  readonly key: string;
  readonly message: M;
  /** Receive offset of the frame it came from. */
  readonly t: number;
}

/**
 * Decodes replayed frames with a broker's SessionCodec, keeping only the data it routes to keys
 * (acks, heartbeats and reports are dropped): what a session's subscribers would have seen.
 * Use a fresh codec per run; codecs may keep per-connection state.
 *
 * ```
 * frames:  a-b--c|        a = PING, b = REAL with two entries, c = REG ack
 * result:  --(xy)|        x, y = { key, message } of b's entries
 * ```
 */
export function decodeFrames<M>(codec: Pick<SessionCodec<M>, 'decode'>): OperatorFunction<RecordedFrame, DecodedMessage<M>> {
  return concatMap((f) => codec.decode(f.frame).flatMap((e) => (e.type === 'data' ? [{ key: e.key, message: e.message, t: f.t }] : [])));
}
