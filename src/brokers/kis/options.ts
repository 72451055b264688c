/** KIS feed configuration, from code or from the environment. */
import { FeedError } from '../../core/errors';
import { FetchLike } from './auth';
import { KisEnv, KisExchange, parseExchange } from './wire/tr-ids';
import { RestBudget } from '../../core/rest-budget';
import { RestOptions } from '../../feed/with-rest';

/** Where a browser (or any process that must not hold the app secret) gets approval keys: the app's backend. */
export type ApprovalKeyProvider = () => Promise<string>;

/** The app key and secret: the feed issues its own approval key (servers, CLI, Node apps). */
export interface KisKeys {
  /** App key (36 characters). */
  readonly appKey: string;
  /** App secret (sent as `secretkey` when issuing the approval key). */
  readonly appSecret: string;
  /** An approval key already issued; used until KIS refuses it (then a new one is requested). */
  readonly approvalKey?: string;
}

/**
 * An approval-key provider instead of keys (browsers): the app secret never leaves the backend.
 * REST (catch-up, backfill, fallback) needs the keys and is not available on such a feed.
 *
 * ```ts
 * kis({ approvalKey: () => fetch('/api/kis-approval').then((r) => r.text()) });
 * ```
 */
export interface KisApprovalSource {
  readonly approvalKey: ApprovalKeyProvider;
  readonly appKey?: undefined;
  readonly appSecret?: undefined;
}

export type KisOptions = KisSettings & (KisKeys | KisApprovalSource);

export interface KisSettings {
  /** HTS ID: the key of the order/fill notice feed; needed by `account$()` only. */
  readonly htsId?: string;
  /** 'real' (default) or 'paper' (모의투자): different hosts, ports, keys and notice tr_id. */
  readonly env?: KisEnv;
  /** Default venue of market streams. Default 'UN' (integrated) in real, 'KRX' in paper. */
  readonly exchange?: KisExchange;
  /** REST base that issues approval keys; defaults to the env's KIS host. */
  readonly restUrl?: string;
  /** WebSocket URL; defaults to the env's KIS host, path /tryitout. */
  readonly wsUrl?: string;
  /** 'P' individual (default) or 'B' corporate. */
  readonly custType?: 'P' | 'B';
  /** Registrations one session may hold (KIS: 41, counted across all tr_ids). */
  readonly maxSubscriptions?: number;
  /** Re-issue the approval key when it is older than this. Default 23 h. */
  readonly approvalMaxAgeMs?: number;
  /** HTTP client for the approval endpoint; default the global fetch. */
  readonly fetch?: FetchLike;
  /** Clock (epoch ms) for dating records that carry only a time; default Date.now. */
  readonly clock?: () => number;
  /** `12345678-01` (account and product code): the REST account catch-up needs it (KIS_ACCOUNT). */
  readonly account?: string;
  /** REST beside the socket: catch-up (default on when `account` is set), backfill, fallback, REST-only. */
  readonly rest?: RestOptions;
  /** The app key's REST budget; default one per app key: real 18 calls/s, paper 1/s. */
  readonly restBudget?: RestBudget;
  /**
   * More app keys of the same user: KIS allows one session and 41 registrations per app key, so
   * each set gets its own session and keys spread over them (see createSessionPool). REST uses
   * the first set.
   */
  readonly moreKeys?: readonly KisKeys[];
}

const hosts: Readonly<Record<KisEnv, { readonly rest: string; readonly ws: string }>> = {
  real: { rest: 'https://openapi.koreainvestment.com:9443', ws: 'ws://ops.koreainvestment.com:21000/tryitout' },
  paper: { rest: 'https://openapivts.koreainvestment.com:29443', ws: 'ws://ops.koreainvestment.com:31000/tryitout' },
};

/** Options with defaults filled in, checked. */
export interface KisConfig {
  readonly appKey: string;
  readonly appSecret: string;
  readonly htsId?: string;
  readonly env: KisEnv;
  readonly exchange: KisExchange;
  readonly restUrl: string;
  readonly wsUrl: string;
  readonly custType: 'P' | 'B';
  readonly maxSubscriptions: number;
  readonly approvalMaxAgeMs?: number;
  readonly approvalKey?: string;
  /** Issues approval keys instead of the app key and secret. */
  readonly approvalKeyProvider?: ApprovalKeyProvider;
  readonly fetch?: FetchLike;
  readonly clock: () => number;
}

const configError = (message: string): FeedError => new FeedError({ kind: 'config', broker: 'kis', message });

