/**
 * How KIS answers REST calls, read into a verdict (see ../../../core/rest.ts):
 *
 * - success: `rt_cd "0"` (HTTP 200);
 * - quota: `msg_cd EGW00201` on any HTTP status (measured as HTTP 500), or HTTP 429 → the app
 *   key's budget holds, then retries; `EGW00133` (token issued less than a minute ago) holds 60 s;
 * - token refused: `EGW00121`/`EGW00122`/`EGW00123` → a new token, once;
 * - `EGW00001`/`EGW00002` and other 5xx: retried with backoff; other codes: never retried;
 * - paging: the response header `tr_cont` `F`/`M` means more; the next request sends
 *   `tr_cont: N` and the body's `ctx_area_fk100`/`ctx_area_nk100` as query parameters.
 */
import * as t from 'io-ts';
import { FeedError } from '../../../core/errors';
import { RestReply, Verdict, accept, commonFailure, decodeBody, refuse } from '../../../core/rest';
import { Envelope } from './wire';

const broker = 'kis';

export interface KisCursor {
  readonly fk: string;
  readonly nk: string;
}

export interface KisPage<A> {
  readonly value: A;
  readonly next?: KisCursor;
}

const TOKEN = new Set(['EGW00121', 'EGW00122', 'EGW00123']);
const LATER = new Set(['EGW00001', 'EGW00002']);

export function readKis<A>(trId: string, reply: RestReply, codec: t.Decoder<unknown, A>): Verdict<KisPage<A>> {
  const label = trId;
  const common = commonFailure(broker, label, reply);
  if (common) return common;
  const env = Envelope.decode(reply.json);
  const gateway = reply.json as { error_code?: unknown; error_description?: unknown };
  const code = env._tag === 'Right' ? env.right.msg_cd : typeof gateway.error_code === 'string' ? gateway.error_code : undefined;
  const said =
    env._tag === 'Right' ? (env.right.msg1 ?? '') : typeof gateway.error_description === 'string' ? gateway.error_description : '';
  const err = (kind: FeedError['kind'], what: string): FeedError =>
    new FeedError({ kind, broker, fatal: false, code: code ?? String(reply.status), message: `${broker} REST ${label}: ${what}` });
  if (code === 'EGW00201') return refuse(err('limit', `quota exceeded (${said.trim()}); the app key's budget holds`), 'quota');
  if (code === 'EGW00133') return refuse(err('limit', `token issued too recently (${said.trim()}); waiting a minute`), 'quota', 60_000);
  if (code !== undefined && TOKEN.has(code)) return refuse(err('auth', `token refused (${said.trim()})`), 'reauth');
  if ((code !== undefined && LATER.has(code)) || (reply.status >= 500 && (env._tag === 'Left' || env.right.rt_cd === '0'))) {
    return refuse(err('connection', `HTTP ${reply.status} ${said}`.trim()), 'later');
  }
  if (env._tag === 'Left' || env.right.rt_cd !== '0') {
    return refuse(err('rejected', `${code ?? `HTTP ${reply.status}`} ${said}`.trim()), 'never');
  }
  const body = decodeBody(broker, label, reply, codec);
  if (!body.ok) return body;
  const more = /^[FM]$/.test((reply.header('tr_cont') ?? '').trim());
  return accept(
    more ? { value: body.value, next: { fk: env.right.ctx_area_fk100 ?? '', nk: env.right.ctx_area_nk100 ?? '' } } : { value: body.value },
  );
}
