/**
 * What travels on the gateway's subjects, as io-ts codecs: one envelope per message, JSON-encoded
 * (measured against MessagePack in bench/gateway.ts; see the README's gateway section for why
 * JSON). A message that fails these codecs goes to `errors$` and ends nothing.
 *
 *   data:     { s: seq, t: sentAt, g: gatewayId, e: event }      on trade/book/quote/order/... subjects
 *   status:   { t, g, status: FeedStatus (error as FeedErrorInit) }
 *   gap:      { t, g, gap: { reason, from, to, keys } }
 *   refused:  { t, g, error: FeedErrorInit }
 *   interest: { consumer, keys: ['trade.005930', ...], ttlMs }     published by consumers
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

/** The envelope of a data message. */
export const DataEnvelope = t.type({ s: Num, t: Num, g: t.string, e: t.UnknownRecord });
export type DataEnvelope = t.TypeOf<typeof DataEnvelope>;

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

/** A consumer's lease: the keys it wants now; an empty list says goodbye. */
export const Interest = t.type({
  consumer: t.string,
  keys: t.array(t.string),
  ttlMs: t.refinement(t.number, (n) => Number.isFinite(n) && n > 0 && n <= 600_000, 'TtlMs'),
});
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

/**
 * Checks a data envelope's event against the kind its subject promises. The hot path (every
 * market message of every consumer) asks the same codecs `is` — plain checks, no Either per
 * field — and only a message that fails is decoded again for the error's details.
 */
export function decodeEvent(
  kind: EventKind,
  data: Uint8Array,
  broker: string,
  subject: string,
): { envelope: DataEnvelope; event: MarketEvent } | FeedError {
  let json: unknown;
  try {
    json = JSON.parse(decoder.decode(data));
  } catch {
    json = undefined;
  }
  if (DataEnvelope.is(json) && eventCodecs[kind].is(json.e)) return { envelope: json, event: json.e as unknown as MarketEvent };
  const envelope = decode(DataEnvelope, data, broker, subject);
  if (envelope instanceof FeedError) return envelope;
  return malformed(broker, subject, decoder.decode(data), `not a ${kind} event`);
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
