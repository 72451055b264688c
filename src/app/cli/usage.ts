import { NEVER, Observable } from 'rxjs';
import { FeedError } from '../../core/errors';
import { CliStream, Feed, StreamFlags } from '../broker-module';

/**
 * A feed that never connects: every stream of it is silent. Opening a CLI stream on it runs all
 * of the stream's checks of flags and symbols (they happen when the pipeline is built or first
 * subscribed) without credentials or a socket.
 */
const silentStream = (): Observable<never> => NEVER;
/** The contract's stream methods, listed so a plug that copies the feed (`{ ...feed }`) copies them. */
const contractMethods = ['trades$', 'orderBook$', 'quotes$', 'orders$', 'positions$', 'balances$'];
const silentFeed = new Proxy({} as Feed, {
  get: (_target, name) => (name === 'then' || name === 'broker' ? undefined : silentStream),
  ownKeys: () => contractMethods,
  getOwnPropertyDescriptor: (_target, name) =>
    contractMethods.includes(String(name)) ? { value: silentStream, enumerable: true, configurable: true, writable: false } : undefined,
});

/**
 * Why `stream` with these symbols and flags is bad usage, or undefined. Checked before the
 * credentials are read, so `--exchange XYZ` says so even where no keys are set.
 */
export function usageProblem(stream: CliStream<Feed>, symbols: readonly string[], flags: StreamFlags): string | undefined {
  let problem: string | undefined;
  try {
    const subscription = stream.open(silentFeed, symbols, flags).subscribe({
      error: (err: unknown) => (problem = configMessage(err)),
    });
    subscription.unsubscribe();
  } catch (err) {
    // Only a config error is the user's: anything else the real run meets and reports itself.
    problem = configMessage(err);
  }
  return problem;
}

/** A config FeedError's message; anything else is not a usage problem of ours. */
function configMessage(err: unknown): string | undefined {
  return err instanceof FeedError && err.kind === 'config' ? err.message : undefined;
}
