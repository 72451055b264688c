/**
 * `process.env` where there is one. Browsers have no `process`: reading it there is a
 * ReferenceError, so feeds configured from the environment ask here and get a clear
 * 'config' FeedError instead.
 */
import { FeedError } from './errors';

export type EnvVars = Readonly<Record<string, string | undefined>>;

export function processEnv(broker: string, instead: string): EnvVars {
  const env = (globalThis as { process?: { env?: EnvVars } }).process?.env;
  if (env === undefined) {
    throw new FeedError({
      kind: 'config',
      broker,
      fatal: true,
      message: `${broker}: no process.env here (a browser?); pass ${instead}`,
    });
  }
  return env;
}
