/**
 * `withRest` in the browser build (see rest-absent.ts): the feed as it is, with its REST stand-in.
 * Asking for what needs REST there (backfill, fallback, REST-only, catch-up by name) is a
 * configuration error at once, not a silent no-op.
 */
import type { RestWrappable, WithRest, WithRestDeps } from './with-rest';
import { FeedError } from '../core/errors';

export type { RestOptions, RestWrappable, WithRest, WithRestDeps } from './with-rest';

export function withRest<F extends RestWrappable>(feed: F, deps: WithRestDeps): WithRest<F> {
  const o = deps.options ?? {};
  const asked = [o.catchUp === true && 'catchUp', o.backfill && 'backfill', o.fallback && 'fallback', o.restOnly && 'restOnly'].filter(
    Boolean,
  );
  if (asked.length > 0) {
    throw new FeedError({
      kind: 'config',
      broker: feed.broker,
      message: `${feed.broker}: rest.${asked.join(', rest.')} needs REST, which is not in the browser build (broker REST needs a server); use the NATS gateway`,
    });
  }
  return { ...feed, rest: deps.rest };
}
