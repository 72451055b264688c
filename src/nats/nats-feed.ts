/**
 * natsFeed: the `MarketFeed` contract served by an rx-market gateway over NATS, so an app switches
 * from a direct broker feed to the gateway by changing one line:
 *
 * ```ts
 * const feed = kiwoom();                                                  // direct: holds the broker session
 * const feed = natsFeed({ servers: 'nats://127.0.0.1:4222', broker: 'kiwoom' }); // via the gateway
 * feed.trades$('005930').subscribe(...);                                  // same streams either way
 * ```
 *
 * How a key is served (one NATS connection per feed, hot and lazy like a broker session):
 *
 *   trades$('A') ─► SUB rxm.kiwoom.trade.A ─► lease {keys:[trade.A]} every renewMs ─► gateway registers A
 *                  SUB rxm.kiwoom.refused.trade.A ─► the gateway or the broker refused A: this stream errors
 *   orderBook$('A') ─► SUB, then the last book kept by JetStream (direct get) first, then updates
 *   orders$() ─► a JetStream consumer on the account stream (durable: resumes where it left off)
 *
 * The last unsubscribe of a key takes it out of the lease at once; the gateway releases it after a
 * linger once no lease names it. A process killed without goodbye stops renewing: its lease lapses.
 * Streams never end because the gateway or NATS went away: status$ says so, gaps$ says what may be
 * missing, and data resumes.
 */
import {
  BehaviorSubject,
  Observable,
  ReplaySubject,
  Subject,
  defer,
  filter,
  merge,
  of,
  share,
  switchMap,
  takeUntil,
  throwError,
  timer,
} from 'rxjs';
import type { ConnectionOptions, Msg, NatsConnection, Subscription as NatsSubscription } from '@nats-io/nats-core';
import { nanos } from '@nats-io/nats-core';
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { ConsumerMessages, JetStreamManager } from '@nats-io/jetstream';
import { FeedError, toFeedError } from '../core/errors';
import { ReceivedFrame } from '../core/session-types';
import { FeedStatus, KeyState } from '../core/status';
import { GapNotice, KeyNotice } from '../core/notices';
import { MarketFeed, Symbols } from '../feed/market-feed';
import { Balance, MarketEvent, OrderBook, OrderEvent, Position, Quote, Trade } from '../model/market';
import { localInterest } from './interest-table';
import { AccountStream, MarketStream, Subjects, interestKey, isToken, subjectsFor } from './subjects';
import {
  DataEnvelope,
  DataMessage,
  EventKind,
  NoticeEnvelope,
  WireNotice,
  RefusedEnvelope,
  StatusEnvelope,
  decode,
  decodeData,
  encode,
  errorFromJson,
  statusFromJson,
} from './wire';

/** Opens a NATS connection: `connect` of @nats-io/transport-node in Node, `wsconnect` in browsers. */
export type NatsConnect = (options: ConnectionOptions) => Promise<NatsConnection>;

export interface NatsFeedOptions {
  /** NATS server URL(s): `nats://host:4222` in Node, `ws://host:8080` (nats-server's websocket listener) in browsers. */
  readonly servers: string | readonly string[];
  /** The broker a gateway serves: 'kiwoom', 'kis', 'weex'. */
  readonly broker: string;
  /** NATS user and password, or token (not a broker secret: consumers never need one). */
  readonly user?: string;
  readonly pass?: string;
  readonly token?: string;
  /** Subject prefix of the gateway. Default 'rxm'. */
  readonly prefix?: string;
  /**
   * A durable name for account streams: orders$/positions$/balances$ resume where this name left
   * off after a restart and miss nothing the stream still holds. Without it they start with new events.
   */
  readonly durable?: string;
  /** This consumer's id in leases (subject token). Default a random one. */
  readonly consumerId?: string;
  /** A lease lapses this long after its last renewal. Default 6 000. */
  readonly leaseMs?: number;
  /** Leases are renewed this often. Default leaseMs / 3. */
  readonly renewMs?: number;
  /** The NATS connection stays open this long after the last stream ends. Default 1 000. */
  readonly lingerMs?: number;
  /**
   * trades$ first replays the gateway's kept trades of this many recent milliseconds (bounded by the
   * gateway's trade window), then goes live with nothing repeated. Default 0: live only.
   */
  readonly tradeBackfillMs?: number;
  /**
   * Ask the gateway for events' `raw` (the broker's record). Without it, market events arrive with
   * `raw: null` unless another consumer asked (the gateway sends one stream for all; raw is most
   * of an event's bytes and decode time). Account events always carry it. Default false.
   */
  readonly raw?: boolean;
  /** Overrides how the connection is opened (tests, custom transports). */
  readonly connect?: NatsConnect;
}

