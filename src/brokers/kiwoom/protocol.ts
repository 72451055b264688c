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

export interface KiwoomProtocolConfig extends Credentials {
  readonly wsUrl: string;
  readonly tokens: TokenCache;
  readonly tables: RealTables;
  readonly maxItemsPerGroup?: number;
  readonly conditionExchange?: string;
}

export function kiwoomProtocol(config: KiwoomProtocolConfig): BrokerProtocol<KiwoomMessage> {
  const { tokens } = config;
  return {
    name: 'kiwoom',
    secrets: () => [config.appKey, config.secretKey, ...tokens.tokens()],
    open: () => {
      const setup = ({ token, fresh }: UsableToken): SessionSetup<KiwoomMessage> => ({
        url: config.wsUrl,
        codec: new KiwoomCodec({
          token,
          freshToken: fresh,
          onTokenRejected: () => tokens.invalidate(),
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
