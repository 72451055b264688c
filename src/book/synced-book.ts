import { Observable, Subscription } from 'rxjs';
import { BookMessage, initialSync, stepSync, BookInput } from './book-sync';
import { BookState, bookState } from './book-state';

/** Where a synced book gets its messages. */
export interface BookSource {
  /**
   * Opens the depth stream so that it starts with a snapshot: a new subscription at the venue.
   * Called again for each resync right after the previous one was closed, so it must wait until
   * the venue has forgotten the old subscription before subscribing anew.
   */
  readonly open: () => Observable<BookMessage>;
  /**
   * Asks the venue for a fresh snapshot on the open depth stream. Without it, a resync closes the
   * stream and calls `open()` again.
   */
  readonly refresh?: () => void;
  /** Emits when the connection was lost: the book is void until the next snapshot. */
  readonly resets$: Observable<unknown>;
}

export interface SyncedBookOptions {
  readonly symbol: string;
  readonly depth: number;
  readonly broker: string;
}

/**
 * A book kept in sync with the venue, as a stream of states; `book` only when synced.
 * A thin wrapper: `stepSync` decides, this only wires inputs in and resync requests out.
 *
 *   depth:   ---S--d--d-----d(gap)---S'--d-->      (refresh(): the same stream, a new snapshot)
 *   resets:  ------------------------------------>
 *   output:  y--s--s--s-----r-------s---s-->          y syncing, s synced, r resyncing
 */
export function syncedBook(source: BookSource, options: SyncedBookOptions): Observable<BookState> {
  const { symbol, depth, broker } = options;
  return new Observable<BookState>((subscriber) => {
    let state = initialSync(depth);
    let generation = 0;
    let depthStream: Subscription | undefined;
    const teardown = new Subscription();

    const feed = (input: BookInput): void => {
      const step = stepSync(state, input);
      state = step.state;
      if (step.changed) subscriber.next(bookState(state, symbol, broker));
      if (step.resync) {
        if (source.refresh) source.refresh();
        else reopen();
      }
    };

    const open = (): void => {
      const mine = ++generation;
      const sub = source.open().subscribe({
        next: (message) => {
          if (mine === generation) feed(message);
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => subscriber.complete(),
      });
      // The stream may have asked for a resync while subscribing (synchronous sources).
      if (mine === generation) depthStream = sub;
      else sub.unsubscribe();
    };

    const reopen = (): void => {
      generation++;
      depthStream?.unsubscribe();
      depthStream = undefined;
      open();
    };

    subscriber.next(bookState(state, symbol, broker));
    teardown.add(source.resets$.subscribe(() => feed({ kind: 'reset' })));
    open();
    return () => {
      generation++;
      teardown.unsubscribe();
      depthStream?.unsubscribe();
    };
  });
}
