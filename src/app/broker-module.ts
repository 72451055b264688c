import { Observable } from 'rxjs';
import { SessionOptions } from '../core/session-types';
import { MarketFeed } from '../feed/market-feed';
import { MarketEvent } from '../model';

/** What the app knows of a feed: the one contract (the dashboard and the CLI use nothing else). */
export type Feed = MarketFeed;

/** Flags the CLI passes to a stream (`--type`, `--exchange`, `--depth`). */
export interface StreamFlags {
  readonly type?: string;
  readonly exchange?: string;
  readonly depth?: number;
}

/** An NDJSON line: a normalized event, or a broker-specific object with a `kind`. */
export type StreamLine = MarketEvent | { readonly kind: string; readonly broker: string };

/** One `rx-market stream <broker> <name>` stream. */
export interface CliStream<F extends MarketFeed = MarketFeed> {
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
  /** Answer CORS preflights and allow any origin on the REST endpoints (browser development). */
  readonly cors?: boolean;
}

/**
 * The application-level plug of a broker: what the CLI, the simulator and the dashboard need.
 * The core's plug is BrokerProtocol; this one sits on top of it.
 */
export interface BrokerModule<F extends MarketFeed = MarketFeed> {
  readonly name: string;
  /** Environment variables the feed reads, for help texts. */
  readonly envVars: readonly string[];
  /** Whether the environment holds real credentials (otherwise the demo uses the simulator). */
  hasCredentials(env: Readonly<Record<string, string | undefined>>): boolean;
  /** A feed configured from the environment; throws a FeedError of kind 'config' when it cannot. */
  feedFromEnv(env: Readonly<Record<string, string | undefined>>, session?: SessionOptions): F;
  /**
   * What each contract stream is on this broker, for help texts: one line per contract stream
   * the feed has (`positions`/`balances` only where it has them; a test checks this against the
   * feed). The streams themselves come from `MarketFeed`, the same for every broker.
   */
  readonly contract: ContractDescriptions;
  /**
   * The feed as the contract streams see it with the CLI's flags (a venue, a book depth). Throws a
   * config FeedError for a flag this broker does not take. Without it, no flag is accepted.
   */
  withFlags?(feed: F, flags: StreamFlags): MarketFeed;
  /** The broker's own streams, under names no contract stream uses (e.g. Kiwoom `raw`, WEEX `candles`). */
  readonly extras: Readonly<Record<string, CliStream<F>>>;
  /**
   * Whether a recorded server frame is market or account data (not a login/subscribe ack or a
   * heartbeat, which a replay must not send to a client that is having its own session).
   */
  isDataFrame(frame: string): boolean;
  /** Starts a loopback server speaking this broker's protocol. */
  startServer(options?: BrokerServerOptions): Promise<BrokerServer>;
}

/** The CLI's names of the contract streams, the same for every broker. */
export const contractStreamNames = ['trades', 'book', 'quotes', 'orders', 'positions', 'balances'] as const;
export type ContractStreamName = (typeof contractStreamNames)[number];

/** One help line per contract stream a broker has; positions and balances only where it has them. */
export type ContractDescriptions = Readonly<Record<Exclude<ContractStreamName, 'positions' | 'balances'>, string>> &
  Readonly<Partial<Record<'positions' | 'balances', string>>>;
