import { Observable, combineLatest, map, merge } from 'rxjs';
import { FeedError } from './errors';
import { Key } from './key';
import { BrokerProtocol } from './protocol';
import { createSession } from './session';
import { Session, SessionOptions } from './session-types';

/**
 * Several credential sets, one session each (a broker counts its key limit per app key and
 * allows one connection per key): keys spread over the sessions, and the pool is a Session.
 *
 * - A new key goes to the session with the fewest live keys that is under its
 *   `keysPerConnection`; a key keeps its session while anyone listens, and goes back to it when
 *   it returns, if there is room (its registration may still linger there).
 * - Keys `home` names (an account's streams) always go to the first session, the first set's.
 * - With every session full the key fails fast with a 'limit' error, nothing sent.
 * - status$, errors$, frames$, notices$ and gaps$ are every session's, merged;
 *   subscriptions$ their tables, concatenated; close() closes them all.
 *
 * ```
 * createSessionPool([appKeyA, appKeyB])   stream(k1) stream(k2) stream(k3)
 * session A:  login ── sub k1 ──────────── sub k3
 * session B:  login ────────── sub k2
 * ```
 */
export interface SessionPoolOptions {
  /** Keys that belong to the first credential set (e.g. its account's orders): never spread. */
  readonly home?: (key: string) => boolean;
}

/** The pool as one Session, and the first set's own session (its status$ tells its connections). */
export interface SessionPool<M> extends Session<M> {
  readonly first: Session<M>;
}

export function createSessionPool<M>(
  protocols: readonly BrokerProtocol<M>[],
  options: SessionOptions = {},
  pool: SessionPoolOptions = {},
): SessionPool<M> {
  if (protocols.length === 0) throw new FeedError({ kind: 'config', message: 'a session pool needs at least one credential set' });
  if (protocols.length === 1) {
    const only = createSession(protocols[0], options);
    return Object.defineProperty(only, 'first', { value: only }) as SessionPool<M>;
  }
  const sessions = protocols.map((p) => createSession(p, options));
  const limits = protocols.map((p) => p.keysPerConnection ?? Infinity);
  const broker = protocols[0].name;
  /** Live keys per session. */
  const load = sessions.map(() => 0);
  /** Where each key is (or last was) registered. */
  const owner = new Map<string, { readonly index: number; subscribers: number }>();

  const place = (key: string): { index: number; subscribers: number } | undefined => {
    const known = owner.get(key);
    if (known && (known.subscribers > 0 || load[known.index] < limits[known.index])) return known;
    let best = -1;
    const candidates = pool.home?.(key) ? [0] : sessions.map((_, i) => i);
    for (const i of candidates) {
      if (load[i] < limits[i] && (best < 0 || load[i] < load[best])) best = i;
    }
    if (best < 0) return undefined;
    const slot = { index: best, subscribers: 0 };
    owner.set(key, slot);
    return slot;
  };

  const stream = <T extends M = M>(key: Key<T>): Observable<T> =>
    new Observable<T>((subscriber) => {
      const slot = place(key);
      if (slot === undefined) {
        const total = limits.reduce((a, b) => a + b, 0);
        subscriber.error(
          new FeedError({
            kind: 'limit',
            broker,
            key,
            message: `${broker}: subscription limit reached (${total} keys over ${sessions.length} credential sets); ${key} was not sent`,
          }),
        );
        return;
      }
      if (slot.subscribers++ === 0) load[slot.index] += 1;
      subscriber.add(() => {
        if (--slot.subscribers === 0) load[slot.index] -= 1;
      });
      subscriber.add(sessions[slot.index].stream(key).subscribe(subscriber));
    });

  let closed = false;
  return {
    first: sessions[0],
    stream,
    refresh: (key) => {
      const slot = owner.get(key);
      if (slot) sessions[slot.index].refresh(key);
    },
    status$: merge(...sessions.map((s) => s.status$)),
    errors$: merge(...sessions.map((s) => s.errors$)),
    subscriptions$: combineLatest(sessions.map((s) => s.subscriptions$)).pipe(map((tables) => tables.flat())),
    frames$: merge(...sessions.map((s) => s.frames$)),
    notices$: merge(...sessions.map((s) => s.notices$)),
    gaps$: merge(...sessions.map((s) => s.gaps$)),
    close: () => {
      closed = true;
      for (const s of sessions) s.close();
    },
    get closed() {
      return closed;
    },
  };
}
