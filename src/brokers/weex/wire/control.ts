import * as t from 'io-ts';
import { IntLike, RequestId } from './primitives';

/**
 * Control frames of the WEEX V3 socket (method/params, Binance-like):
 *
 *   → {"id":"1","method":"SUBSCRIBE","params":["BTCUSDT@depth15","BTCUSDT@trade"]}
 *   ← {"id":"1","result":true}                                       ack
 *   ← {"id":"2","result":false,"msg":"INVALID_ARGUMENT: invalid symbol : XYZ"}   refusal
 *   ← {"event":"ping","time":"1776078750000"}   (public)   → {"id":"7","method":"PONG"}
 *   ← {"type":"ping","time":"1776172740000"}    (private)  → {"id":"8","method":"PONG"}
 *   ← {"id":"7","method":"PONG"}                (public only: the server's answer to our PONG)
 */

export const Ack = t.type({ id: RequestId, result: t.literal(true) }, 'Ack');
export type Ack = t.TypeOf<typeof Ack>;

export const Refusal = t.intersection(
  [t.type({ id: RequestId, result: t.literal(false) }), t.partial({ msg: t.string, code: t.union([t.string, t.number]) })],
  'Refusal',
);
export type Refusal = t.TypeOf<typeof Refusal>;

/** Both ping spellings: `event` on public sockets, `type` on private ones (handle either anywhere). */
export const Ping = t.union(
  [
    t.intersection([t.type({ event: t.literal('ping') }), t.partial({ time: t.union([t.string, t.number]) })]),
    t.intersection([t.type({ type: t.literal('ping') }), t.partial({ time: t.union([t.string, t.number]) })]),
  ],
  'Ping',
);
export type Ping = t.TypeOf<typeof Ping>;

export const Pong = t.type({ id: RequestId, method: t.literal('PONG') }, 'Pong');
export type Pong = t.TypeOf<typeof Pong>;

/** Sent after connecting; its exact shape is undocumented, so both key spellings are accepted. */
export const Connected = t.union(
  [t.intersection([t.type({ e: t.literal('connected') }), t.partial({ E: IntLike })]), t.type({ event: t.literal('connected') })],
  'Connected',
);

/**
 * A connection-level error notice. Not documented for V3; V2 clients assume
 * `{"event":"error","code":…,"msg":"…"}` with the REST error codes (40009 signature failed, ...).
 */
export const ErrorNotice = t.intersection(
  [t.type({ event: t.literal('error') }), t.partial({ code: t.union([t.string, t.number]), msg: t.string })],
  'ErrorNotice',
);
export type ErrorNotice = t.TypeOf<typeof ErrorNotice>;

/** Outbound requests. */
export type RequestMethod = 'SUBSCRIBE' | 'UNSUBSCRIBE';

export function requestFrame(id: string, method: RequestMethod, params: readonly string[]): string {
  return JSON.stringify({ id, method, params });
}

export function pongFrame(id: string): string {
  return JSON.stringify({ id, method: 'PONG' });
}
