import { concatMap, Observable } from 'rxjs';
import { SessionCodec } from '../core/protocol';
import { MarketEvent } from '../model';
import { decodeFrames, replayFrames, ReplayOptions } from '../app/replay/observable';
import { Recording } from '../app/replay/format';

/** How a broker's recorded frames become model events. */
export interface RecordingDecoder<M> {
  /** A fresh codec of the recorded broker (it only decodes here; nothing is sent). */
  readonly codec: Pick<SessionCodec<M>, 'decode'>;
  /**
   * The model events of one decoded message, as the broker's feed maps them (e.g. Kiwoom's
   * `toTrade` for a 0B record); `t` is the frame's recorded offset (ms after the recording's
   * `startedAt`), for mappings that need a receive time.
   */
  readonly toEvents: (message: M, t: number) => readonly MarketEvent[];
}

/**
 * A recording (see src/replay/format.ts) as model events on any scheduler: frames are replayed
 * at their recorded offsets (`replayFrames`), decoded by the broker's codec (`decodeFrames`,
 * control frames dropped) and mapped to the model. On the strategy kit's scheduler this puts
 * yesterday's session into virtual time:
 *
 * ```ts
 * strategyTest(({ recordedFeed, scheduler, expectSignals }) => {
 *   const f = recordedFeed(recordedEvents(recording, kiwoomDecoder, { scheduler }));
 *   expectSignals(myStrategy(f)).toBe('1200ms x 350ms y', { ... });
 * });
 * ```
 */
export function recordedEvents<M>(
  recording: Pick<Recording, 'frames'>,
  decoder: RecordingDecoder<M>,
  options: ReplayOptions = {},
): Observable<MarketEvent> {
  return replayFrames(recording, options).pipe(
    decodeFrames(decoder.codec),
    concatMap((m) => decoder.toEvents(m.message, m.t)),
  );
}
