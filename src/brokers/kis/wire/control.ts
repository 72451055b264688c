/**
 * JSON control messages: the client's register/release requests, the server's replies to them
 * (rt_cd, msg_cd OPSPnnnn, msg1, and on success the AES key/iv) and the PINGPONG keep-alive.
 */
import * as t from 'io-ts';

const Header = t.intersection([t.type({ tr_id: t.string }), t.partial({ tr_key: t.string, encrypt: t.string, datetime: t.string })]);

const CipherOutput = t.type({ key: t.string, iv: t.string });

const Body = t.intersection([t.type({ rt_cd: t.string, msg_cd: t.string }), t.partial({ msg1: t.string, output: t.unknown })]);

/** Any control message; PINGPONG has no body. */
export const ControlMessage = t.intersection([t.type({ header: Header }), t.partial({ body: Body })]);
export type ControlMessage = t.TypeOf<typeof ControlMessage>;

/** What a reply means for its key. */
export type ReplyMeaning =
  | { readonly type: 'ping' }
  | { readonly type: 'subscribed'; readonly cipher?: t.TypeOf<typeof CipherOutput> }
  | { readonly type: 'released' }
  /** The server refused this key (OPSP0008 over the limit, invalid tr_id/tr_key, ...). */
  | { readonly type: 'refused' }
  /** The approval key is unknown or expired: the whole connection must start over with a new one. */
  | { readonly type: 'invalidApproval' }
  /** Another session holds this app key: nothing this client can retry fixes it. */
  | { readonly type: 'appKeyInUse' }
  /** A server error or a reply not tied to a key we know. */
  | { readonly type: 'error' };

/**
 * Classifies a control message by msg_cd (rt_cd differs between sources: "1" or "9" for the
 * same errors, so only "0" vs not-"0" is trusted).
 */
export function meaningOf(m: ControlMessage): ReplyMeaning {
  if (m.header.tr_id === 'PINGPONG') return { type: 'ping' };
  const body = m.body;
  if (body === undefined) return { type: 'error' };
  switch (body.msg_cd) {
    case 'OPSP0000':
    case 'OPSP0002': {
      // Some clients see "UNSUBSCRIBE SUCCESS" come back with a success code.
      if (body.rt_cd === '0' && /^UNSUB/i.test(body.msg1 ?? '')) return { type: 'released' };
      const cipher = CipherOutput.decode(body.output);
      return { type: 'subscribed', ...(cipher._tag === 'Right' ? { cipher: cipher.right } : {}) };
    }
    case 'OPSP0001':
    case 'OPSP0003':
      return { type: 'released' };
    case 'OPSP0011':
      return { type: 'invalidApproval' };
    case 'OPSP8996':
      return { type: 'appKeyInUse' };
    case 'OPSP0008':
    case 'OPSP8991':
    case 'OPSP8992':
    case 'OPSP8993':
    case 'OPSP9990':
      return { type: 'refused' };
    default:
      return body.rt_cd === '0' ? { type: 'subscribed' } : { type: 'refused' };
  }
}

/** What the client sends: register ("1") or release ("2") one (tr_id, tr_key). */
export interface RequestInput {
  readonly approvalKey: string;
  readonly custType: 'P' | 'B';
  readonly trType: '1' | '2';
  readonly trId: string;
  readonly trKey: string;
}

/** One register/release request. KIS takes one item per message. */
export function formatRequest(r: RequestInput): string {
  return JSON.stringify({
    header: { approval_key: r.approvalKey, custtype: r.custType, tr_type: r.trType, 'content-type': 'utf-8' },
    body: { input: { tr_id: r.trId, tr_key: r.trKey } },
  });
}

/** A request as the server reads it. */
export const Request = t.type({
  header: t.type({ approval_key: t.string, tr_type: t.string }),
  body: t.type({ input: t.type({ tr_id: t.string, tr_key: t.string }) }),
});
export type Request = t.TypeOf<typeof Request>;

/** A server's reply (the loopback server's side). */
export function formatReply(r: {
  readonly trId: string;
  readonly trKey: string;
  readonly rtCd: string;
  readonly msgCd: string;
  readonly msg1: string;
  readonly cipher?: { readonly key: string; readonly iv: string };
}): string {
  return JSON.stringify({
    header: { tr_id: r.trId, tr_key: r.trKey, encrypt: 'N' },
    body: { rt_cd: r.rtCd, msg_cd: r.msgCd, msg1: r.msg1, ...(r.cipher ? { output: { iv: r.cipher.iv, key: r.cipher.key } } : {}) },
  });
}

/** The server's keep-alive; the client sends the same text back. */
export function formatPing(datetime: string): string {
  return JSON.stringify({ header: { tr_id: 'PINGPONG', datetime } });
}

/** The key of one registration: `${tr_id}|${tr_key}`. */
export const keyOf = (trId: string, trKey: string): string => `${trId}|${trKey}`;

/** The parts of a key; undefined when it is not `${tr_id}|${tr_key}`. */
export function parseKey(key: string): { readonly trId: string; readonly trKey: string } | undefined {
  const bar = key.indexOf('|');
  if (bar <= 0 || bar === key.length - 1) return undefined;
  return { trId: key.slice(0, bar), trKey: key.slice(bar + 1) };
}
