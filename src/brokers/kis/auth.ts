/**
 * The WebSocket approval key (실시간 접속키): REST `POST {rest}/oauth2/Approval` with the app key
 * and the app secret (sent as `secretkey`). KIS checks it only when a session starts, so one key
 * serves every reconnect until the server calls it invalid (OPSP0011) or it ages out (24 h).
 */
import * as t from 'io-ts';
import { FeedError } from '../../core/errors';

export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body: string; signal?: AbortSignal },
) => Promise<{
  readonly ok: boolean;
  readonly status: number;
  text(): Promise<string>;
}>;

export interface ApprovalRequest {
  readonly restUrl: string;
  readonly appKey: string;
  readonly appSecret: string;
  readonly fetch?: FetchLike;
  readonly timeoutMs?: number;
}

const ApprovalResponse = t.type({ approval_key: t.string });
const GatewayError = t.partial({ error_code: t.string, error_description: t.string, msg_cd: t.string, msg1: t.string });

const broker = 'kis';

/**
 * Asks for a new approval key. Refused credentials (HTTP 4xx) are fatal: retrying cannot fix
 * them. Network failures and 5xx are connection errors, retried with the session's backoff.
 */
export async function requestApprovalKey(r: ApprovalRequest): Promise<string> {
  const url = `${r.restUrl.replace(/\/+$/, '')}/oauth2/Approval`;
  const doFetch = r.fetch ?? (globalThis.fetch as unknown as FetchLike);
  let response: Awaited<ReturnType<FetchLike>>;
  let text: string;
  try {
    response = await doFetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; utf-8' },
      body: JSON.stringify({ grant_type: 'client_credentials', appkey: r.appKey, secretkey: r.appSecret }),
      signal: AbortSignal.timeout(r.timeoutMs ?? 10_000),
    });
    text = await response.text();
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
    return Promise.reject(
      new FeedError({ kind: 'connection', broker, message: `KIS approval endpoint ${origin(url)} unreachable (${cause})` }),
    );
  }
  if (!response.ok) {
    const said = gatewaySays(text);
    const refused = response.status >= 400 && response.status < 500;
    return Promise.reject(
      new FeedError({
        kind: refused ? 'auth' : 'connection',
        broker,
        fatal: refused,
        code: String(response.status),
        message: refused
          ? `KIS refused the app key/secret when issuing an approval key (HTTP ${response.status}${said}); ` +
            'check KIS_APPKEY, KIS_APPSECRET and KIS_ENV (real and paper keys differ)'
          : `KIS approval endpoint failed (HTTP ${response.status}${said})`,
      }),
    );
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const decoded = ApprovalResponse.decode(body);
  if (decoded._tag === 'Left' || decoded.right.approval_key === '') {
    return Promise.reject(
      new FeedError({ kind: 'auth', broker, fatal: true, message: 'KIS approval endpoint answered without an approval_key' }),
    );
  }
  return decoded.right.approval_key;
}

function gatewaySays(text: string): string {
  try {
    const d = GatewayError.decode(JSON.parse(text));
    if (d._tag === 'Right') {
      const code = d.right.error_code ?? d.right.msg_cd;
      const description = d.right.error_description ?? d.right.msg1;
      const parts = [code, description].filter((p) => p);
      if (parts.length > 0) return `: ${parts.join(' ')}`;
    }
  } catch {
    // not JSON: say nothing more
  }
  return '';
}

function origin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'URL';
  }
}

/** A provider as the approval cache's issuer: its failures become FeedErrors, retried like a network error. */
export function fromProvider(provider: () => Promise<string>): () => Promise<string> {
  return async () => {
    let key: unknown;
    try {
      key = await provider();
    } catch (err) {
      if (err instanceof FeedError) throw err;
      const why = err instanceof Error ? err.message : String(err);
      throw new FeedError({ kind: 'connection', broker, message: `kis: the approval-key provider failed: ${why}` });
    }
    if (typeof key !== 'string' || key.trim() === '') {
      throw new FeedError({ kind: 'auth', broker, fatal: true, message: 'kis: the approval-key provider returned no key' });
    }
    return key.trim();
  };
}

/** Decides, before each connection attempt, whether the cached approval key can be used. */
export interface ApprovalCacheOptions {
  /** Re-issue a key older than this. Default 23 h (keys live 24 h). */
  readonly maxAgeMs?: number;
  readonly now: () => number;
  readonly issue: () => Promise<string>;
  /** A key the user already holds, used until it is refused or ages out. */
  readonly initialKey?: string;
}

/**
 * Holds the approval key across attempts. After an OPSP0011 it issues a new key once; if the new
 * key is refused too before any registration succeeded, it gives up with a fatal error instead
 * of looping.
 */
export class ApprovalCache {
  private current?: { readonly key: string; readonly at: number };
  /** A key was re-issued because of OPSP0011 and has not been proven good yet. */
  private reissued = false;
  /** The key refused with OPSP0011; the re-issued one must differ. */
  private refused?: string;

  constructor(private readonly options: ApprovalCacheOptions) {
    if (options.initialKey) this.current = { key: options.initialKey, at: options.now() };
  }

  /** The key in use, for redaction. */
  get key(): string | undefined {
    return this.current?.key;
  }

  /** A registration succeeded with the current key. */
  confirm(): void {
    this.reissued = false;
  }

  /**
   * The key for the next attempt: the cached one (synchronously), or a new one when there is
   * none, it is too old, or the previous attempt ended with OPSP0011.
   */
  get(lastError?: FeedError): string | Promise<string> {
    if (lastError?.code === 'OPSP0011') {
      if (this.reissued) {
        throw new FeedError({
          kind: 'auth',
          broker,
          fatal: true,
          code: 'OPSP0011',
          message:
            'KIS rejected a freshly issued approval key too (OPSP0011); check that KIS_ENV matches the app key ' +
            '(real and paper use different keys and servers)',
        });
      }
      this.refused = this.current?.key;
      this.current = undefined;
      this.reissued = true;
    }
    const maxAge = this.options.maxAgeMs ?? 23 * 3_600_000;
    if (this.current !== undefined && this.options.now() - this.current.at < maxAge) return this.current.key;
    return this.options.issue().then((key) => {
      if (this.reissued && key === this.refused) {
        throw new FeedError({
          kind: 'auth',
          broker,
          fatal: true,
          code: 'OPSP0011',
          message: 'KIS issued again the very approval key it had just refused (OPSP0011); not retrying',
        });
      }
      this.current = { key, at: this.options.now() };
      return key;
    });
  }
}
