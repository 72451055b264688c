import { Observable, Subscription } from 'rxjs';
import { Feed } from '../broker-module';
import { RecordingWriter } from './writer';

export interface Recorder {
  /** Events the recorded stream produced (the frames are what is written). */
  readonly events: number;
  /** Resolves when the stream ends by itself: undefined on completion, the error otherwise. */
  readonly ended: Promise<unknown>;
  /** Stops listening, then finishes and closes the file. */
  stop(): Promise<void>;
}

/**
 * Records a feed while `stream$` (one of its streams) is subscribed: every inbound frame of the
 * feed's connection goes to `writer` with its receive time. Subscribes to the frames before the
 * stream, so the login and subscription acks are recorded too.
 */
export function startRecorder(feed: Pick<Feed, 'frames$'>, stream$: Observable<unknown>, writer: RecordingWriter): Recorder {
  const subscription = new Subscription();
  let events = 0;
  let end: (value: unknown) => void = () => undefined;
  const ended = new Promise<unknown>((resolve) => (end = resolve));
  subscription.add(feed.frames$.subscribe((f) => writer.write(f)));
  subscription.add(
    stream$.subscribe({
      next: () => (events += 1),
      error: (err: unknown) => end(err),
      complete: () => end(undefined),
    }),
  );
  return {
    get events() {
      return events;
    },
    ended,
    stop: async () => {
      subscription.unsubscribe();
      await writer.close();
    },
  };
}
