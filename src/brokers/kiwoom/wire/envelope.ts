/**
 * The JSON envelope of every Kiwoom WebSocket message, discriminated by `trnm`.
 *
 * Server → client: LOGIN ack, PING, REG/REMOVE acks, REAL pushes, SYSTEM notices and the
 * condition-search answers (CNSRLST, CNSRREQ, CNSRCLR). Lenient where the sources disagree:
 * `return_code` is a number or a numeric string; SYSTEM frames name their code `code`/`message`
 * in most captures and `return_code`/`return_msg` in one support answer, so both are read;
 * extra fields are ignored.
 */
import * as t from 'io-ts';

/** A return code sent as a number or a numeric string (`0`, `"0"`). */
export const ReturnCode = new t.Type<number, number, unknown>(
  'ReturnCode',
  (u): u is number => typeof u === 'number',
  (u, c) => {
    if (typeof u === 'number' && Number.isFinite(u)) return t.success(u);
    if (typeof u === 'string' && /^\s*-?\d+\s*$/.test(u)) return t.success(Number(u));
    return t.failure(u, c, 'return_code is not a number');
  },
  t.identity,
);

/** Text that may come as a number (codes, sequence numbers). */
const Textual = new t.Type<string, string, unknown>(
  'Textual',
  (u): u is string => typeof u === 'string',
  (u, c) => (typeof u === 'string' ? t.success(u) : typeof u === 'number' ? t.success(String(u)) : t.failure(u, c, 'not text')),
  t.identity,
);

const Msg = t.partial({ return_msg: t.union([t.string, t.null]) });

export const LoginAck = t.intersection([
  t.type({ trnm: t.literal('LOGIN'), return_code: ReturnCode }),
  Msg,
  t.partial({ sor_yn: t.string }),
]);

export const Ping = t.type({ trnm: t.literal('PING') });

export const RegAck = t.intersection([t.type({ trnm: t.union([t.literal('REG'), t.literal('REMOVE')]), return_code: ReturnCode }), Msg]);

/**
 * FID values: an object of FID → string (a one-element list is unwrapped). Values are checked one
 * by one where a field table reads them (numbers are read as their text there), not here: a 0D
 * entry has 200 of them and most decoders never look at the rest.
 */
export const FidValues = new t.Type<Readonly<Record<string, string>>, Record<string, string>, unknown>(
  'FidValues',
  (u): u is Record<string, string> => typeof u === 'object' && u !== null && !Array.isArray(u),
  (u, c) => {
    const obj = Array.isArray(u) && u.length === 1 ? u[0] : u;
    return typeof obj === 'object' && obj !== null && !Array.isArray(obj)
      ? t.success(obj as Record<string, string>)
      : t.failure(u, c, 'values is not an object');
  },
  (v) => ({ ...v }),
);

/** One REAL entry. `item` is '' for market-wide types (0s); `name` may be missing. */
export interface RealEntryShape {
  readonly type: string;
  readonly item: string;
  readonly name?: string;
  readonly values: Readonly<Record<string, string>>;
}

const optionalText = (u: unknown): u is string | undefined | null => u === undefined || u === null || typeof u === 'string';

export const RealEntryCodec = new t.Type<RealEntryShape, RealEntryShape, unknown>(
  'RealEntry',
  (u): u is RealEntryShape => typeof u === 'object' && u !== null && typeof (u as RealEntryShape).type === 'string',
  (u, c) => {
    if (typeof u !== 'object' || u === null) return t.failure(u, c, 'entry is not an object');
    const e = u as { type?: unknown; item?: unknown; name?: unknown; values?: unknown };
    if (typeof e.type !== 'string') return t.failure(u, c, 'entry has no type');
    if (!optionalText(e.item) || !optionalText(e.name)) return t.failure(u, c, 'entry item/name is not text');
    const values = FidValues.validate(e.values, c);
    if (values._tag === 'Left') return values;
    return t.success({
      type: e.type,
      item: e.item ?? '',
      ...(typeof e.name === 'string' ? { name: e.name } : {}),
      values: values.right,
    });
  },
  t.identity,
);

/**
 * An entry already in the shape `RealEntryCodec` gives (text type and item, text or no name, a
 * values object), taken as it is: the common case costs no copies. Anything else is undefined
 * and goes through the codec, which decides.
 */
export function plainRealEntry(raw: unknown): RealEntryShape | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const e = raw as { type?: unknown; item?: unknown; name?: unknown; values?: unknown };
  const values = e.values;
  return typeof e.type === 'string' &&
    typeof e.item === 'string' &&
    (e.name === undefined || typeof e.name === 'string') &&
    typeof values === 'object' &&
    values !== null &&
    !Array.isArray(values)
    ? (e as RealEntryShape)
    : undefined;
}

