import { combineLatest, filter, firstValueFrom, timeout } from 'rxjs';
import { SessionOptions } from '../../src/core/session-types';
import { WeexFeed } from '../../src/brokers/weex/feed';

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

/** A small deterministic PRNG (mulberry32) so scripted markets repeat exactly. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
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
