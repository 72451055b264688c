import * as t from 'io-ts';
import { isLeft } from 'fp-ts/Either';
import { FeedError } from '../../core/errors';
import { FrameEvent, SessionCodec } from '../../core/protocol';
import { Ack, Connected, ErrorNotice, Ping, Pong, Refusal, RequestMethod, pongFrame, requestFrame } from './wire/control';
import { BookTickerPush, DepthPush, KlinePush, PublicPush, TickerPush, TradePush } from './wire/public-pushes';
import { AccountPush, FillPush, OrdersPush, PositionsPush, PrivatePush } from './wire/private-pushes';
import { readDepthPush, readTradePush } from './wire/fast';
import { bookTickerStream, depthStream, klineKey, streamDepth, streamSymbol, tickerStream, tradeStream } from './keys';

/** Any data push of the V3 protocol, as the session routes it. */
export type WeexPush = PublicPush | PrivatePush;

/**
 * Streams per SUBSCRIBE frame. V3 takes a `params` array; no per-frame limit is documented, so
 * frames are capped well below the 100-channel connection limit.
 */
export const MAX_STREAMS_PER_REQUEST = 50;

/** 400xx codes that no reconnect can fix (bad key, signature, passphrase, permissions, IP). */
const FATAL_AUTH_CODES = new Set([
  '40001',
  '40002',
  '40003',
  '40005',
  '40006',
  '40009',
  '40011',
  '40012',
  '40013',
  '40014',
  '40018',
  '40022',
  '40753',
]);

const pushCodecs: Readonly<Record<string, t.Decoder<unknown, WeexPush>>> = {
  depthSnapshot: DepthPush,
  depth: DepthPush,
  tradeSnapshot: TradePush,
  trade: TradePush,
  ticker: TickerPush,
  klineSnapshot: KlinePush,
  kline: KlinePush,
  bookTicker: BookTickerPush,
  account: AccountPush,
  positions: PositionsPush,
  orders: OrdersPush,
  fill: FillPush,
};

/** One-pass readers of the busiest pushes; they defer to the codecs on anything unusual. */
const fastReaders: Readonly<Record<string, (u: unknown) => WeexPush | undefined>> = {
  trade: readTradePush,
  tradeSnapshot: readTradePush,
  depth: readDepthPush,
  depthSnapshot: readDepthPush,
};

interface Pending {
  readonly method: RequestMethod;
  readonly keys: readonly string[];
}

/**
 * Encoding and decoding for one V3 connection (public or private: the frames are the same).
 * Remembers which request id carried which keys, so acks and refusals reach exactly those keys.
 * Never throws: anything it cannot read becomes a 'report' event carrying the raw frame.
 */
export function createV3Codec(broker = 'weex'): SessionCodec<WeexPush> {
  let lastId = 0;
  const pending = new Map<string, Pending>();
  /** Depth streams live on this connection, for depth pushes that omit `l`. */
  const depthKeys = new Set<string>();

  const nextId = (): string => String(++lastId);

  const request = (method: RequestMethod, keys: readonly string[]): string[] => {
    const frames: string[] = [];
    for (let i = 0; i < keys.length; i += MAX_STREAMS_PER_REQUEST) {
      const batch = keys.slice(i, i + MAX_STREAMS_PER_REQUEST);
      const id = nextId();
      pending.set(id, { method, keys: batch });
      frames.push(requestFrame(id, method, batch));
    }
    for (const key of keys) {
      if (streamDepth(key) === undefined) continue;
      if (method === 'SUBSCRIBE') depthKeys.add(key);
      else depthKeys.delete(key);
    }
    return frames;
  };

  const decodeError = (frame: string, why: string): FrameEvent<WeexPush> => ({
    type: 'report',
    error: new FeedError({ kind: 'decode', broker, message: `${broker}: ${why}`, raw: frame }),
  });

  const onRefusal = (refusal: Refusal, frame: string): FrameEvent<WeexPush>[] => {
    const sent = pending.get(refusal.id);
    pending.delete(refusal.id);
    const msg = refusal.msg ?? 'refused';
    const code = refusal.code === undefined ? undefined : String(refusal.code);
    if (!sent) {
      return [{ type: 'report', error: new FeedError({ kind: 'notice', broker, code, message: `${broker}: ${msg}`, raw: frame }) }];
    }
    if (sent.method === 'UNSUBSCRIBE') {
      const error = new FeedError({
        kind: 'notice',
        broker,
        code,
        message: `${broker}: release of ${sent.keys.join(', ')} refused: ${msg}`,
      });
      return [{ type: 'report', error }];
    }
    // A batch fails as a whole; when the message names the culprit symbol, refuse only its keys
    // and ask again for the others.
    const culprits = sent.keys.filter((k) => mentionsSymbol(msg, streamSymbol(k)));
    const refused = culprits.length > 0 ? culprits : sent.keys;
    const others = sent.keys.filter((k) => !refused.includes(k));
    const error = new FeedError({
      kind: 'rejected',
      broker,
      code,
      message: `${broker}: subscription to ${refused.join(', ')} refused: ${msg}`,
    });
    const events: FrameEvent<WeexPush>[] = [{ type: 'rejected', keys: refused, error }];
    // The others were refused only by company: the key table asks for them again (paced).
    if (others.length > 0) events.push({ type: 'resubscribe', keys: others });
    return events;
  };

  const onErrorNotice = (notice: ErrorNotice, frame: string): FrameEvent<WeexPush> => {
    const code = notice.code === undefined ? undefined : String(notice.code);
    const message = `${broker}: server error${code ? ` ${code}` : ''}: ${notice.msg ?? 'no message'}`;
    if (code !== undefined && /^400\d\d$/.test(code)) {
      return { type: 'failed', error: new FeedError({ kind: 'auth', broker, code, message, fatal: FATAL_AUTH_CODES.has(code) }) };
    }
    return { type: 'report', error: new FeedError({ kind: 'notice', broker, code, message, raw: frame }) };
  };

  const onPush = (e: string, value: unknown, frame: string): FrameEvent<WeexPush>[] => {
    // Own keys only: `{"e":"constructor"}` is an unknown push, not Object's constructor.
    const codec = Object.hasOwn(pushCodecs, e) ? pushCodecs[e] : undefined;
    if (!codec) return [decodeError(frame, `unknown push "${e}"`)];
    let push = Object.hasOwn(fastReaders, e) ? fastReaders[e](value) : undefined;
    if (push === undefined) {
      const decoded = codec.decode(value);
      if (isLeft(decoded)) return [decodeError(frame, `malformed ${e} push: ${describeErrors(decoded.left)}`)];
      push = decoded.right;
    }
    const key = pushKey(push, depthKeys);
    if (key === undefined) return [decodeError(frame, `cannot tell which stream this ${e} push belongs to`)];
    return [{ type: 'data', key, message: push }];
  };

  return {
    subscribe: (keys) => request('SUBSCRIBE', keys),
    release: (keys) => request('UNSUBSCRIBE', keys),
    decode(frame) {
      let value: unknown;
      try {
        value = JSON.parse(frame);
      } catch {
        return [decodeError(frame, 'frame is not JSON')];
      }
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return [decodeError(frame, 'frame is not a JSON object')];
      const o = value as Record<string, unknown>;
      if (typeof o.e === 'string' && o.e !== 'connected') return onPush(o.e, value, frame);
      if (Ping.is(value)) return [{ type: 'reply', frame: pongFrame(nextId()) }];
      if (Pong.is(value)) return [];
      if ('result' in o) {
        const ack = Ack.decode(value);
        if (!isLeft(ack)) {
          const sent = pending.get(ack.right.id);
          pending.delete(ack.right.id);
          if (!sent) return [];
          return [{ type: sent.method === 'SUBSCRIBE' ? 'subscribed' : 'released', keys: sent.keys }];
        }
        const refusal = Refusal.decode(value);
        if (!isLeft(refusal)) return onRefusal(refusal.right, frame);
        return [decodeError(frame, 'malformed reply')];
      }
      if (Connected.is(value)) return [];
      if (ErrorNotice.is(value)) return [onErrorNotice(value, frame)];
      return [decodeError(frame, 'unrecognized frame')];
    },
  };
}

