/**
 * The REST access token (au10001) the WebSocket LOGIN needs: issued by
 * `POST {rest}/oauth2/token` with the app key and secret, cached until its `expires_dt`
 * (yyyyMMddHHmmss, KST) and issued again before a connection once it has expired or the server
 * has rejected it.
 *
 * Failures: a refusal by the token endpoint (HTTP 4xx, or HTTP 200 with a non-zero
 * `return_code`, as Kiwoom reports REST errors) is fatal: keys do not get better by retrying.
 * Network errors and HTTP 5xx are not: the session retries them with backoff.
 */
import * as t from 'io-ts';
import { FeedError } from '../../core/errors';
import { ReturnCode } from './wire/envelope';

export interface Credentials {
  readonly appKey: string;
  readonly secretKey: string;
}

/** The subset of `fetch` used here, injectable in tests. */
export type Fetch = (
  url: string,
  init: { method: string; headers: Record<string, string>; body: string; signal?: AbortSignal },
) => Promise<{ readonly status: number; text(): Promise<string> }>;

export interface IssuedToken {
  readonly token: string;
  /** Epoch ms; undefined when the server sent no readable expiry (then re-issued for every connection). */
  readonly expiresAt?: number;
}

const TokenAnswer = t.intersection([
  t.partial({ token: t.string, expires_dt: t.string, token_type: t.string, return_msg: t.string }),
  t.partial({ return_code: ReturnCode }),
]);

/** `yyyyMMddHHmmss` in KST as epoch ms. */
export function parseExpiry(expiresDt: string | undefined): number | undefined {
  if (expiresDt === undefined || !/^\d{14}$/.test(expiresDt)) return undefined;
  const d = expiresDt;
  const ms = Date.parse(`${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}T${d.slice(8, 10)}:${d.slice(10, 12)}:${d.slice(12, 14)}+09:00`);
  return Number.isNaN(ms) ? undefined : ms;
}

function authError(message: string, code?: string): FeedError {
  return new FeedError({ kind: 'auth', broker: 'kiwoom', fatal: true, code, message });
}

/** Issues a token; rejects with a FeedError that never contains the keys. */
export async function issueToken(restUrl: string, credentials: Credentials, fetchImpl: Fetch, timeoutMs = 10_000): Promise<IssuedToken> {
  const url = `${restUrl.replace(/\/+$/, '')}/oauth2/token`;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  let status: number;
  let body: string;
  try {
    const res = await fetchImpl(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json;charset=UTF-8' },
      body: JSON.stringify({ grant_type: 'client_credentials', appkey: credentials.appKey, secretkey: credentials.secretKey }),
      signal: controller.signal,
    });
    status = res.status;
    body = await res.text();
  } catch (err) {
    const cause = err instanceof Error ? ((err as Error & { cause?: { code?: string } }).cause?.code ?? err.message) : String(err);
    throw new FeedError({ kind: 'connection', broker: 'kiwoom', message: `kiwoom: token request to ${url} failed: ${cause}` });
  } finally {
    clearTimeout(timer);
  }
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    json = undefined;
  }
  const answer = TokenAnswer.decode(json);
  const said = answer._tag === 'Right' && answer.right.return_msg ? `: ${answer.right.return_msg}` : '';
  if (status >= 500) {
    throw new FeedError({
      kind: 'connection',
      broker: 'kiwoom',
      code: String(status),
      message: `kiwoom: token endpoint answered HTTP ${status}${said}`,
    });
  }
  if (status >= 400)
    throw authError(`kiwoom: token request refused with HTTP ${status}${said}; check KIWOOM_APPKEY and KIWOOM_SECRETKEY`, String(status));
  if (answer._tag === 'Left')
    throw new FeedError({
      kind: 'connection',
      broker: 'kiwoom',
      message: `kiwoom: token endpoint sent an unreadable answer (HTTP ${status})`,
    });
  const { token, return_code: code, expires_dt: expires } = answer.right;
  if (code !== undefined && code !== 0) {
    throw authError(
      `kiwoom: token request refused (return_code ${code}${said}); check the app key and secret key and the environment (production vs mock)`,
      String(code),
    );
  }
  if (!token) throw authError('kiwoom: token endpoint answered without a token');
  return { token, expiresAt: parseExpiry(expires) };
}

