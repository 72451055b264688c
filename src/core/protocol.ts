import { Observable } from 'rxjs';
import { FeedError } from './errors';

/**
 * The one interface a broker implements. The core never imports a broker; a broker never touches
 * sockets, timers or subscriber bookkeeping.
 *
 * A subscription key is a string the broker chooses, naming one (type, item) pair on the wire,
 * e.g. '0B|005930' for Kiwoom or 'BTCUSDT@depth15' for WEEX. The same key must come back on
 * every data message the broker decodes for it: routing is a Map lookup on that string.
 */
export interface BrokerProtocol<M> {
  /** Broker id, used in errors and status ('kiwoom', 'kis', 'weex'). */
  readonly name: string;
  /**
   * Prepares one connection attempt: where to connect and a fresh codec for that connection.
   * Called before every attempt, so this is where credentials are fetched or refreshed
   * (`context.lastError` tells why the previous attempt ended). May be synchronous.
   * Throwing or rejecting with a fatal FeedError stops the session.
   */
  open(context: AttemptContext): SessionSetup<M> | PromiseLike<SessionSetup<M>> | Observable<SessionSetup<M>>;
  /** How many keys one connection may hold; the next key fails fast with a 'limit' error. */
  readonly keysPerConnection?: number;
  /** Strings never to show in errors or status: keys, secrets, tokens. Read on every report. */
  secrets?(): readonly string[];
  /** Lets the broker re-classify a connection failure (e.g. make a close code fatal). */
  classify?(error: FeedError): FeedError;
  /**
   * How fast subscribe/release requests may go out (first registration and re-registration after
   * a reconnect alike). Omitted: as fast as the codec makes them.
   */
  readonly pacing?: Pacing;
  /**
   * How long `key` may stay silent at time `at` (epoch ms) before it is flagged stale; undefined
   * when no data is expected then (market closed, account streams). See core/market-hours.
   */
  expectedQuietMs?(key: string, at: number): number | undefined;
}

/** The broker's request-rate rule, enforced by the core's pacer. */
export interface Pacing {
  /** Least time between two request frames. */
  readonly spacingMs: number;
  /** At most `max` request frames per `windowMs` on one connection (e.g. WEEX's 240 an hour). */
  readonly budget?: { readonly max: number; readonly windowMs: number };
}

export interface AttemptContext {
  /**
   * 1 for the session's first attempt; after n failed attempts in a row, n + 1. A connection
   * that stayed healthy counts as an attempt, so the first reconnect after it is attempt 2.
   */
  readonly attempt: number;
  /** Why the previous attempt ended, if one did. */
  readonly lastError?: FeedError;
}

/** Everything needed for one connection. */
export interface SessionSetup<M> {
  readonly url: string;
  /** Upgrade-request headers (ignored by browser sockets, which cannot set them). */
  readonly headers?: Readonly<Record<string, string>>;
  readonly codec: SessionCodec<M>;
}

/**
 * Encoding and decoding for one connection. It may keep state that only lives as long as the
 * connection (pending acks, request ids, decryption keys); a new one is made for every attempt.
 */
export interface SessionCodec<M> {
  /** The message that logs in, sent first; omit when the protocol logs in through headers. */
  login?(): string;
  /** Frames that register these keys, batched as the broker allows. Never called before login. */
  subscribe(keys: readonly string[]): readonly string[];
  /** Frames that release these keys. */
  release(keys: readonly string[]): readonly string[];
  /** What one inbound frame means. Must not throw: report problems as events. */
  decode(frame: string): readonly FrameEvent<M>[];
}

/** What a decoded frame tells the core. One frame may carry many events. */
export type FrameEvent<M> =
  /** A message for the subscribers of `key`. */
  | { readonly type: 'data'; readonly key: string; readonly message: M }
  /** Send this frame back now (heartbeat echo, pong). Counts as liveness, like every frame. */
  | { readonly type: 'reply'; readonly frame: string }
  /** The login was accepted: keys may now be registered. */
  | { readonly type: 'loggedIn' }
  /** The broker confirmed these keys. */
  | { readonly type: 'subscribed'; readonly keys: readonly string[] }
  /** The broker confirmed these releases. */
  | { readonly type: 'released'; readonly keys: readonly string[] }
  /** The broker refused these keys: their subscribers error, other keys go on. */
  | { readonly type: 'rejected'; readonly keys: readonly string[]; readonly error: FeedError }
  /**
   * These keys are not registered on this connection after all (a batch refused as a whole, a
   * request that had to wait for another answer): the key table asks for the live ones again,
   * through `subscribe`. A codec never sends subscription frames itself (as a `reply`): only the
   * key table knows which keys still have subscribers.
   */
  | { readonly type: 'resubscribe'; readonly keys: readonly string[] }
  /** Something to report on errors$ that changes nothing (decode failure, notice). */
  | { readonly type: 'report'; readonly error: FeedError }
  /** The connection cannot go on: reconnect, or stop if the error is fatal. */
  | { readonly type: 'failed'; readonly error: FeedError };

/**
 * An open socket, in rxjs-websockets' shape: frames to send in, frames received out; `control`
 * reaches the socket under it where the platform allows (protocol pings, the send buffer).
 */
export type SocketResponses = ((input: Observable<string>) => Observable<string>) & { readonly control?: SocketControl };

/**
 * What the core may ask of the socket itself. Node's `ws` has all three; a browser WebSocket has
 * only `bufferedAmount` (it cannot send pings), so dead links there are found by data silence.
 */
export interface SocketControl {
  /** Sends an RFC 6455 ping; the peer's WebSocket layer answers with a pong. */
  ping?(): void;
  /** Emits on every pong received. */
  readonly pongs$?: Observable<unknown>;
  /** Bytes queued for sending and not yet handed to the network. */
  bufferedAmount?(): number;
}

/**
 * Opens a socket. Emits once when the socket is open; errors when it fails or closes (with a
 * FeedError saying why); unsubscribing closes it.
 */
export type SocketFactory = (url: string, headers?: Readonly<Record<string, string>>) => Observable<SocketResponses>;
