/**
 * What travels on the gateway's subjects, as io-ts codecs. Data messages are JSON and carry a
 * batch of events (measured against MessagePack and against one event per message in
 * bench/gateway.ts; see the README's gateway section for why). A message that fails these codecs
 * goes to `errors$` and ends nothing.
 *
 *   data:     { v: 2, s: seq, t: sentAt, g: gatewayId, e: [event, ...] }  on trade/book/quote/order/...
 *             (v1, still read: { s, t, g, e: event }, one event, no `v`)
 *   status:   { t, g, status: FeedStatus (error as FeedErrorInit) }
 *   gap:      { t, g, gap: { reason, from, to, keys } }
 *   refused:  { t, g, error: FeedErrorInit }
 *   interest: { consumer, keys: ['trade.005930', ...], ttlMs, raw? }     published by consumers
 *
 * `s` numbers the gateway's messages (not events): every event of a batch shares it. An event's
 * `raw` is `null` unless some consumer's lease asked for it (`raw: true`).
 */
import * as t from 'io-ts';
import { isLeft } from 'fp-ts/Either';
import { FeedError, FeedErrorInit } from '../core/errors';
import { FeedStatus } from '../core/status';
import { MarketEvent } from '../model/market';

const Num = t.refinement(t.number, Number.isFinite, 'FiniteNumber');

/** Fields every event has; the rest is checked per kind. */
const Base = t.type({ broker: t.string, symbol: t.string, time: t.string, timestamp: Num });
const Level = t.type({ price: Num, size: Num });

const kinds = {
  trade: t.type({ kind: t.literal('trade'), price: Num, size: Num }),
  book: t.type({ kind: t.literal('book'), asks: t.array(Level), bids: t.array(Level) }),
  quote: t.type({ kind: t.literal('quote') }),
  order: t.type({
    kind: t.literal('order'),
    orderId: t.string,
    side: t.keyof({ buy: null, sell: null }),
    status: t.string,
    orderQty: Num,
    filledQty: Num,
  }),
  position: t.type({ kind: t.literal('position'), qty: Num, avgPrice: Num }),
  balance: t.type({ kind: t.literal('balance'), asset: t.string }),
  index: t.type({ kind: t.literal('index'), value: Num }),
  status: t.type({ kind: t.literal('status'), phase: t.string, code: t.string }),
};
export type EventKind = keyof typeof kinds;
/** One codec per kind, built once (decoding is per message). */
const eventCodecs = Object.fromEntries(Object.entries(kinds).map(([k, c]) => [k, t.intersection([Base, c])])) as unknown as Record<
  EventKind,
  t.Type<unknown>
>;

/** The wire version of data messages this code writes. */
export const WIRE_VERSION = 2;

/** The envelope of a data message (v2: a batch; v1: one event, no `v`). */
export const DataEnvelope = t.union([
  t.type({ v: t.literal(WIRE_VERSION), s: Num, t: Num, g: t.string, e: t.array(t.UnknownRecord) }),
  t.type({ s: Num, t: Num, g: t.string, e: t.UnknownRecord }),
]);
/** What a consumer keeps of a data message's envelope (to order kept against live messages). */
export interface DataEnvelope {
  readonly s: number;
  readonly t: number;
  readonly g: string;
}

const ErrorInit = t.intersection([
  t.type({ kind: t.string, message: t.string }),
  t.partial({ broker: t.string, fatal: t.boolean, code: t.string, key: t.string }),
]);

const Status = t.union([
  t.intersection([t.type({ state: t.literal('closed') }), t.partial({ error: ErrorInit })]),
  t.type({ state: t.literal('connecting'), attempt: Num }),
  t.type({ state: t.literal('open'), connections: Num, keys: Num }),
  t.type({ state: t.literal('reconnecting'), attempt: Num, delayMs: Num, reason: t.string }),
]);

export const StatusEnvelope = t.type({ t: Num, g: t.string, status: Status });

/**
 * A notice on `rxm.<broker>.notice`: the broker feed's own gap and stale notices (with the symbol
 * they concern), and the gateway's gaps (a failover, the gateway's NATS outage) for every key
 * (no symbol). natsFeed turns each into the core `GapNotice`/`StaleNotice` of its live keys.
 */
const WireGap = t.intersection([
  t.type({ type: t.literal('gap'), from: Num, to: Num, reason: t.keyof({ reconnect: null, resync: null, stale: null, failover: null }) }),
  t.partial({ symbol: t.string }),
]);
const WireStale = t.intersection([
  t.type({ type: t.literal('stale'), since: Num, at: Num, quietMs: Num }),
  t.partial({ symbol: t.string }),
]);
export const NoticeEnvelope = t.type({ t: Num, g: t.string, notice: t.union([WireGap, WireStale]) });
export type WireNotice = t.TypeOf<typeof NoticeEnvelope>['notice'];

export const RefusedEnvelope = t.type({ t: Num, g: t.string, error: ErrorInit });

/** A consumer's lease: the keys it wants now (an empty list says goodbye), and whether it wants events' `raw`. */
export const Interest = t.intersection([
  t.type({
    consumer: t.string,
    keys: t.array(t.string),
    ttlMs: t.refinement(t.number, (n) => Number.isFinite(n) && n > 0 && n <= 600_000, 'TtlMs'),
  }),
  t.partial({ raw: t.boolean }),
]);
export type Interest = t.TypeOf<typeof Interest>;

const decoder = new TextDecoder();
const encoder = new TextEncoder();

export const encode = (value: unknown): Uint8Array => encoder.encode(JSON.stringify(value));

