/**
 * The market-data gateway: one broker session for every process that wants the broker's data,
 * published on NATS in market words (see src/nats/subjects.ts).
 *
 *   consumers ── leases (rxm.<b>.interest.<c>) ──► lease table ──► wanted keys ──► broker feed streams
 *                                                                                   │ every event
 *   rxm.<b>.trade|book|quote.<symbol> (core NATS; JetStream keeps the last book/quote, recent trades) ◄┘
 *   rxm.<b>.order|position|balance    (JetStream publish with ack and dedup id: nothing lost)
 *   rxm.<b>.status, rxm.<b>.notice (gaps, stale keys), rxm.<b>.refused.<stream>.<symbol>
 *
 * Several gateways may run for one broker: only the leader (KV lock, see leadership.ts) holds the
 * broker session; standbys keep the lease table so a takeover registers every wanted key at once.
 */
import { BehaviorSubject, Observable, Subscription, distinctUntilChanged } from 'rxjs';
import type { NatsConnection } from '@nats-io/nats-core';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { StorageType } from '@nats-io/jetstream';
import { FeedError, toFeedError } from '../../core/errors';
import { FeedStatus } from '../../core/status';
import { MarketFeed } from '../../feed/market-feed';
import { MarketEvent } from '../../model/market';
import { AccountStream, MarketStream, Subjects, isToken, parseInterestKey, subjectsFor } from '../../nats/subjects';
import { Interest, WireNotice, decode, encode, encodeData, statusToJson } from '../../nats/wire';
import { batcher } from './batcher';
import { KeyNotice } from '../../core/notices';
import { LeaseTable, leaseTable } from './leases';
import { Role, leadership } from './leadership';
import { RetentionOptions, ensureStreams } from './retention';

export interface GatewayOptions {
  /** An open NATS connection (the gateway's user may publish data). */
  readonly nc: NatsConnection;
  readonly broker: string;
  /** Opens the broker feed (credentials from the environment); called once per leadership term. */
  readonly openFeed: () => MarketFeed;
  /** This gateway's id (lock holder, envelopes). Default a random one. */
  readonly id?: string;
  /** Subject prefix. Default 'rxm'. */
  readonly prefix?: string;
  /** Keys registered always, whatever the interest (`--symbols`): trade, book and quote of each. */
  readonly symbols?: readonly string[];
  /** A key stays registered this long after the last lease naming it lapsed. Default 2 000. */
  readonly lingerMs?: number;
  /** Leases are checked this often. Default 250. */
  readonly checkMs?: number;
  /** Most market keys registered at once; more are refused with a 'limit' error. Default per broker (KIS 40 + the account key, Kiwoom 100). */
  readonly maxKeys?: number;
  /** Account streams (orders, positions, balances) are held while leading. Default true. */
  readonly account?: boolean;
  readonly retention?: RetentionOptions;
  /** The KV lock: takeover after lockMs without renewal. */
  readonly lockMs?: number;
  readonly renewMs?: number;
  /** KV bucket of the locks. Default 'rxm_gateways'. */
  readonly lockBucket?: string;
  /**
   * Market events carry their broker record (`raw`) always (true), or only while some consumer's
   * lease asks for it (false: `raw` is null otherwise; it is most of an event's bytes and decode
   * time). Account events always carry it. Default false.
   */
  readonly raw?: boolean;
  /** Most market events per NATS message (the events of one subject within one event-loop turn go together). Default 64; 1 sends one per message. */
  readonly batchMaxEvents?: number;
  /** One line per notable change (never a secret). */
  readonly log?: (line: string) => void;
}

export interface Gateway {
  readonly id: string;
  /** true while this gateway holds the broker session. */
  readonly leader$: Observable<boolean>;
  /** Market keys registered at the broker now. */
  activeKeys(): string[];
  /** Stops: releases the lock (a standby takes over at once), closes the broker feed. Leaves the NATS connection open. */
  close(): Promise<void>;
}

/** Default most market keys per broker connection. */
export const defaultMaxKeys: Readonly<Record<string, number>> = { kis: 40, kiwoom: 100 };

const now = (): number => performance.timeOrigin + performance.now();

/** FNV-1a over a string, as a hex id for JetStream's duplicate detection. */
function hashId(text: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
  }
  return `${(h1 >>> 0).toString(16)}${(h2 >>> 0).toString(16)}`;
}

