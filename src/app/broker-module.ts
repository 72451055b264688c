import { Observable } from 'rxjs';
import { FeedError } from '../core/errors';
import { FeedStatus, KeyState } from '../core/status';
import { ReceivedFrame, SessionOptions } from '../core/session-types';
import { MarketEvent } from '../model';
import { GapNotice, KeyNotice } from '../core/notices';

/** What every broker feed exposes besides its typed streams. */
export interface Feed {
  readonly broker: string;
  readonly status$: Observable<FeedStatus>;
  readonly errors$: Observable<FeedError>;
  readonly subscriptions$: Observable<readonly KeyState[]>;
  /** Raw inbound frames with receive times (for recording). */
  readonly frames$: Observable<ReceivedFrame>;
  /** Gap notices per live key (see MarketFeed). */
  readonly gaps$: Observable<GapNotice>;
  /** Gap and staleness notices (see MarketFeed). */
  readonly notices$: Observable<KeyNotice>;
}

/** Flags the CLI passes to a stream (`--type`, `--exchange`, `--depth`). */
export interface StreamFlags {
  readonly type?: string;
  readonly exchange?: string;
  readonly depth?: number;
}

/** An NDJSON line: a normalized event, or a broker-specific object with a `kind`. */
export type StreamLine = MarketEvent | { readonly kind: string; readonly broker: string; readonly [field: string]: unknown };

/** One `rx-market stream <broker> <name>` stream. */
export interface CliStream<F extends Feed = Feed> {
  readonly description: string;
  /** Whether it takes symbols (account streams do not). */
  readonly takesSymbols: boolean;
  open(feed: F, symbols: readonly string[], flags: StreamFlags): Observable<StreamLine>;
}

/** A loopback server that speaks a broker's protocol (tests, simulator, replay). */
export interface BrokerServer {
  readonly broker: string;
  /** Environment variables that point this broker's feed at the server, with credentials it accepts. */
  readonly env: Readonly<Record<string, string>>;
  /** Sends a normalized event, encoded in the broker's wire format, to every socket subscribed to it. */
  publish(event: MarketEvent): void;
  /** Sends a raw wire frame, as is, to every logged-in client (replay of recordings). */
  broadcastRaw(frame: string): void;
  /** Symbols some client is subscribed to now (any type). */
  subscribedSymbols(): readonly string[];
  /** Drops every client connection (abnormally), to exercise reconnects. */
  dropConnections(): void;
  close(): Promise<void>;
}

export interface BrokerServerOptions {
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port?: number;
}

/**
 * The application-level plug of a broker: what the CLI, the simulator and the dashboard need.
 * The core's plug is BrokerProtocol; this one sits on top of it.
 */
export interface BrokerModule<F extends Feed = Feed> {
  readonly name: string;
  /** Environment variables the feed reads, for help texts. */
  readonly envVars: readonly string[];
  /** Whether the environment holds real credentials (otherwise the demo uses the simulator). */
  hasCredentials(env: Readonly<Record<string, string | undefined>>): boolean;
  /** A feed configured from the environment; throws a FeedError of kind 'config' when it cannot. */
  feedFromEnv(env: Readonly<Record<string, string | undefined>>, session?: SessionOptions): F;
  readonly streams: Readonly<Record<string, CliStream<F>>>;
  /**
   * Whether a recorded server frame is market or account data (not a login/subscribe ack or a
   * heartbeat, which a replay must not send to a client that is having its own session).
   */
  isDataFrame(frame: string): boolean;
  /** Starts a loopback server speaking this broker's protocol. */
  startServer(options?: BrokerServerOptions): Promise<BrokerServer>;
}
