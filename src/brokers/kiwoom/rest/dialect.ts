/**
 * How Kiwoom answers REST calls, read into a verdict (see ../../../core/rest.ts):
 *
 * - success: HTTP 200 and `return_code` 0 (number or numeric string; one doc page spells it
 *   `returnCode`: both are read);
 * - quota: `return_code` 5 with `[1700`/`[1701`/`[1702` in the message (measured live), or
 *   `return_code` 1700–1702 itself, or HTTP 429 → the app key's whole budget holds, then retries;
 *   `[1634` (too many codes in one ka10095 call) is not a quota: the caller must chunk;
 * - token refused: HTTP 401 or codes 8005/8031/8103 → the token is dropped and issued again once;
 * - 8104 (TR not served in this environment, e.g. mock) and other codes: never retried;
 * - HTML pages, cut JSON, 5xx: retried with backoff.
 *
 * Paging: a response header `cont-yn: Y` means more; the next request repeats the body with
 * request headers `cont-yn: Y` and `next-key: <the value received>`.
 */
import * as t from 'io-ts';
import { FeedError } from '../../../core/errors';
import { RestReply, Verdict, accept, commonFailure, decodeBody, refuse } from '../../../core/rest';
import { Envelope } from './wire';

const broker = 'kiwoom';

export interface Page<A> {
  readonly value: A;
  /** The next-key to send, when `cont-yn: Y`. */
  readonly next?: string;
}

const QUOTA_CODES = new Set([1700, 1701, 1702]);
const TOKEN_CODES = new Set([8005, 8031, 8103]);

/** The verdict on one TR answer; `codec` reads the TR's fields. */
export function readKiwoom<A>(apiId: string, reply: RestReply, codec: t.Decoder<unknown, A>): Verdict<Page<A>> {
  const label = apiId;
  const common = commonFailure(broker, label, reply);
  if (common) return common;
  const envelope = Envelope.decode(reply.json);
  const e = envelope._tag === 'Right' ? envelope.right : {};
  const rc = e.return_code ?? e.returnCode;
  const msg = (e.return_msg ?? e.returnMsg ?? '').trim();
  const bracket = /\[(\d{4})/.exec(msg)?.[1];
  const inner = bracket === undefined ? undefined : Number(bracket);
  const err = (kind: FeedError['kind'], what: string): FeedError =>
    new FeedError({
      kind,
      broker,
      fatal: false,
      code: rc === undefined ? String(reply.status) : String(inner ?? rc),
      message: `${broker} REST ${label}: ${what}`,
    });

  if (reply.status === 401 || (rc !== undefined && TOKEN_CODES.has(rc)) || (inner !== undefined && TOKEN_CODES.has(inner))) {
    return refuse(err('auth', `token refused (${msg || `HTTP ${reply.status}`})`), 'reauth');
  }
  if (
    (rc !== undefined && QUOTA_CODES.has(rc)) ||
    (inner !== undefined && QUOTA_CODES.has(inner)) ||
    (rc === 5 && /170[0-2]/.test(msg) && inner !== 1634)
  ) {
    return refuse(err('limit', `quota exceeded (${msg}); the app key's budget holds`), 'quota');
  }
  if (reply.status >= 500) return refuse(err('connection', `HTTP ${reply.status} ${msg}`.trim()), 'later');
  if (rc !== undefined && rc !== 0) {
    const why = inner === 8104 || rc === 8104 ? 'not served in this environment (mock)' : msg || `return_code ${rc}`;
    return refuse(err('rejected', why), 'never');
  }
  if (reply.status >= 400) return refuse(err('rejected', `HTTP ${reply.status} ${msg}`.trim()), 'never');
  const body = decodeBody(broker, label, reply, codec);
  if (!body.ok) return body;
  const more = (reply.header('cont-yn') ?? '').trim().toUpperCase() === 'Y';
  const next = reply.header('next-key');
  return accept(more && next ? { value: body.value, next } : { value: body.value });
}