/**
 * Where a browser (or any process that must not hold the app secret) gets its access token: the
 * app's own backend issues it with the keys and hands it over. A plain string is used until the
 * server refuses it; with `expiresAt` (epoch ms) it is renewed before then.
 */
export type TokenProvider = () => Promise<string | { readonly token: string; readonly expiresAt?: number }>;

/** A provider as the token cache's issuer: its failures become FeedErrors, retried like a network error. */
export function fromProvider(provider: TokenProvider): () => Promise<IssuedToken> {
  return async () => {
    let answer: Awaited<ReturnType<TokenProvider>>;
    try {
      answer = await provider();
    } catch (err) {
      if (err instanceof FeedError) throw err;
      const why = err instanceof Error ? err.message : String(err);
      throw new FeedError({ kind: 'connection', broker: 'kiwoom', message: `kiwoom: the token provider failed: ${why}` });
    }
    const token = typeof answer === 'string' ? answer : answer?.token;
    if (typeof token !== 'string' || token.trim() === '') {
      throw authError('kiwoom: the token provider returned no token');
    }
    const expiresAt = typeof answer === 'object' && Number.isFinite(answer.expiresAt) ? answer.expiresAt : undefined;
    return { token: token.trim(), ...(expiresAt !== undefined ? { expiresAt } : {}) };
  };
}

/** A token in hand; `fresh` when it was issued for this connection attempt. */
export interface UsableToken {
  readonly token: string;
  readonly fresh: boolean;
}

/**
 * A cached token. `get()` issues one when there is none, it has expired (with a margin), or it
 * was invalidated after a LOGIN rejection; it answers synchronously from the cache, so a session
 * with a token in hand opens without a turn of the event loop (and runs in virtual time).
 */
export class TokenCache {
  private current?: IssuedToken;
  /** Tokens issued lately, kept so errors about an old connection stay redacted. */
  private readonly issued: string[] = [];

  constructor(
    private readonly issue: () => Promise<IssuedToken>,
    private readonly now: () => number,
    private readonly marginMs = 60_000,
    /** A token issued elsewhere: used until the server rejects it. */
    initial?: string,
  ) {
    if (initial !== undefined) this.remember({ token: initial, expiresAt: Infinity });
  }

  get(): UsableToken | Promise<UsableToken> {
    const c = this.current;
    if (c !== undefined && c.expiresAt !== undefined && this.now() < c.expiresAt - this.marginMs) {
      return { token: c.token, fresh: false };
    }
    return this.issue().then((t) => {
      if (this.refusedFresh !== undefined && t.token === this.refusedFresh) {
        throw new FeedError({
          kind: 'auth',
          broker: 'kiwoom',
          fatal: true,
          message: 'kiwoom: the token endpoint issued again the very token the server had just refused; not retrying',
        });
      }
      this.remember(t);
      return { token: t.token, fresh: true };
    });
  }

  invalidate(): void {
    this.current = undefined;
  }

  /** A token refused right after issue; the one issued instead must differ from it. */
  private refusedFresh?: string;
  /** One re-issue after a fresh refusal was spent and no login has succeeded since. */
  private reissuedAfterRefusal = false;

  /**
   * The server refused `token` right after it was issued: perhaps revoked (a second client of the
   * same keys, a server-side reset). Allows one re-issue; false when that one was refused too.
   */
  freshTokenRefused(token: string): boolean {
    if (this.reissuedAfterRefusal) return false;
    this.reissuedAfterRefusal = true;
    this.refusedFresh = token;
    this.invalidate();
    return true;
  }

  /** A login succeeded: the token rule starts afresh. */
  loggedIn(): void {
    this.reissuedAfterRefusal = false;
    this.refusedFresh = undefined;
  }

  /** Tokens issued lately (for redaction). */
  tokens(): readonly string[] {
    return this.issued;
  }

  private remember(t: IssuedToken): void {
    this.current = t;
    this.issued.push(t.token);
    if (this.issued.length > 4) this.issued.shift();
  }
}
