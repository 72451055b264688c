/**
 * How WEEX V3 answers REST calls, read into a verdict (see ../../../core/rest.ts):
 *
 * - success: HTTP 2xx with a bare JSON body (object or array, no wrapper) the call's codec reads;
 * - errors: HTTP 4xx/5xx (or, defensively, 2xx) with `{"code": <negative>, "msg": "…"}`;
 * - quota: HTTP 429 (`Retry-After` honoured when sent) → the credential's budget holds, then
 *   retries;
 * - retried with backoff: 5xx, HTML pages, cut JSON, `-1054` (system error), `-1046` (timestamp
 *   expired: the retry signs afresh), `-1000` (unknown);
 * - never retried: auth (`-1040`…`-1050`: key, signature, passphrase, permission), bad parameters
 *   (`-1121` invalid symbol, `-1128`…, `-1170`/`-1171` time range), other 4xx.
 */
import * as t from 'io-ts';
import { FeedError } from '../../../core/errors';
import { RestReply, Verdict, accept, commonFailure, decodeBody, excerpt, refuse } from '../../../core/rest';
import { ErrorBody } from './wire';

const broker = 'weex';

const LATER = new Set([-1000, -1054, -1046]);

export function readWeex<A>(label: string, reply: RestReply, codec: t.Decoder<unknown, A>): Verdict<A> {
  const common = commonFailure(broker, label, reply);
  if (common) return common;
  const error = Array.isArray(reply.json) ? undefined : ErrorBody.decode(reply.json);
  if (error && error._tag === 'Right' && (reply.status >= 400 || Number(error.right.code) < 0)) {
    const code = Number(error.right.code);
    const msg = error.right.msg;
    const fail = (kind: FeedError['kind'], fatal = false): FeedError =>
      new FeedError({
        kind,
        broker,
        fatal,
        code: String(error.right.code),
        message: `${broker} REST ${label}: ${msg} (${error.right.code}, HTTP ${reply.status})`,
      });
    if (reply.status >= 500 || LATER.has(code)) return refuse(fail('connection'), 'later');
    if ((code <= -1040 && code >= -1050) || reply.status === 401 || reply.status === 403) return refuse(fail('auth', true), 'never');
    return refuse(fail('rejected'), 'never');
  }
  if (reply.status >= 500)
    return refuse(
      new FeedError({
        kind: 'connection',
        broker,
        fatal: false,
        code: String(reply.status),
        message: `${broker} REST ${label}: HTTP ${reply.status}`,
        raw: excerpt(reply.text),
      }),
      'later',
    );
  if (reply.status >= 400)
    return refuse(
      new FeedError({
        kind: 'rejected',
        broker,
        fatal: false,
        code: String(reply.status),
        message: `${broker} REST ${label}: HTTP ${reply.status}`,
        raw: excerpt(reply.text),
      }),
      'never',
    );
  const body = decodeBody(broker, label, reply, codec);
  if (!body.ok) return body;
  return accept(body.value);
}