/** Starts a gateway on an open NATS connection; resolves once its streams exist and it listens to leases. */
export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const { nc, broker } = options;
  const subjects: Subjects = subjectsFor(broker, options.prefix);
  const id = options.id ?? `gw${Math.random().toString(36).slice(2, 10)}`;
  if (!isToken(id))
    throw new FeedError({ kind: 'config', broker, fatal: true, message: `gateway id ${JSON.stringify(id)} is not a subject token` });
  const log = options.log ?? (() => undefined);
  const lingerMs = options.lingerMs ?? 2_000;
  const checkMs = options.checkMs ?? 250;
  const maxKeys = options.maxKeys ?? defaultMaxKeys[broker] ?? Number.POSITIVE_INFINITY;
  const pinned = new Set((options.symbols ?? []).flatMap((s) => [`trade.${s}`, `book.${s}`, `quote.${s}`]));

  const jsm = await jetstreamManager(nc);
  const js = jetstream(nc);
  await ensureStreams(jsm, subjects, options.retention, log);
  const kv = await new Kvm(nc).create(options.lockBucket ?? 'rxm_gateways', { history: 1, storage: StorageType.File });

  const leases: LeaseTable = leaseTable();
  const subscriptions = new Subscription();
  let seq = 0;
  let natsDown = false;
  /** Whether market events go out with their raw record now (see GatewayOptions.raw). */
  let sendRaw = options.raw === true;
  const serialize = (event: MarketEvent): string => JSON.stringify(sendRaw ? event : { ...event, raw: null });

  let lastPublishError = '';
  /**
   * Publishes, or logs why not (once per new reason). A closed connection throws from
   * `publish`; the callers run inside subscriptions and timers, where a throw would end the
   * process (and, in `close`, leave the lock unreleased).
   */
  const send = (subject: string, data: string | Uint8Array): void => {
    try {
      nc.publish(subject, data);
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      if (why !== lastPublishError) log(`not published to ${subject} (${why})`);
      lastPublishError = why;
    }
  };

  const batches = batcher(
    (subject, events) => {
      seq += 1;
      send(subject, encodeData(seq, now(), id, events));
    },
    // A batch stays under the server's max payload (up to 3 bytes per character in UTF-8).
    { maxEvents: options.batchMaxEvents, maxChars: Math.min(256 * 1024, Math.floor(((nc.info?.max_payload ?? 1 << 20) - 256) / 3)) },
  );
  subscriptions.add(() => batches.flush());
  const publish = (subject: string, event: MarketEvent): void => batches.add(subject, serialize(event));
  const publishStatus = (status: FeedStatus): void => send(subjects.status, encode({ t: now(), g: id, status: statusToJson(status) }));
  const publishNotice = (notice: WireNotice): void => {
    if (notice.type === 'gap' && notice.symbol === undefined) log(`gap notice for every key: ${notice.reason}`);
    send(subjects.notice, encode({ t: now(), g: id, notice }));
  };
  /** A broker feed's notice, with the symbol it concerns (the broker's key means nothing to consumers). */
  const forwardNotice = (n: KeyNotice): void => {
    if (!n.symbol) return;
    if (n.type === 'gap') publishNotice({ type: 'gap', from: n.from, to: n.to, reason: n.reason, symbol: n.symbol });
    else publishNotice({ type: 'stale', since: n.since, at: n.at, quietMs: n.quietMs, symbol: n.symbol });
  };

  // --- account events: JetStream publish with ack, in order, retried until stored ---------------
  const accountQueue: { subject: string; data: Uint8Array; msgID: string }[] = [];
  let draining = false;
  let closed = false;
  const drainAccount = async (): Promise<void> => {
    if (draining) return;
    draining = true;
    try {
      while (accountQueue.length > 0 && !closed) {
        const next = accountQueue[0];
        try {
          await js.publish(next.subject, next.data, { msgID: next.msgID, timeout: 2_000 });
          accountQueue.shift();
        } catch (err) {
          log(`account event not stored yet (${err instanceof Error ? err.message : String(err)}); retrying`);
          await new Promise((r) => setTimeout(r, 250));
        }
      }
    } finally {
      draining = false;
    }
  };
  const publishAccount = (stream: AccountStream, event: MarketEvent): void => {
    seq += 1;
    const { timestamp: _t, ...identity } = event as MarketEvent & { timestamp: number };
    // The same broker event published by two gateways (around a failover) gets the same id.
    accountQueue.push({
      subject: subjects.account(stream),
      data: encodeData(seq, now(), id, [JSON.stringify(event)]),
      msgID: `${stream}-${hashId(JSON.stringify({ ...identity, raw: undefined }))}-${event.timestamp}`,
    });
    void drainAccount();
  };

  // --- one leadership term: the broker feed and its keys ----------------------------------------
  interface ActiveKey {
    readonly subscription: Subscription;
    lingerTimer?: ReturnType<typeof setTimeout>;
  }
  let term:
    | {
        readonly feed: MarketFeed;
        readonly keys: Map<string, ActiveKey>;
        readonly refused: Map<string, { error: FeedError; sentAt: number }>;
        readonly subscription: Subscription;
      }
    | undefined;

  const refuse = (key: string, error: FeedError): void => {
    const parsed = key.split('.');
    if (parsed.length !== 2 || !parsed.every(isToken)) return;
    const init = error.toInit();
    send(`${subjects.refused(parsed[0] as MarketStream, parsed[1])}`, encode({ t: now(), g: id, error: { ...init, raw: undefined } }));
    term?.refused.set(key, { error, sentAt: Date.now() });
  };

  const streamOf = (feed: MarketFeed, stream: MarketStream, symbol: string): Observable<MarketEvent> | FeedError => {
    const name = stream === 'trade' ? 'trades$' : stream === 'book' ? 'orderBook$' : 'quotes$';
    const open = (feed as unknown as Record<string, ((symbol: string) => Observable<MarketEvent>) | undefined>)[name];
    if (typeof open !== 'function') {
      return new FeedError({ kind: 'config', broker, fatal: true, message: `${broker} has no ${stream} stream` });
    }
    return open.call(feed, symbol);
  };

  const activate = (key: string): void => {
    if (!term) return;
    const parsed = parseInterestKey(key);
    if (!parsed) {
      refuse(
        key,
        new FeedError({
          kind: 'config',
          broker,
          fatal: true,
          message: `gateway ${broker}: unknown stream or bad symbol in "${key}" (streams: trade, book, quote)`,
        }),
      );
      return;
    }
    if (term.keys.size >= maxKeys) {
      refuse(
        key,
        new FeedError({
          kind: 'limit',
          broker,
          fatal: true,
          key,
          message: `gateway ${broker}: at most ${maxKeys} keys per broker connection; "${key}" refused`,
        }),
      );
      return;
    }
    const stream = streamOf(term.feed, parsed.stream, parsed.symbol);
    if (stream instanceof FeedError) {
      refuse(key, stream);
      return;
    }
    const subject = subjects.market(parsed.stream, parsed.symbol);
    const keys = term.keys;
    const entry: ActiveKey = {
      subscription: stream.subscribe({
        next: (event) => publish(subject, event),
        error: (err: unknown) => {
          keys.delete(key);
          const error = toFeedError(err, { kind: 'rejected', broker, key });
          log(`key ${key} refused: ${error.message}`);
          refuse(key, error);
        },
        complete: () => keys.delete(key),
      }),
    };
    if (!entry.subscription.closed) {
      keys.set(key, entry);
      log(`key ${key} registered`);
    }
  };

  const release = (key: string): void => {
    const entry = term?.keys.get(key);
    if (!entry) return;
    term?.keys.delete(key);
    entry.subscription.unsubscribe();
    log(`key ${key} released`);
  };

  /** Brings the registered keys in line with the leases (and refreshes refusals for keys still asked for). */
  const reconcile = (askedNow: readonly string[] = []): void => {
    if (!natsDown) for (const c of leases.expire(Date.now())) log(`lease of ${c} lapsed`);
    sendRaw = options.raw === true || leases.wantsRaw();
    if (!term) return;
    const wanted = leases.wanted();
    for (const k of pinned) wanted.add(k);
    for (const key of wanted) {
      const entry = term.keys.get(key);
      if (entry) {
        if (entry.lingerTimer) clearTimeout(entry.lingerTimer);
        entry.lingerTimer = undefined;
        continue;
      }
      const refused = term.refused.get(key);
      if (refused) {
        if (askedNow.includes(key)) refuse(key, refused.error);
        continue;
      }
      activate(key);
    }
    for (const [key, entry] of term.keys) {
      if (wanted.has(key) || entry.lingerTimer) continue;
      entry.lingerTimer = setTimeout(() => {
        if (!leases.wanted().has(key) && !pinned.has(key)) release(key);
        else entry.lingerTimer = undefined;
      }, lingerMs);
    }
    for (const key of term.refused.keys()) if (!wanted.has(key)) term.refused.delete(key);
  };

  const lead = (role: Role): void => {
    if (!role.leader) return;
    const feed = options.openFeed();
    const subscription = new Subscription();
    term = { feed, keys: new Map(), refused: new Map(), subscription };
    // Teardown first: unsubscribing the term closes every key and the feed.
    subscription.add(() => {
      const t = term;
      term = undefined;
      if (!t) return;
      for (const entry of t.keys.values()) {
        if (entry.lingerTimer) clearTimeout(entry.lingerTimer);
        entry.subscription.unsubscribe();
      }
      t.keys.clear();
      batches.flush();
      feed.close?.();
    });
    if (role.previous) publishNotice({ type: 'gap', reason: 'failover', from: role.previous.at, to: Date.now() });
    subscription.add(feed.status$.subscribe(publishStatus));
    // The broker session's own per-key gaps (reconnects, resyncs) and stale keys, by symbol.
    if (feed.notices$) subscription.add(feed.notices$.subscribe(forwardNotice));
    subscription.add(feed.errors$.subscribe((e) => log(`broker ${e.kind}: ${e.message}`)));
    if (options.account !== false) {
      const account: [AccountStream, (() => Observable<MarketEvent>) | undefined][] = [
        ['order', feed.orders$ ? () => feed.orders$() as Observable<MarketEvent> : undefined],
        ['position', feed.positions$ ? () => (feed.positions$ as () => Observable<MarketEvent>)() : undefined],
        ['balance', feed.balances$ ? () => (feed.balances$ as () => Observable<MarketEvent>)() : undefined],
      ];
      for (const [stream, open] of account) {
        if (!open) continue;
        subscription.add(
          open().subscribe({
            next: (event) => publishAccount(stream, event),
            error: (err: unknown) => log(`account stream ${stream} ended: ${toFeedError(err, { kind: 'connection', broker }).message}`),
          }),
        );
      }
    }
    reconcile();
  };

  // --- leases from every consumer (leader and standby alike) --------------------------------------
  const interestSub = nc.subscribe(subjects.interestAll, {
    callback: (_e, m) => {
      const lease = decode(Interest, m.data, broker, m.subject);
      if (lease instanceof FeedError) {
        log(lease.message);
        return;
      }
      const consumer = m.subject.slice(m.subject.lastIndexOf('.') + 1);
      const keys = (lease as Interest).keys;
      leases.renew(consumer, keys, (lease as Interest).ttlMs, Date.now(), (lease as Interest).raw === true);
      reconcile(keys);
    },
  });
  subscriptions.add(() => interestSub.unsubscribe());
  const checker = setInterval(() => reconcile(), checkMs);
  subscriptions.add(() => clearInterval(checker));

  void (async () => {
    let downAt = 0;
    for await (const s of nc.status()) {
      if (s.type === 'disconnect') {
        if (!natsDown) downAt = Date.now();
        natsDown = true;
      } else if (s.type === 'reconnect') {
        natsDown = false;
        // The gateway was cut off, not the consumers: give their leases a fresh ttl.
        leases.extendAll(Date.now());
        // Market data published while cut off is lost (account events wait in the queue).
        if (term) publishNotice({ type: 'gap', reason: 'reconnect', from: downAt, to: Date.now() });
      }
    }
  })();

  const roles = leadership(kv, `${options.prefix ?? 'rxm'}.${broker}`, id, { lockMs: options.lockMs, renewMs: options.renewMs, log });
  const leader$ = new Observable<boolean>((subscriber) => {
    let termSub: Subscription | undefined;
    const sub = roles.subscribe((role) => {
      termSub?.unsubscribe();
      termSub = undefined;
      if (role.leader) {
        termSub = new Subscription();
        termSub.add(() => term?.subscription.unsubscribe());
        lead(role);
      }
      subscriber.next(role.leader);
    });
    return () => {
      termSub?.unsubscribe();
      sub.unsubscribe();
    };
  });
  const leading = new BehaviorSubject<boolean>(false);
  subscriptions.add(leader$.subscribe(leading));

  return {
    id,
    leader$: leading.pipe(distinctUntilChanged()),
    activeKeys: () => [...(term?.keys.keys() ?? [])],
    close: async () => {
      if (closed) return;
      // Stored account events first, then the lock goes.
      const deadline = Date.now() + 5_000;
      while (accountQueue.length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      closed = true;
      batches.flush();
      if (term) publishStatus({ state: 'closed' });
      subscriptions.unsubscribe();
      await nc.flush().catch(() => undefined);
      // Let the lock's delete go out.
      await new Promise((r) => setTimeout(r, 50));
    },
  };
}