/** The stream name a push belongs to (undefined if it cannot be told). */
export function pushKey(push: WeexPush, depthKeys: ReadonlySet<string> = new Set()): string | undefined {
  switch (push.e) {
    case 'depthSnapshot':
    case 'depth': {
      if (push.l === 15 || push.l === 200) return depthStream(push.s, push.l);
      const candidates = [...depthKeys].filter((k) => streamSymbol(k) === push.s);
      return candidates.length === 1 ? candidates[0] : undefined;
    }
    case 'tradeSnapshot':
    case 'trade':
      return tradeStream(push.s);
    case 'ticker':
      return tickerStream(push.s);
    case 'bookTicker':
      return bookTickerStream(push.s);
    case 'klineSnapshot':
    case 'kline': {
      const interval = push.d[0]?.i;
      return interval === undefined ? undefined : klineKey(push.s, interval, push.p === 'MARK_PRICE' ? 'MARK_PRICE' : 'LAST_PRICE');
    }
    case 'account':
    case 'positions':
    case 'orders':
    case 'fill':
      return push.e;
  }
}

function mentionsSymbol(msg: string, symbol: string): boolean {
  return symbol !== '' && new RegExp(`(^|[^A-Z0-9])${symbol}([^A-Z0-9]|$)`, 'i').test(msg);
}

/** A short, readable account of io-ts errors: the first few paths and what was there. */
/** A value as JSON for a message; never throws (deep nesting, odd objects). */
function shownValue(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch {
    return '(unprintable)';
  }
}

export function describeErrors(errors: t.Errors): string {
  const parts = errors.slice(0, 3).map((e) => {
    // Members of intersections and unions add index keys that are not part of the frame's path.
    const path = e.context
      .filter((c, i) => c.key !== '' && !isCombinator(e.context[i - 1]?.type))
      .map((c) => c.key)
      .join('.');
    const got = shownValue(e.value);
    return `${path || '(frame)'}: ${e.message ?? `expected ${e.context[e.context.length - 1]?.type.name ?? 'value'}`}, got ${
      got === undefined ? 'nothing' : got.length > 40 ? got.slice(0, 40) + '…' : got
    }`;
  });
  return parts.join('; ');
}

function isCombinator(type: t.Decoder<unknown, unknown> | undefined): boolean {
  const tag = (type as { _tag?: string } | undefined)?._tag;
  return tag === 'IntersectionType' || tag === 'UnionType';
}

/** A push (`e` names its stream), as opposed to acks, pings, PONGs and the `connected` event. */
export function isPushFrame(frame: string): boolean {
  try {
    const e = (JSON.parse(frame) as { e?: unknown }).e;
    return typeof e === 'string' && e !== 'connected';
  } catch {
    return false;
  }
}
