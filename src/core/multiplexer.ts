import { Observable, SchedulerLike, Subject, Subscription } from 'rxjs';
import { FeedError } from './errors';
import { KeyState } from './status';
import { GapReason, KeyNotice } from './notices';

/** Sends subscribe/release requests on the current connection. */
export interface Link {
  request(subscribe: readonly string[], release: readonly string[]): void;
  /** Runs `fn` once the requests made so far are on the wire (they may be paced). */
  afterSent?(fn: () => void): void;
}

export interface MultiplexerOptions {
  readonly broker: string;
  readonly scheduler: SchedulerLike;
  /** How long a key stays registered after its last subscriber leaves. */
  readonly keyLingerMs: number;
  readonly keysPerConnection?: number;
  /** Held while a key is registered: keeps the shared connection open; errors when it fails for good. */
  readonly connection$: Observable<unknown>;
  /** Called after every change of the table (not on data). */
  readonly changed: () => void;
  /** Gap and staleness notices of live keys. */
  readonly notice?: (notice: KeyNotice) => void;
}

interface Entry<M> {
  readonly key: string;
  readonly subject: Subject<M>;
  subscribers: number;
  /** Subscribe sent on the current connection. */
  sent: boolean;
  /** Acknowledged by the broker on the current connection. */
  active: boolean;
  linger?: Subscription;
  readonly hold: Subscription;
  /** Time of the last message, if any. */
  lastAt?: number;
  /** When it was (re-)registered on the current connection. */
  since: number;
  stale: boolean;
  /** Re-registered once already because it went stale (reset by data). */
  staleRefreshed: boolean;
  /** An open gap: data may be missing since `from`. */
  gap?: { readonly from: number; readonly reason: GapReason };
}

/**
 * The key table: the one place that knows which (type, item) keys are live.
 *
 * - The first subscriber to a key asks for it; K subscribers share one registration.
 * - The last subscriber leaving starts a linger; a subscriber arriving within it cancels the
 *   release, so UI churn does not flap the server.
 * - Keys asked for in the same tick go out in one `request` (the broker batches them).
 * - `attach` (after each login) registers every live key again, before anything else.
 * - Routing a message is one Map lookup: cost does not grow with keys or subscribers.
 */
export class Multiplexer<M> {
  private readonly entries = new Map<string, Entry<M>>();
  private readonly toSubscribe = new Set<string>();
  private readonly toRelease = new Set<string>();
  private flushing?: Subscription;
  /** Holds of released keys, let go once their release is on the wire. */
  private readonly afterFlush: Subscription[] = [];
  private link?: Link;
  private closed = false;

  constructor(private readonly options: MultiplexerOptions) {}

  /** Messages for `key`; registers it while anyone listens. */
  stream(key: string): Observable<M> {
    return new Observable<M>((subscriber) => {
      if (this.closed) {
        subscriber.complete();
        return;
      }
      let entry = this.entries.get(key);
      if (entry === undefined) {
        const full = this.makeRoom();
        if (full) {
          subscriber.error(full.with({ key, message: `${full.message}; ${key} was not sent` }));
          return;
        }
        const opened = this.open(key);
        if ('failure' in opened) {
          subscriber.error(opened.failure); // the connection failed at once (bad configuration)
          return;
        }
        entry = opened;
      } else if (entry.linger) {
        entry.linger.unsubscribe();
        entry.linger = undefined;
      }
      const live = entry;
      live.subscribers += 1;
      const inner = live.subject.subscribe(subscriber);
      this.options.changed();
      return () => {
        inner.unsubscribe();
        live.subscribers -= 1;
        if (live.subscribers === 0 && this.entries.get(key) === live) this.startLinger(live);
        this.options.changed();
      };
    });
  }

  /** Delivers a decoded message to the subscribers of its key. */
  route(key: string, message: M): boolean {
    const entry = this.entries.get(key);
    if (entry === undefined) return false;
    const now = this.options.scheduler.now();
    entry.lastAt = now;
    if (entry.gap !== undefined || entry.stale) this.live(entry, now);
    entry.subject.next(message);
    return true;
  }

  /** Data (or an ack) came for a key with an open gap or a stale flag: close both. */
  private live(entry: Entry<M>, now: number): void {
    const gap = entry.gap;
    entry.gap = undefined;
    if (entry.stale) {
      entry.stale = false;
      entry.staleRefreshed = false;
      this.options.changed();
    }
    if (gap && entry.subscribers > 0) this.options.notice?.({ type: 'gap', key: entry.key, from: gap.from, to: now, reason: gap.reason });
  }

