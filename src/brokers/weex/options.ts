import { FeedError } from '../../core/errors';
import type { HttpFetch } from '../../core/rest';
import type { RestBudget } from '../../core/rest-budget';
import type { RestOptions } from '../../feed/with-rest';
import { WeexCredentials } from './auth';
import { WeexMarket, v3Url } from './endpoints';

export type { WeexMarket } from './endpoints';

/** How to reach WEEX. Credentials are only needed for the private streams. */
export interface WeexOptions {
  readonly apiKey?: string;
  readonly secretKey?: string;
  readonly passphrase?: string;
  /** 'contract' (perpetual futures, default) or 'spot'. */
  readonly market?: WeexMarket;
  /** Overrides for tests, simulators and proxies. */
  readonly publicUrl?: string;
  readonly privateUrl?: string;
  /** Sent on every upgrade request (WEEX refuses sockets without one). */
  readonly userAgent?: string;
  /** Clock used for the private signature's timestamp. */
  readonly now?: () => number;
  /**
   * The V3 REST host. Default: the market's (`https://api-contract.weex.com`,
   * `https://api-spot.weex.com`), or, when the socket URLs are overridden, their host over http(s).
   */
  readonly restUrl?: string;
  /**
   * REST beside the socket (README, "REST beside the socket"): account catch-up is on by default
   * when credentials are given; trade backfill, the fallback and REST-only mode are opt-in.
   */
  readonly rest?: RestOptions;
  /** The credential's REST budget; default one per API key, 400 weight / 10 s (see rest/client.ts). */
  readonly restBudget?: RestBudget;
  /** REST requests go through this; default the global fetch. */
  readonly fetch?: HttpFetch;
  /** Spot account catch-up asks per symbol: these, besides those of open orders and of live order events. */
  readonly accountSymbols?: readonly string[];
}

/** Options with defaults applied and checked. */
export interface WeexConfig {
  readonly market: WeexMarket;
  readonly publicUrl: string;
  readonly privateUrl: string;
  readonly userAgent: string;
  readonly credentials?: WeexCredentials;
  readonly now: () => number;
  /** The REST host; undefined: the market's default. */
  readonly restUrl?: string;
}

export const DEFAULT_USER_AGENT = 'rx-market (+https://github.com/rx-market)';

/** The environment variables `weexFromEnv` reads. */
export const weexEnvVars = [
  'WEEX_API_KEY',
  'WEEX_SECRET_KEY',
  'WEEX_PASSPHRASE',
  'WEEX_MARKET',
  'WEEX_WS_PUBLIC_URL',
  'WEEX_WS_PRIVATE_URL',
  'WEEX_REST_URL',
] as const;

const configError = (message: string): FeedError => new FeedError({ kind: 'config', broker: 'weex', message: `weex: ${message}` });

/** Applies defaults; throws a 'config' FeedError on half-given credentials or bad URLs. */
export function resolveWeexConfig(options: WeexOptions = {}): WeexConfig {
  const market = options.market ?? 'contract';
  if (market !== 'contract' && market !== 'spot') throw configError(`market must be 'contract' or 'spot', got ${JSON.stringify(market)}`);
  const given = [options.apiKey, options.secretKey, options.passphrase].filter((v) => v !== undefined && v !== '');
  if (given.length > 0 && given.length < 3) {
    throw configError('give all three of apiKey, secretKey and passphrase (WEEX_API_KEY, WEEX_SECRET_KEY, WEEX_PASSPHRASE), or none');
  }
  const publicUrl = checkUrl(options.publicUrl ?? v3Url(market, 'public'), 'public');
  const privateUrl = checkUrl(options.privateUrl ?? v3Url(market, 'private'), 'private');
  const credentials =
    given.length === 3 ? { apiKey: options.apiKey!, secretKey: options.secretKey!, passphrase: options.passphrase! } : undefined;
  // Sockets pointed elsewhere (a simulator, a proxy): REST is asked on the same host over http(s).
  const moved = options.privateUrl ?? options.publicUrl;
  const restUrl =
    options.restUrl !== undefined
      ? checkRestUrl(options.restUrl)
      : moved !== undefined
        ? new URL(moved).origin.replace(/^ws/, 'http')
        : undefined;
  return {
    market,
    publicUrl,
    privateUrl,
    userAgent: options.userAgent || DEFAULT_USER_AGENT,
    credentials,
    now: options.now ?? Date.now,
    ...(restUrl ? { restUrl } : {}),
  };
}

/** Options from WEEX_* variables (empty values count as unset). */
export function weexOptionsFromEnv(env: Readonly<Record<string, string | undefined>>): WeexOptions {
  const get = (name: string): string | undefined => {
    const v = env[name]?.trim();
    return v ? v : undefined;
  };
  const market = get('WEEX_MARKET');
  if (market !== undefined && market !== 'contract' && market !== 'spot') {
    throw configError(`WEEX_MARKET must be 'contract' or 'spot', got ${JSON.stringify(market)}`);
  }
  return {
    apiKey: get('WEEX_API_KEY'),
    secretKey: get('WEEX_SECRET_KEY'),
    passphrase: get('WEEX_PASSPHRASE'),
    market,
    publicUrl: get('WEEX_WS_PUBLIC_URL'),
    privateUrl: get('WEEX_WS_PRIVATE_URL'),
    restUrl: get('WEEX_REST_URL'),
  };
}

function checkUrl(url: string, side: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw configError(`invalid ${side} WebSocket URL ${JSON.stringify(url)}`);
  }
  if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') {
    throw configError(`the ${side} WebSocket URL must start with ws:// or wss://, got ${JSON.stringify(url)}`);
  }
  return url;
}

function checkRestUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw configError(`invalid REST URL ${JSON.stringify(url)}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw configError(`the REST URL must start with http:// or https://, got ${JSON.stringify(url)}`);
  return url;
}
