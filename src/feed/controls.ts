import { Observable, Subject, combineLatest, map, merge, takeUntil } from 'rxjs';
import { FeedError } from '../core/errors';
import { Session } from '../core/session-types';
import { FeedControls } from './market-feed';
import { gapsOf, namedNotices } from './key-notices';

/** What `feedControls` is built from. */
export interface ControlSources {
  readonly broker: string;
  /** The feed's sessions (one, or e.g. WEEX's public and private ones). */
  readonly sessions: readonly Pick<Session<unknown>, 'status$' | 'errors$' | 'subscriptions$' | 'frames$' | 'notices$' | 'close'>[];
  /** The symbol a key is about, to name it in notices (undefined for account and market-wide keys). */
  readonly symbolOf?: (key: string) => string | undefined;
  /** Errors the feed itself reports (mapping failures), merged into errors$ until close(). */
  readonly errors?: readonly Observable<FeedError>[];
  /** Run by close() after the sessions are closed (e.g. forget cached books). */
  readonly onClose?: () => void;
}

/**
 * The controls of a feed over its sessions, the same way for every broker:
 *
 *   status$        every session's status, merged
 *   errors$        every session's errors and the feed's own, merged
 *   subscriptions$ the sessions' key tables, concatenated (after every change of any)
 *   frames$        every session's raw frames, merged
 *   notices$       every session's key notices, merged, with the symbol named; gaps$ the gap ones
 *   close()        closes every session now; all of the above complete
 *
 *   session A status: c-o-------|        (close)
 *   session B status: c----o----|
 *   status$:          cco--o----|
 */
export function feedControls(sources: ControlSources): FeedControls {
  const { sessions } = sources;
  const closing = new Subject<void>();
  const own = (sources.errors ?? []).map((e) => e.pipe(takeUntil(closing)));
  const one = sessions.length === 1 ? sessions[0] : undefined;
  let closed = false;
  const allNotices = one ? one.notices$ : merge(...sessions.map((s) => s.notices$));
  const notices$ = sources.symbolOf ? namedNotices(allNotices, sources.symbolOf) : allNotices;
  return {
    broker: sources.broker,
    status$: one ? one.status$ : merge(...sessions.map((s) => s.status$)),
    errors$: own.length === 0 && one ? one.errors$ : merge(...sessions.map((s) => s.errors$), ...own),
    subscriptions$: one ? one.subscriptions$ : combineLatest(sessions.map((s) => s.subscriptions$)).pipe(map((tables) => tables.flat())),
    frames$: one ? one.frames$ : merge(...sessions.map((s) => s.frames$)),
    notices$,
    gaps$: gapsOf(notices$),
    close: () => {
      if (closed) return;
      closed = true;
      for (const s of sessions) s.close();
      closing.next();
      closing.complete();
      sources.onClose?.();
    },
  };
}