/**
 * A MarketFeed served by a gateway. Its `gaps$` also says where a standby took over (reason
 * 'failover') and where this consumer's NATS connection was down (reason 'reconnect'); notice
 * keys are the gateway's (`trade.005930`, `order`).
 */
export interface NatsFeed extends MarketFeed {
  readonly positions$: () => Observable<Position>;
  readonly balances$: () => Observable<Balance>;
}

/** One open NATS connection and what was learned on it. */
interface Link {
  readonly nc: NatsConnection;
  readonly jsm: JetStreamManager;
  /** Resolves to an error when no gateway serves the broker (its streams do not exist). */
  readonly gateway: Promise<FeedError | undefined>;
}

const MARKET_KIND: Record<MarketStream, EventKind> = { trade: 'trade', book: 'book', quote: 'quote' };

const randomId = (): string => `c${Math.random().toString(36).slice(2, 10)}${Date.now().toString(36)}`;

const symbolList = (symbols: Symbols): readonly string[] => (typeof symbols === 'string' ? [symbols] : symbols);

/** Builds a natsFeed on a given way to connect (the Node and browser entries pass theirs). */
export function createNatsFeed(connect: NatsConnect, options: NatsFeedOptions): NatsFeed {
  const broker = options.broker;
  const subjects: Subjects = subjectsFor(broker, options.prefix);
  const consumerId = options.consumerId ?? randomId();
  if (!isToken(consumerId)) throw config(`consumerId ${JSON.stringify(consumerId)} is not a subject token`);
  if (options.durable !== undefined && !isToken(options.durable))
    throw config(`durable ${JSON.stringify(options.durable)} is not a subject token`);
  const leaseMs = options.leaseMs ?? 6_000;
  const renewMs = options.renewMs ?? Math.max(50, Math.floor(leaseMs / 3));
  const lingerMs = options.lingerMs ?? 1_000;
  const backfillMs = options.tradeBackfillMs ?? 0;
  const wantRaw = options.raw ? { raw: true } : {};

  function config(message: string): FeedError {
    return new FeedError({ kind: 'config', broker, fatal: true, message: `nats ${broker}: ${message}` });
  }

  const status = new BehaviorSubject<FeedStatus>({ state: 'closed' });
  const errors = new Subject<FeedError>();
  const notices = new Subject<KeyNotice>();
  /** Account streams subscribed now (their keys in notices). */
  const accountLive = new Map<string, number>();
  const frames = new Subject<ReceivedFrame>();
  const interest = localInterest();
  const table = new BehaviorSubject<readonly KeyState[]>([]);
  const closed$ = new Subject<void>();
  let closing = false;

  // What the connection knows, for status$.
  let gatewayStatus: FeedStatus | undefined;
  let natsDown = false;
  let connected = false;
  const pushStatus = (): void => {
    if (closing) return;
    if (!connected) status.next({ state: 'connecting', attempt: 1 });
    else if (natsDown) status.next({ state: 'reconnecting', attempt: 1, delayMs: 0, reason: 'nats: connection to the server lost' });
    else status.next(gatewayStatus ?? { state: 'connecting', attempt: 1 });
  };

  let publishLease: () => void = () => undefined;
  const keysChanged = (leaseChanged: boolean): void => {
    table.next(interest.table());
    if (leaseChanged) publishLease();
  };

  /** The shared connection: opened by the first stream, closed a linger after the last. */
  const link$: Observable<Link> = new Observable<Link>((subscriber) => {
    let nc: NatsConnection | undefined;
    let stopped = false;
    let failed = false;
    let renew: ReturnType<typeof setInterval> | undefined;
    subscriber.add(() => {
      stopped = true;
      if (renew) clearInterval(renew);
      publishLease = () => undefined;
      connected = false;
      gatewayStatus = undefined;
      if (nc && !nc.isClosed()) {
        const c = nc;
        // Goodbye: an empty lease, so the gateway need not wait for it to lapse.
        try {
          c.publish(subjects.interest(consumerId), encode({ consumer: consumerId, keys: [], ttlMs: leaseMs }));
        } catch {
          /* closing anyway */
        }
        void c
          .flush()
          .catch(() => undefined)
          .finally(() => void c.close().catch(() => undefined));
      }
      // A failed connect has said why on status$; a plain 'closed' would hide it.
      if (!failed) status.next({ state: 'closed' });
    });
    pushStatus();
    const servers = typeof options.servers === 'string' ? options.servers : [...options.servers];
    connect({
      servers,
      name: `rx-market ${broker} ${consumerId}`,
      user: options.user,
      pass: options.pass,
      token: options.token,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
      waitOnFirstConnect: true,
    }).then(
      async (c) => {
        if (stopped) {
          await c.close().catch(() => undefined);
          return;
        }
        nc = c;
        connected = true;
        const jsm = await jetstreamManager(c, { checkAPI: false });
        const gateway = jsm.streams.info(subjects.streams.last).then(
          () => undefined,
          (err: unknown) =>
            config(
              `no gateway serves broker "${broker}" on this NATS (${errText(err)}); start one with \`rx-market gateway --broker ${broker}\``,
            ),
        );
        watchConnection(c);
        // The gateway's status: the kept one first, then every change.
        c.subscribe(subjects.status, { callback: (_e, m) => onStatus(m) });
        jsm.direct.getMessage(subjects.streams.last, { last_by_subj: subjects.status }).then(
          (m) => {
            if (m && gatewayStatus === undefined) onStatusData(m.data, subjects.status);
          },
          () => undefined,
        );
        c.subscribe(subjects.notice, {
          callback: (_e, m) => {
            const n = decode(NoticeEnvelope, m.data, broker, m.subject);
            if (n instanceof FeedError) errors.next(n);
            else fanOut(n.notice);
          },
        });
        publishLease = () => {
          if (!c.isClosed())
            c.publish(subjects.interest(consumerId), encode({ consumer: consumerId, keys: interest.keys(), ttlMs: leaseMs, ...wantRaw }));
        };
        renew = setInterval(() => {
          if (interest.keys().length > 0) publishLease();
        }, renewMs);
        pushStatus();
        subscriber.next({ nc: c, jsm, gateway });
        const end = await c.closed();
        if (!stopped)
          subscriber.error(toFeedError(end ?? new Error('nats: connection closed'), { kind: 'connection', broker, fatal: true }));
      },
      (err: unknown) => {
        // Said on status$ too: an app watching the status (a dashboard) learns why, not only each stream.
        const error = natsError(err);
        failed = true;
        if (!closing) status.next({ state: 'closed', error });
        subscriber.error(error);
      },
    );
  }).pipe(
    share({
      connector: () => new ReplaySubject<Link>(1),
      resetOnError: true,
      resetOnComplete: true,
      resetOnRefCountZero: () => (closing ? of(0) : timer(lingerMs)),
    }),
  );

  function natsError(err: unknown): FeedError {
    const text = errText(err);
    const auth = /authoriz|authentica|permission/i.test(text);
    return new FeedError({ kind: auth ? 'auth' : 'connection', broker, fatal: true, message: `nats ${broker}: ${text}` });
  }

  function watchConnection(c: NatsConnection): void {
    let downAt = 0;
    void (async () => {
      for await (const s of c.status()) {
        if (s.type === 'disconnect') {
          if (!natsDown) downAt = Date.now();
          natsDown = true;
          pushStatus();
        } else if (s.type === 'reconnect') {
          natsDown = false;
          publishLease();
          pushStatus();
          fanOut({ type: 'gap', reason: 'reconnect', from: downAt, to: Date.now() });
        } else if (s.type === 'error') {
          errors.next(new FeedError({ kind: 'connection', broker, message: `nats ${broker}: ${s.error.message}` }));
        }
      }
    })();
  }

  /** A notice for one symbol (or for every key) as the core's notices of this feed's live keys. */
  function fanOut(n: WireNotice): void {
    const keys =
      n.symbol !== undefined ? interest.keys().filter((k) => k.endsWith(`.${n.symbol}`)) : [...interest.keys(), ...accountLive.keys()];
    for (const key of keys) {
      const symbol = n.symbol ?? (key.includes('.') ? key.slice(key.indexOf('.') + 1) : undefined);
      const named = symbol ? { symbol } : {};
      if (n.type === 'gap') notices.next({ type: 'gap', key, from: n.from, to: n.to, reason: n.reason, ...named });
      else notices.next({ type: 'stale', key, since: n.since, at: n.at, quietMs: n.quietMs, ...named });
    }
  }

  function onStatus(m: Msg): void {
    onStatusData(m.data, m.subject);
  }

  function onStatusData(data: Uint8Array, subject: string): void {
    const s = decode(StatusEnvelope, data, broker, subject);
    if (s instanceof FeedError) {
      errors.next(s);
      return;
    }
    gatewayStatus = statusFromJson(s.status);
    pushStatus();
  }

  const frame = (m: { data: Uint8Array }): void => {
    if (frames.observed) frames.next({ at: Date.now(), frame: new TextDecoder().decode(m.data) });
  };

  /** One key's events on one link: snapshot or backfill first where there is one, then live. */
  const keyEvents = (link: Link, stream: MarketStream, symbol: string): Observable<MarketEvent> =>
    new Observable<MarketEvent>((subscriber) => {
      const key = interestKey(stream, symbol);
      const subject = subjects.market(stream, symbol);
      const subs: NatsSubscription[] = [];
      let done = false;
      subscriber.add(() => {
        done = true;
        for (const s of subs) s.unsubscribe();
        keysChanged(interest.remove(key));
      });
      let catchingUp = true;
      let buffered: DataMessage[] = [];
      let served = false;
      const emit = (events: readonly MarketEvent[]): void => {
        if (!served && events.length > 0) {
          served = true;
          interest.served(key);
        }
        for (const event of events) subscriber.next(event);
      };
      const received = (r: DataMessage | FeedError): r is DataMessage => {
        if (r instanceof FeedError) {
          errors.next(r);
          return false;
        }
        for (const e of r.errors) errors.next(e);
        return true;
      };
      subs.push(
        link.nc.subscribe(subject, {
          callback: (_e, m) => {
            frame(m);
            const r = decodeData(MARKET_KIND[stream], m.data, broker, m.subject);
            if (!received(r)) return;
            if (catchingUp) buffered.push(r);
            else emit(r.events);
          },
        }),
        link.nc.subscribe(subjects.refused(stream, symbol), {
          callback: (_e, m) => {
            const r = decode(RefusedEnvelope, m.data, broker, m.subject);
            if (r instanceof FeedError) errors.next(r);
            else subscriber.error(errorFromJson(r.error).with({ key: `${broker}:${key}` }));
          },
        }),
      );
      keysChanged(interest.add(key));

      /** The kept messages to start with (the last book/quote, or recent trades). */
      const start = async (): Promise<DataMessage[]> => {
        const missing = await link.gateway;
        if (missing) throw missing;
        if (stream !== 'trade') {
          const m = await link.jsm.direct.getMessage(subjects.streams.last, { last_by_subj: subject }).catch(() => null);
          if (!m) return [];
          const r = decodeData(MARKET_KIND[stream], m.data, broker, subject);
          // A kept batch of books or quotes: its last one is the current one.
          return received(r) && r.events.length > 0 ? [{ ...r, events: r.events.slice(-1) }] : [];
        }
        return backfillMs > 0 ? recentTrades(link, subject, backfillMs) : [];
      };
      start().then(
        (kept) => {
          if (done) return;
          // Live messages that arrived meanwhile win over kept ones they repeat or supersede.
          const newest = new Map<string, number>();
          for (const b of buffered) newest.set(b.envelope.g, Math.max(newest.get(b.envelope.g) ?? -1, b.envelope.s));
          let lastKept: DataEnvelope | undefined;
          for (const k of kept) {
            const live = newest.get(k.envelope.g);
            if (stream !== 'trade' && live !== undefined && live >= k.envelope.s) continue;
            lastKept = k.envelope;
            emit(k.events);
          }
          const rest = buffered.filter((b) => !lastKept || b.envelope.g !== lastKept.g || b.envelope.s > lastKept.s);
          buffered = [];
          catchingUp = false;
          for (const b of rest) emit(b.events);
        },
        (err: unknown) => subscriber.error(toFeedError(err, { kind: 'config', broker, fatal: true })),
      );
    });

  /** Trades kept by the gateway's trade stream since `ms` ago, through a short-lived consumer. */
  async function recentTrades(link: Link, subject: string, ms: number): Promise<DataMessage[]> {
    const info = await link.jsm.consumers.add(subjects.streams.trades, {
      filter_subject: subject,
      deliver_policy: DeliverPolicy.StartTime,
      opt_start_time: new Date(Date.now() - ms).toISOString(),
      ack_policy: AckPolicy.None,
      inactive_threshold: nanos(30_000),
    });
    const out: DataMessage[] = [];
    let left = info.num_pending;
    if (left === 0) return out;
    const consumer = await jetstream(link.nc).consumers.get(subjects.streams.trades, info.name);
    while (left > 0) {
      const batch = await consumer.fetch({ max_messages: Math.min(left, 1000), expires: 2_000 });
      let got = 0;
      for await (const m of batch) {
        got += 1;
        const r = decodeData('trade', m.data, broker, m.subject);
        if (r instanceof FeedError) errors.next(r);
        else {
          for (const e of r.errors) errors.next(e);
          out.push(r);
        }
      }
      if (got === 0) break;
      left -= got;
    }
    await consumer.delete().catch(() => undefined);
    return out;
  }

  /** An account stream from the durable account stream, acknowledged once emitted. */
  const accountEvents = (link: Link, stream: AccountStream): Observable<MarketEvent> =>
    new Observable<MarketEvent>((subscriber) => {
      let messages: ConsumerMessages | undefined;
      let done = false;
      accountLive.set(stream, (accountLive.get(stream) ?? 0) + 1);
      subscriber.add(() => {
        done = true;
        const left = (accountLive.get(stream) ?? 1) - 1;
        if (left > 0) accountLive.set(stream, left);
        else accountLive.delete(stream);
        void messages?.close();
      });
      const name = `${options.durable ?? `rxm-${consumerId}`}-${stream}`;
      const run = async (): Promise<void> => {
        const missing = await link.gateway;
        if (missing) throw missing;
        await link.jsm.consumers.add(subjects.streams.account, {
          durable_name: name,
          filter_subject: subjects.account(stream),
          ack_policy: AckPolicy.Explicit,
          deliver_policy: options.durable ? DeliverPolicy.All : DeliverPolicy.New,
          // A consumer without a durable name is cleaned up by the server once unused.
          ...(options.durable ? {} : { inactive_threshold: nanos(Math.max(leaseMs * 5, 30_000)) }),
        });
        if (done) return;
        const consumer = await jetstream(link.nc).consumers.get(subjects.streams.account, name);
        messages = await consumer.consume({
          callback: (m) => {
            frame(m);
            const r = decodeData(stream, m.data, broker, m.subject);
            if (r instanceof FeedError) errors.next(r);
            else {
              for (const e of r.errors) errors.next(e);
              for (const event of r.events) subscriber.next(event);
            }
            m.ack();
          },
        });
        if (done) void messages.close();
      };
      run().catch((err: unknown) => {
        if (!done) subscriber.error(toFeedError(err, { kind: 'connection', broker, fatal: true }));
      });
    });

  const onLink = <T>(build: (link: Link) => Observable<MarketEvent>): Observable<T> =>
    (closing ? throwError(() => config('the feed is closed')) : link$.pipe(switchMap(build))).pipe(takeUntil(closed$)) as Observable<T>;

  const market = <T>(stream: MarketStream, symbols: Symbols): Observable<T> =>
    defer(() => {
      const list = symbolList(symbols);
      if (list.length === 0) return throwError(() => config(`${stream}: name at least one symbol`));
      const bad = list.find((s) => typeof s !== 'string' || !isToken(s));
      if (bad !== undefined)
        return throwError(() => config(`${stream}: ${JSON.stringify(bad)} is not a symbol (letters, digits, _ and -)`));
      return merge(...list.map((s) => onLink<T>((link) => keyEvents(link, stream, s))));
    });

  const account = <T>(stream: AccountStream): Observable<T> => onLink<T>((link) => accountEvents(link, stream));

  return {
    broker,
    status$: status.asObservable(),
    errors$: errors.asObservable(),
    gaps$: notices.pipe(filter((n): n is GapNotice => n.type === 'gap')),
    notices$: notices.asObservable(),
    subscriptions$: table.asObservable(),
    frames$: frames.asObservable(),
    trades$: (symbols) => market<Trade>('trade', symbols),
    orderBook$: (symbols) => market<OrderBook>('book', symbols),
    quotes$: (symbols) => market<Quote>('quote', symbols),
    orders$: () => account<OrderEvent>('order'),
    positions$: () => account<Position>('position'),
    balances$: () => account<Balance>('balance'),
    close: () => {
      if (closing) return;
      closing = true;
      closed$.next();
      status.next({ state: 'closed' });
      for (const s of [status, errors, notices, frames, table]) s.complete();
      closed$.complete();
    },
  };
}

function errText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