/** An entry through its codec, which also reads the quirks (a null item, values in a list). */
export function decodeRealEntry(raw: unknown): RealEntryShape | undefined {
  const entry = RealEntryCodec.decode(raw);
  if (entry._tag === 'Left') return undefined;
  const { type, values, item, name } = entry.right;
  return { type, item: item ?? '', name: name ?? undefined, values };
}

/** A REAL frame; its entries are decoded one by one so one bad entry spares the others. */
export const Real = t.type({ trnm: t.literal('REAL'), data: t.array(t.unknown) });

export const SystemNotice = t.intersection([
  t.type({ trnm: t.literal('SYSTEM') }),
  t.partial({
    code: Textual,
    message: t.string,
    return_code: Textual,
    return_msg: t.string,
  }),
]);

/** A condition as CNSRLST lists it: `[seq, name]` (portal) or `{seq, name}` (tolerated). */
const ConditionItem = t.union([t.tuple([Textual, t.string]), t.type({ seq: Textual, name: t.string })]);

export const ConditionListAck = t.intersection([
  t.type({ trnm: t.literal('CNSRLST') }),
  t.partial({ return_code: ReturnCode, data: t.union([t.array(ConditionItem), t.null]) }),
  Msg,
]);

/** CNSRREQ answer: the stocks matching now (`jmcode`, A-prefixed), or null when none. */
export const ConditionSearchAck = t.intersection([
  t.type({ trnm: t.literal('CNSRREQ') }),
  t.partial({
    seq: Textual,
    return_code: ReturnCode,
    data: t.union([t.array(t.record(t.string, t.unknown)), t.null]),
    cont_yn: t.string,
    next_key: t.string,
  }),
  Msg,
]);

export const ConditionClearAck = t.intersection([
  t.type({ trnm: t.literal('CNSRCLR') }),
  t.partial({ seq: Textual, return_code: ReturnCode }),
  Msg,
]);

/** Every envelope by its `trnm`, for a Map lookup instead of trying a union member by member. */
export const envelopes = {
  LOGIN: LoginAck,
  PING: Ping,
  REG: RegAck,
  REMOVE: RegAck,
  REAL: Real,
  SYSTEM: SystemNotice,
  CNSRLST: ConditionListAck,
  CNSRREQ: ConditionSearchAck,
  CNSRCLR: ConditionClearAck,
} as const;

export type Trnm = keyof typeof envelopes;

/** Any server message. */
export type Envelope = { [K in Trnm]: t.TypeOf<(typeof envelopes)[K]> }[Trnm];

export const Envelope = t.union([LoginAck, Ping, RegAck, Real, SystemNotice, ConditionListAck, ConditionSearchAck, ConditionClearAck]);

export function isTrnm(s: unknown): s is Trnm {
  return typeof s === 'string' && Object.prototype.hasOwnProperty.call(envelopes, s);
}

/** The code and text of a SYSTEM notice, whichever names the server used. */
export function systemNotice(frame: t.TypeOf<typeof SystemNotice>): { readonly code: string; readonly message: string } {
  return { code: (frame.code ?? frame.return_code ?? '').trim(), message: frame.message ?? frame.return_msg ?? '' };
}

/** Client → server messages. */
export interface RegEntry {
  readonly item: readonly string[];
  readonly type: readonly string[];
}

export const requests = {
  login: (token: string) => JSON.stringify({ trnm: 'LOGIN', token }),
  reg: (grpNo: string, data: readonly RegEntry[]) => JSON.stringify({ trnm: 'REG', grp_no: grpNo, refresh: '1', data }),
  remove: (grpNo: string, data: readonly RegEntry[]) => JSON.stringify({ trnm: 'REMOVE', grp_no: grpNo, data }),
  conditionList: () => JSON.stringify({ trnm: 'CNSRLST' }),
  conditionSearch: (seq: string, stexTp: string) => JSON.stringify({ trnm: 'CNSRREQ', seq, search_type: '1', stex_tp: stexTp }),
  conditionClear: (seq: string) => JSON.stringify({ trnm: 'CNSRCLR', seq }),
};

/** A REAL push (market or account data), as opposed to acks, PINGs and SYSTEM notices. */
export function isRealFrame(frame: string): boolean {
  try {
    return (JSON.parse(frame) as { trnm?: unknown }).trnm === 'REAL';
  } catch {
    return false;
  }
}
