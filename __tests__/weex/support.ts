import { combineLatest, filter, firstValueFrom, timeout } from 'rxjs';
import { SessionOptions } from '../../src/core/session-types';
import { WeexFeed } from '../../src/brokers/weex/feed';
import { createRng } from '../../src/app/sim/rng';

/** Session settings that keep loopback tests fast. */
export const fast: SessionOptions = {
  backoff: { initialMs: 20, maxMs: 80, healthyAfterMs: 5_000 },
  keyLingerMs: 20,
  connectionLingerMs: 20,
  livenessMs: 5_000,
};

/** Polls until `check` holds (or throws with `what` after `ms`). */
export async function waitFor(what: string, check: () => boolean, ms = 4_000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The simulator's seeded generator, as a plain function: scripted markets repeat exactly. */
export function prng(seed: number): () => number {
  const rng = createRng(seed);
  return () => rng.next();
}

/** Resolves once both of a feed's connections are closed (after the last stream left and the linger ran out). */
export async function allClosed(feed: Pick<WeexFeed, 'publicStatus$' | 'privateStatus$'>): Promise<void> {
  await firstValueFrom(
    combineLatest([feed.publicStatus$, feed.privateStatus$]).pipe(
      filter(([a, b]) => a.state === 'closed' && b.state === 'closed'),
      timeout(3_000),
    ),
  );
}