  /**
   * Flags live keys silent beyond `quietMsOf(key, now)` (undefined: no expectation now) and
   * returns the keys newly flagged and not re-registered for staleness yet.
   */
  checkStale(quietMsOf: (key: string, at: number) => number | undefined): string[] {
    const now = this.options.scheduler.now();
    const refresh: string[] = [];
    let changed = false;
    for (const entry of this.entries.values()) {
      if (entry.stale || entry.subscribers === 0 || !entry.sent) continue;
      const quietMs = quietMsOf(entry.key, now);
      if (quietMs === undefined) continue;
      const since = Math.max(entry.lastAt ?? -Infinity, entry.since);
      if (now - since < quietMs) continue;
      entry.stale = true;
      entry.gap ??= { from: since, reason: 'stale' };
      changed = true;
      this.options.notice?.({ type: 'stale', key: entry.key, since, at: now, quietMs });
      if (!entry.staleRefreshed) {
        entry.staleRefreshed = true;
        refresh.push(entry.key);
      }
    }
    if (changed) this.options.changed();
    return refresh;
  }

  /** A connection is logged in: register every live key on it now. */
  attach(link: Link): void {
    this.link = link;
    this.toSubscribe.clear();
    this.toRelease.clear();
    const now = this.options.scheduler.now();
    for (const entry of [...this.entries.values()]) {
      entry.since = now;
      if (entry.subscribers === 0) {
        // Lingering keys were never registered on this connection: nothing to release.
        this.drop(entry);
      } else {
        this.toSubscribe.add(entry.key);
      }
    }
    this.flush();
  }

  /** The connection is gone: nothing is registered any more. */
  detach(): void {
    this.link = undefined;
    this.flushing?.unsubscribe();
    this.flushing = undefined;
    for (const hold of this.afterFlush.splice(0)) hold.unsubscribe();
    this.toSubscribe.clear();
    this.toRelease.clear();
    const now = this.options.scheduler.now();
    for (const entry of this.entries.values()) {
      // Only keys that were on the wire can have missed data.
      if (entry.sent && entry.subscribers > 0) entry.gap ??= { from: entry.lastAt ?? now, reason: 'reconnect' };
      entry.sent = false;
      entry.active = false;
      entry.stale = false;
    }
    this.options.changed();
  }

  confirm(keys: readonly string[]): void {
    const now = this.options.scheduler.now();
    for (const key of keys) {
      const entry = this.entries.get(key);
      if (entry === undefined) continue;
      entry.active = true;
      if (entry.gap !== undefined && entry.gap.reason !== 'stale') this.live(entry, now);
    }
    this.options.changed();
  }

  /**
   * Asks the broker for a live key afresh on this connection: release, then subscribe again in
   * one request. For brokers that send a snapshot per subscription, this is how a consumer that
   * lost sync gets a new one without waiting out the linger. No-op when the key has no
   * subscribers or no connection is ready (the next login registers it anyway).
   */
  refresh(key: string): void {
    const entry = this.entries.get(key);
    if (entry === undefined || entry.subscribers === 0 || !this.link) return;
    if (entry.sent) this.toRelease.add(key);
    entry.active = false;
    entry.gap ??= { from: entry.lastAt ?? this.options.scheduler.now(), reason: 'resync' };
    this.toSubscribe.add(key);
    this.scheduleFlush();
    this.options.changed();
  }

  /**
   * The codec says these keys are not registered on this connection after all: ask for the
   * ones that still have subscribers again, in the next batch. Keys nobody listens to any more
   * are forgotten.
   */
  resubscribe(keys: readonly string[]): void {
    if (!this.link) return; // the next login registers every live key anyway
    for (const key of keys) {
      const entry = this.entries.get(key);
      if (entry === undefined) continue;
      entry.sent = false;
      entry.active = false;
      if (entry.subscribers === 0) {
        this.drop(entry);
        continue;
      }
      this.toSubscribe.add(key);
    }
    this.scheduleFlush();
    this.options.changed();
  }

  /**
   * Ends every key stream now (they complete) and lets go of the connection, without release
   * requests: the socket closing forgets them. Streams asked for afterwards complete at once.
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.link = undefined;
    this.flushing?.unsubscribe();
    this.flushing = undefined;
    this.toSubscribe.clear();
    this.toRelease.clear();
    const entries = [...this.entries.values()];
    this.entries.clear();
    for (const entry of entries) {
      entry.linger?.unsubscribe();
      entry.subject.complete();
    }
    for (const hold of [...entries.map((e) => e.hold), ...this.afterFlush.splice(0)]) hold.unsubscribe();
    this.options.changed();
  }

  /** The broker refused these keys: only their subscribers fail. */
  reject(keys: readonly string[], error: FeedError): void {
    for (const key of keys) {
      const entry = this.entries.get(key);
      if (entry === undefined) continue;
      this.entries.delete(key);
      this.toSubscribe.delete(key);
      entry.linger?.unsubscribe();
      entry.subject.error(error.key === undefined ? error.with({ key }) : error);
      entry.hold.unsubscribe();
    }
    this.options.changed();
  }

