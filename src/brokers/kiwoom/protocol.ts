/**
 * Kiwoom's BrokerProtocol: before every connection attempt, a token (cached, re-issued when
 * expired or rejected) and a fresh codec.
 *
 *   open() ─► token (cache │ POST /oauth2/token) ─► { url, codec(token, fresh) }
 *   LOGIN rejected, token error, cached token  ─► invalidate ─► failed (retry) ─► open() issues a new one
 *   LOGIN rejected, token error, fresh token   ─► fatal: retrying cannot help
 */
import { BrokerProtocol, SessionSetup } from '../../core/protocol';
import { KiwoomCodec, KiwoomMessage } from './codec';
import { RealTables } from './wire/real-types';
import { Credentials, TokenCache, UsableToken } from './auth';
import { parseKey } from './keys';
import { krxHours, krxNxtHours, nxtHours, quietMsAt } from '../../core/market-hours';

/**
 * Kiwoom documents no request rate; some clients wait ~0.5 s between REGs (protocol notes §
 * "Message rate"). A REG carries up to 100 items, so re-registering a full connection takes one
 * or two frames. Assumption, kept in one place.
 */
export const KIWOOM_REQUEST_SPACING_MS = 500;

/**
 * Keys per connection. Kiwoom documents no cap; community code and a fixture ("등록 종목수 초과")
 * point at 100 items per group, and the notes advise staying within it. Assumption: 100 per
 * connection unless the option says otherwise.
 */
export const KIWOOM_KEYS_PER_CONNECTION = 100;

/** Market keys with a cadence: trades (0B), books (0D), best quotes (0C), on their venue's hours. */
export function kiwoomExpectedQuietMs(key: string, at: number): number | undefined {
  const k = parseKey(key);
  if (k.kind !== 'real' || (k.type !== '0B' && k.type !== '0D' && k.type !== '0C')) return undefined;
  const hours = k.item.endsWith('_NX') ? nxtHours : k.item.endsWith('_AL') ? krxNxtHours : krxHours;
  return quietMsAt(hours, at);
}

export interface KiwoomProtocolConfig extends Credentials {
  readonly wsUrl: string;
  readonly tokens: TokenCache;
  readonly tables: RealTables;
  readonly maxItemsPerGroup?: number;
  readonly conditionExchange?: string;
  readonly keysPerConnection?: number;
}

export function kiwoomProtocol(config: KiwoomProtocolConfig): BrokerProtocol<KiwoomMessage> {
  const { tokens } = config;
  return {
    name: 'kiwoom',
    keysPerConnection: config.keysPerConnection ?? KIWOOM_KEYS_PER_CONNECTION,
    pacing: { spacingMs: KIWOOM_REQUEST_SPACING_MS },
    expectedQuietMs: kiwoomExpectedQuietMs,
    secrets: () => [config.appKey, config.secretKey, ...tokens.tokens()].filter((s) => s !== ''),
    open: () => {
      const setup = ({ token, fresh }: UsableToken): SessionSetup<KiwoomMessage> => ({
        url: config.wsUrl,
        codec: new KiwoomCodec({
          token,
          freshToken: fresh,
          onTokenRejected: () => tokens.invalidate(),
          onFreshTokenRejected: () => tokens.freshTokenRefused(token),
          onLoggedIn: () => tokens.loggedIn(),
          tables: config.tables,
          maxItemsPerGroup: config.maxItemsPerGroup,
          conditionExchange: config.conditionExchange,
        }),
      });
      const usable = tokens.get();
      // Synchronous when the token is cached: no event-loop turn before connecting.
      return 'then' in usable ? usable.then(setup) : setup(usable);
    },
  };
}
