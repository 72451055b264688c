import { FeedError } from '../../core/errors';
import { BrokerProtocol } from '../../core/protocol';
import { WeexCredentials, privateHeaders } from './auth';
import { WeexPush, createV3Codec } from './codec';
import { signedPath } from './endpoints';
import { cryptoHours, quietMsAt } from '../../core/market-hours';

/** Channels one connection may hold (WEEX documents 100 for V2; assumed the same for V3). */
export const KEYS_PER_CONNECTION = 100;

/**
 * Request pacing. WEEX documents (for V2; assumed for V3) 240 subscribe/unsubscribe operations
 * an hour per connection and no spacing: frames beyond the budget wait for the window.
 */
export const WEEX_PACING = { spacingMs: 0, budget: { max: 240, windowMs: 3_600_000 } } as const;

/** Public market streams run 24/7; candles (one push per interval) and private streams have no cadence. */
export function weexExpectedQuietMs(key: string, at: number): number | undefined {
  if (!/@(trade|depth\d+|ticker|bookTicker)$/.test(key)) return undefined;
  return quietMsAt(cryptoHours, at);
}

export interface V3ProtocolConfig {
  readonly url: string;
  readonly side: 'public' | 'private';
  /** WEEX refuses upgrades without a User-Agent. */
  readonly userAgent: string;
  /** Required on the private side. */
  readonly credentials?: WeexCredentials;
  /** Clock for ACCESS-TIMESTAMP; Date.now by default. */
  readonly now?: () => number;
  readonly broker?: string;
}

/**
 * One WEEX V3 connection (public or private) as the core sees it. There is no login message:
 * the private socket authenticates with signed upgrade headers, made fresh for every attempt
 * (`open` runs per attempt), so a reconnect never sends an expired timestamp.
 */
export function weexV3Protocol(config: V3ProtocolConfig): BrokerProtocol<WeexPush> {
  const broker = config.broker ?? 'weex';
  const now = config.now ?? Date.now;
  const credentials = config.credentials;
  // Signatures sent lately: a 401 body may echo one, and it must not reach a log either.
  const signatures: string[] = [];
  return {
    name: broker,
    keysPerConnection: KEYS_PER_CONNECTION,
    pacing: WEEX_PACING,
    expectedQuietMs: weexExpectedQuietMs,
    secrets: () => (credentials ? [credentials.apiKey, credentials.secretKey, credentials.passphrase, ...signatures] : []),
    open() {
      const headers: Record<string, string> = { 'User-Agent': config.userAgent };
      if (config.side === 'private') {
        if (!credentials) throw missingCredentials(broker);
        const signed = privateHeaders(credentials, signedPath(config.url), now());
        signatures.push(signed['ACCESS-SIGN']);
        if (signatures.length > 4) signatures.shift();
        Object.assign(headers, signed);
      }
      return { url: config.url, headers, codec: createV3Codec(broker) };
    },
    classify(error) {
      if (error.code === '401' || error.code === '403') {
        return error.with({
          kind: 'auth',
          fatal: true,
          message: `${error.message} (check the API key, secret key and passphrase, and the machine's clock)`,
        });
      }
      return error;
    },
  };
}

export function missingCredentials(broker = 'weex'): FeedError {
  return new FeedError({
    kind: 'config',
    broker,
    fatal: true,
    message: `${broker}: private streams need an API key, secret key and passphrase (WEEX_API_KEY, WEEX_SECRET_KEY, WEEX_PASSPHRASE)`,
  });
}