  get size(): number {
    return this.entries.size;
  }

  snapshot(): KeyState[] {
    return [...this.entries.values()].map((e) => {
      const row: KeyState = {
        key: e.key,
        state: e.subscribers === 0 ? 'lingering' : e.active ? 'active' : 'requested',
        subscribers: e.subscribers,
      };
      return e.stale ? { ...row, stale: true } : row;
    });
  }

  private open(key: string): Entry<M> | { readonly failure: unknown } {
    const subject = new Subject<M>();
    const entry: Entry<M> = {
      key,
      subject,
      subscribers: 0,
      sent: false,
      active: false,
      hold: new Subscription(),
      since: this.options.scheduler.now(),
      stale: false,
      staleRefreshed: false,
    };
    this.entries.set(key, entry);
    // In the table before the connection starts, so a synchronous login registers it.
    let failure: { failure: unknown } | undefined;
    entry.hold.add(
      this.options.connection$.subscribe({
        error: (err: unknown) => {
          failure = { failure: err };
          if (this.entries.get(key) === entry) this.entries.delete(key);
          entry.linger?.unsubscribe();
          subject.error(err);
          this.options.changed();
        },
      }),
    );
    if (failure) return failure;
    if (this.link && !entry.sent) {
      this.toSubscribe.add(key);
      this.scheduleFlush();
    }
    return entry;
  }

  /** At the broker's key limit, evict a lingering key; if none, the limit error. */
  private makeRoom(): FeedError | undefined {
    const limit = this.options.keysPerConnection;
    if (limit === undefined || this.entries.size < limit) return undefined;
    for (const entry of this.entries.values()) {
      if (entry.subscribers === 0) {
        entry.linger?.unsubscribe();
        this.release(entry);
        return undefined;
      }
    }
    return new FeedError({
      kind: 'limit',
      broker: this.options.broker,
      message: `${this.options.broker}: subscription limit reached (${limit} keys per connection)`,
    });
  }

  private startLinger(entry: Entry<M>): void {
    entry.linger = this.options.scheduler.schedule(() => this.release(entry), this.options.keyLingerMs);
  }

  private release(entry: Entry<M>): void {
    entry.linger = undefined;
    if (this.entries.get(entry.key) !== entry) return;
    if (this.toSubscribe.delete(entry.key) || !entry.sent || !this.link) {
      // Never reached the server on this connection: forget it quietly.
      this.drop(entry);
      return;
    }
    this.entries.delete(entry.key);
    this.toRelease.add(entry.key);
    // Keep the connection held until the release is on the wire.
    this.scheduleFlush(entry.hold);
    this.options.changed();
  }

  private drop(entry: Entry<M>): void {
    this.entries.delete(entry.key);
    entry.linger?.unsubscribe();
    entry.subject.complete();
    entry.hold.unsubscribe();
    this.options.changed();
  }

  private scheduleFlush(releaseAfter?: Subscription): void {
    if (releaseAfter) this.afterFlush.push(releaseAfter);
    this.flushing ??= this.options.scheduler.schedule(() => {
      this.flushing = undefined;
      this.flush();
    });
  }

  private flush(): void {
    const subscribe = [...this.toSubscribe];
    const release = [...this.toRelease];
    this.toSubscribe.clear();
    this.toRelease.clear();
    if (this.link && (subscribe.length > 0 || release.length > 0)) {
      const now = this.options.scheduler.now();
      for (const key of subscribe) {
        const entry = this.entries.get(key);
        if (entry) {
          entry.sent = true;
          entry.since = now;
        }
      }
      this.link.request(subscribe, release);
    }
    const held = this.afterFlush.splice(0);
    const letGo = (): void => {
      for (const hold of held) hold.unsubscribe();
    };
    // Released keys hold the connection until their release is actually sent (paced), unless no
    // key is left at all: then the socket closes after its linger and the broker forgets them.
    if (held.length > 0 && this.entries.size > 0 && this.link?.afterSent) this.link.afterSent(letGo);
    else letGo();
  }
}