/** Parses and checks a message; a FeedError of kind 'decode' when it does not fit. */
export function decode<A>(codec: t.Decoder<unknown, A>, data: Uint8Array, broker: string, subject: string): A | FeedError {
  const text = decoder.decode(data);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return malformed(broker, subject, text, 'not JSON');
  }
  const result = codec.decode(json);
  if (isLeft(result)) {
    const where = result.left
      .slice(0, 3)
      .map(
        (e) =>
          e.context
            .map((c) => c.key)
            .filter(Boolean)
            .join('.') || '(root)',
      )
      .join(', ');
    return malformed(broker, subject, text, `bad fields: ${where}`);
  }
  return result.right;
}

function malformed(broker: string, subject: string, text: string, why: string): FeedError {
  return new FeedError({ kind: 'decode', broker, message: `nats: malformed message on ${subject} (${why})`, raw: text.slice(0, 200) });
}

const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const isLevels = (x: unknown): boolean => {
  if (!Array.isArray(x)) return false;
  for (const l of x) if (!isRecord(l) || !isNum(l.price) || !isNum(l.size)) return false;
  return true;
};

/**
 * The hot path's checks of the market kinds: plain property tests, no io-ts. Each accepts only what
 * its codec accepts (`__tests__/gateway/wire.test.ts` checks that on random values); anything it
 * does not accept goes to the codec, which decides and words the error.
 */
const quickChecks: Partial<Record<EventKind, (e: Record<string, unknown>) => boolean>> = {
  trade: (e) => e.kind === 'trade' && isNum(e.price) && isNum(e.size),
  book: (e) => e.kind === 'book' && isLevels(e.asks) && isLevels(e.bids),
  quote: (e) => e.kind === 'quote',
};

/** The quick check alone: true only for events of `kind` (false may still be one: ask the codec). */
export function quickIsEvent(kind: EventKind, e: unknown): boolean {
  const quick = quickChecks[kind];
  return (
    quick !== undefined &&
    isRecord(e) &&
    typeof e.broker === 'string' &&
    typeof e.symbol === 'string' &&
    typeof e.time === 'string' &&
    isNum(e.timestamp) &&
    quick(e)
  );
}

/** The codec of an event kind (what decides). */
export const eventCodec = (kind: EventKind): t.Type<unknown> => eventCodecs[kind];

/** true when `e` is an event of `kind`: the quick check, and the codec when it says no. */
export const isEvent = (kind: EventKind, e: unknown): boolean => quickIsEvent(kind, e) || eventCodecs[kind].is(e);

/** A decoded data message: its envelope, its events of the kind the subject promises, and an error per event that is not one. */
export interface DataMessage {
  readonly envelope: DataEnvelope;
  readonly events: MarketEvent[];
  readonly errors: FeedError[];
}

/**
 * Parses a data message and checks each event against the kind its subject promises. The hot
 * path (every market message of every consumer) is one `JSON.parse` and plain checks per event;
 * only a message that fails is decoded again by the codecs for the error's details. A batch with
 * some bad events keeps its good ones.
 */
export function decodeData(kind: EventKind, data: Uint8Array, broker: string, subject: string): DataMessage | FeedError {
  let json: unknown;
  try {
    json = JSON.parse(decoder.decode(data));
  } catch {
    json = undefined;
  }
  if (!isRecord(json) || !isNum(json.s) || !isNum(json.t) || typeof json.g !== 'string') return envelopeError(data, broker, subject);
  const envelope: DataEnvelope = { s: json.s, t: json.t, g: json.g };
  let batch: unknown[];
  if (json.v === WIRE_VERSION && Array.isArray(json.e)) batch = json.e;
  else if (json.v === undefined && isRecord(json.e)) batch = [json.e];
  else return envelopeError(data, broker, subject);
  const events: MarketEvent[] = [];
  let errors: FeedError[] | undefined;
  for (let i = 0; i < batch.length; i++) {
    const e = batch[i];
    if (isEvent(kind, e)) events.push(e as MarketEvent);
    else
      (errors ??= []).push(
        malformed(broker, subject, JSON.stringify(e) ?? String(e), `event ${i + 1} of ${batch.length} is not a ${kind} event`),
      );
  }
  return { envelope, events, errors: errors ?? [] };
}

function envelopeError(data: Uint8Array, broker: string, subject: string): FeedError {
  const r = decode(DataEnvelope, data, broker, subject);
  return r instanceof FeedError ? r : malformed(broker, subject, decoder.decode(data), `unknown wire version`);
}

/** One data message's body: a batch of already-serialized events (each `JSON.stringify`'d). */
export function encodeData(seq: number, sentAt: number, gateway: string, events: readonly string[]): Uint8Array {
  return encoder.encode(`{"v":${WIRE_VERSION},"s":${seq},"t":${sentAt},"g":${JSON.stringify(gateway)},"e":[${events.join(',')}]}`);
}

/** A FeedStatus as JSON (errors as plain objects). */
export function statusToJson(status: FeedStatus): unknown {
  return status.state === 'closed' && status.error ? { state: 'closed', error: status.error.toInit() } : status;
}

export function statusFromJson(json: t.TypeOf<typeof Status>): FeedStatus {
  if (json.state === 'closed') {
    return json.error ? { state: 'closed', error: errorFromJson(json.error) } : { state: 'closed' };
  }
  return json;
}

export function errorFromJson(init: t.TypeOf<typeof ErrorInit>): FeedError {
  return new FeedError(init as FeedErrorInit);
}
