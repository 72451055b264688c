/**
 * Subject and stream names of the gateway, in market words, shared by the gateway and natsFeed.
 *
 *   rxm.<broker>.trade.<symbol>     trades            (stream RXM_<BROKER>_TRADES keeps a window)
 *   rxm.<broker>.book.<symbol>      order books       (stream RXM_<BROKER>_LAST keeps the last one)
 *   rxm.<broker>.quote.<symbol>     best bid/ask      (RXM_<BROKER>_LAST keeps the last one)
 *   rxm.<broker>.order              orders and fills  (stream RXM_<BROKER>_ACCOUNT, durable)
 *   rxm.<broker>.position           holdings          (RXM_<BROKER>_ACCOUNT)
 *   rxm.<broker>.balance            balances          (RXM_<BROKER>_ACCOUNT)
 *   rxm.<broker>.status             the broker session's status (RXM_<BROKER>_LAST keeps the last one)
 *   rxm.<broker>.notice             gap and stale notices: data may be missing between two instants
 *   rxm.<broker>.refused.<stream>.<symbol>   a key the gateway or the broker refused
 *   rxm.<broker>.interest.<consumer>         a consumer's lease: the keys it wants now
 */
import { FeedError } from '../core/errors';

/** The market streams a consumer declares interest in, by their subject word. */
export const marketStreams = ['trade', 'book', 'quote'] as const;
export type MarketStream = (typeof marketStreams)[number];

/** The account streams the gateway keeps in a durable stream. */
export const accountStreams = ['order', 'position', 'balance'] as const;
export type AccountStream = (typeof accountStreams)[number];

export const isMarketStream = (s: string): s is MarketStream => (marketStreams as readonly string[]).includes(s);

/** A subject token: no dots, wildcards or white space (NATS), not empty. */
const TOKEN = /^[A-Za-z0-9_-]{1,64}$/;

export const isToken = (s: string): boolean => TOKEN.test(s);

/** The prefix of every subject. Default 'rxm'. */
export const DEFAULT_PREFIX = 'rxm';

/** A key a consumer wants: `trade.005930`. */
export type InterestKey = `${MarketStream}.${string}`;

export const interestKey = (stream: MarketStream, symbol: string): InterestKey => `${stream}.${symbol}`;

/** Splits `trade.005930`; undefined when it names no market stream or a bad symbol. */
export function parseInterestKey(key: string): { readonly stream: MarketStream; readonly symbol: string } | undefined {
  const dot = key.indexOf('.');
  if (dot < 0) return undefined;
  const stream = key.slice(0, dot);
  const symbol = key.slice(dot + 1);
  return isMarketStream(stream) && isToken(symbol) ? { stream, symbol } : undefined;
}

/** Every subject and stream name for one broker. */
export interface Subjects {
  readonly broker: string;
  market(stream: MarketStream, symbol: string): string;
  account(stream: AccountStream): string;
  readonly status: string;
  readonly notice: string;
  refused(stream: MarketStream, symbol: string): string;
  /** All refusals of the broker (`rxm.<b>.refused.>`). */
  readonly refusedAll: string;
  interest(consumer: string): string;
  /** Every consumer's lease (`rxm.<b>.interest.*`). */
  readonly interestAll: string;
  /** JetStream stream names. */
  readonly streams: { readonly account: string; readonly last: string; readonly trades: string };
}

export function subjectsFor(broker: string, prefix: string = DEFAULT_PREFIX): Subjects {
  if (!isToken(broker)) {
    throw new FeedError({
      kind: 'config',
      broker,
      fatal: true,
      message: `nats: broker name ${JSON.stringify(broker)} is not a subject token (letters, digits, _ and -)`,
    });
  }
  if (!prefix.split('.').every(isToken)) {
    throw new FeedError({
      kind: 'config',
      broker,
      fatal: true,
      message: `nats: subject prefix ${JSON.stringify(prefix)} is not made of subject tokens`,
    });
  }
  const b = `${prefix}.${broker}`;
  const upper = `${prefix.replace(/\./g, '_')}_${broker}`.toUpperCase();
  return {
    broker,
    market: (stream, symbol) => `${b}.${stream}.${symbol}`,
    account: (stream) => `${b}.${stream}`,
    status: `${b}.status`,
    notice: `${b}.notice`,
    refused: (stream, symbol) => `${b}.refused.${stream}.${symbol}`,
    refusedAll: `${b}.refused.>`,
    interest: (consumer) => `${b}.interest.${consumer}`,
    interestAll: `${b}.interest.*`,
    streams: { account: `${upper}_ACCOUNT`, last: `${upper}_LAST`, trades: `${upper}_TRADES` },
  };
}
