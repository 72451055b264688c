import { defer, map, Observable } from 'rxjs';
import { BrokerServer } from '../broker-module';
import { RecordedFrame, Recording } from './format';
import { replayFrames, ReplayOptions } from './observable';

export interface ServerReplayOptions extends ReplayOptions {
  /** Which frames to send (e.g. only data frames); default all. */
  readonly include?: (frame: string) => boolean;
}

/** Where a replay is. */
export interface ReplayProgress {
  /** Frames handled so far (sent or skipped). */
  readonly done: number;
  readonly total: number;
  /** Frames actually sent. */
  readonly sent: number;
  /** Recorded offset (ms) of the last frame handled. */
  readonly t: number;
  /** Recorded length (ms): the last frame's offset. */
  readonly duration: number;
}

/**
 * Plays a recording through a broker's loopback server: every frame is broadcast as is to the
 * logged-in clients at its recorded offset / speed. Emits progress after each frame and
 * completes after the last one; unsubscribing stops the replay.
 */
export function replayToServer(
  recording: Recording,
  server: Pick<BrokerServer, 'broadcastRaw'>,
  options: ServerReplayOptions = {},
): Observable<ReplayProgress> {
  const total = recording.frames.length;
  const duration = total > 0 ? recording.frames[total - 1].t : 0;
  const include = options.include ?? (() => true);
  return defer(() => {
    let done = 0;
    let sent = 0;
    return replayFrames(recording, options).pipe(
      map((f: RecordedFrame): ReplayProgress => {
        done += 1;
        if (include(f.frame)) {
          server.broadcastRaw(f.frame);
          sent += 1;
        }
        return { done, total, sent, t: f.t, duration };
      }),
    );
  });
}