/** Fills in defaults and rejects bad options with a clear 'config' FeedError. */
export function resolveConfig(o: KisOptions): KisConfig {
  if (o === null || typeof o !== 'object')
    throw configError('KIS options missing: pass { appKey, appSecret } or { approvalKey: () => Promise<string> }');
  const provider = typeof o.approvalKey === 'function' ? o.approvalKey : undefined;
  if (o.approvalKey !== undefined && provider === undefined && typeof o.approvalKey !== 'string') {
    throw configError('KIS approvalKey must be a string or a function returning a Promise of one');
  }
  if (provider === undefined) {
    if (!o.appKey || !o.appKey.trim()) throw configError('KIS app key missing (KIS_APPKEY), or pass an approval-key provider');
    if (!o.appSecret || !o.appSecret.trim()) throw configError('KIS app secret missing (KIS_APPSECRET)');
  }
  const env = o.env ?? 'real';
  if (env !== 'real' && env !== 'paper') throw configError(`KIS env must be 'real' or 'paper', got ${JSON.stringify(env)}`);
  if (o.exchange !== undefined && parseExchange(o.exchange) !== o.exchange) {
    throw configError(`KIS exchange must be KRX, NXT or UN, got ${JSON.stringify(o.exchange)}`);
  }
  const max = o.maxSubscriptions ?? 41;
  if (!Number.isInteger(max) || max < 1) throw configError(`maxSubscriptions must be a positive integer, got ${max}`);
  const custType = o.custType ?? 'P';
  if (custType !== 'P' && custType !== 'B') throw configError(`custType must be 'P' or 'B', got ${JSON.stringify(custType)}`);
  const restUrl = o.restUrl ?? hosts[env].rest;
  if (!/^https?:\/\//.test(restUrl)) throw configError(`KIS REST URL must start with http:// or https://, got ${JSON.stringify(restUrl)}`);
  const wsUrl = o.wsUrl ?? hosts[env].ws;
  if (!/^wss?:\/\//.test(wsUrl)) throw configError(`KIS WebSocket URL must start with ws:// or wss://, got ${JSON.stringify(wsUrl)}`);
  return {
    appKey: o.appKey?.trim() ?? '',
    appSecret: o.appSecret?.trim() ?? '',
    ...(o.htsId && o.htsId.trim() ? { htsId: o.htsId.trim() } : {}),
    env,
    // Paper serves only the KRX feeds (NXT and integrated are documented as unsupported there).
    exchange: o.exchange ?? (env === 'paper' ? 'KRX' : 'UN'),
    restUrl,
    wsUrl,
    custType,
    maxSubscriptions: max,
    ...(o.approvalMaxAgeMs !== undefined ? { approvalMaxAgeMs: o.approvalMaxAgeMs } : {}),
    ...(typeof o.approvalKey === 'string' && o.approvalKey ? { approvalKey: o.approvalKey } : {}),
    ...(provider ? { approvalKeyProvider: provider } : {}),
    ...(o.fetch ? { fetch: o.fetch } : {}),
    clock: o.clock ?? Date.now,
  };
}

/** The environment variables a KIS feed reads. */
export const kisEnvVars = ['KIS_APPKEY', 'KIS_APPSECRET', 'KIS_HTS_ID', 'KIS_ENV', 'KIS_REST_URL', 'KIS_WS_URL', 'KIS_ACCOUNT'] as const;

/** Options from KIS_* environment variables; throws a 'config' FeedError when they are unusable. */
export function optionsFromEnv(env: Readonly<Record<string, string | undefined>>): KisOptions {
  const kisEnv = (env.KIS_ENV ?? 'real').trim().toLowerCase();
  if (kisEnv !== 'real' && kisEnv !== 'paper') {
    throw configError(`KIS_ENV must be 'real' or 'paper', got ${JSON.stringify(env.KIS_ENV)}`);
  }
  return {
    appKey: env.KIS_APPKEY ?? '',
    appSecret: env.KIS_APPSECRET ?? '',
    env: kisEnv,
    ...(env.KIS_HTS_ID ? { htsId: env.KIS_HTS_ID } : {}),
    ...(env.KIS_REST_URL ? { restUrl: env.KIS_REST_URL } : {}),
    ...(env.KIS_WS_URL ? { wsUrl: env.KIS_WS_URL } : {}),
    ...(env.KIS_ACCOUNT ? { account: env.KIS_ACCOUNT } : {}),
  };
}
