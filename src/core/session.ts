import {
  BehaviorSubject,
  EMPTY,
  Observable,
  Subject,
  Subscription,
  asyncScheduler,
  defer,
  filter,
  finalize,
  from,
  ignoreElements,
  isObservable,
  of,
  retry,
  share,
  switchMap,
  throwError,
  timer,
} from 'rxjs';
import { BackoffOptions, backoffDelay, defaultBackoff } from './backoff';
import { FeedError, toFeedError } from './errors';
import { Multiplexer } from './multiplexer';
import { BrokerProtocol, FrameEvent, SessionCodec, SessionSetup, SocketResponses } from './protocol';
import { redact, redactError } from './redact';
import { ReceivedFrame, Session, SessionOptions } from './session-types';
import { webSocketFactory } from './socket';
import { Detector, FeedStatus, KeyState } from './status';
import { watchLink } from './link-watch';
import { Pacer } from './pacer';
import { defaultReplyLimits, replyLimiter } from './reply-limit';
import { eventLoopLag } from './lag-monitor';
import { GapNotice, KeyNotice } from './notices';
import { Key } from './key';

export type { Session, SessionOptions, ReceivedFrame } from './session-types';

/** Emitted by one connection attempt once it has stayed up for `healthyAfterMs`. */
const HEALTHY = 'healthy' as const;

/**
 * One broker session: a hot, lazy, shared connection with a key table.
 *
 *   stream(k) ──► key table ──(first subscriber)──► connection$ (shared, lingers after the last key)
 *                                                        │
 *   open() ─► socket ─► login ─► loggedIn ─► register live keys ─► route frames by key
 *      ▲                                                 │ failure (close, silence, 'failed' event)
 *      └──── retry({ delay: full-jitter backoff, resetOnSuccess }) ◄─┘  unless the error is fatal
 */
export function createSession<M>(protocol: BrokerProtocol<M>, options: SessionOptions = {}): Session<M> {
  const scheduler = options.scheduler ?? asyncScheduler;
  const openSocket = options.socket ?? webSocketFactory();
  const backoff: BackoffOptions = { ...defaultBackoff, ...options.backoff };
  const livenessMs = options.livenessMs ?? 30_000;
  const connectionLingerMs = options.connectionLingerMs ?? 1_000;
  const loginTimeoutMs = options.loginTimeoutMs ?? 15_000;
  const pingAfterMs = options.pingAfterMs ?? 4_000;
  const pongTimeoutMs = options.pongTimeoutMs ?? 4_000;
  const maxBufferedBytes = options.maxBufferedBytes ?? 4 * 1024 * 1024;
  const replyLimits = { ...defaultReplyLimits, ...options.replyLimits };
  // Lag is a wall-clock matter: off in virtual time unless asked for.
  const lagThresholdMs = options.lagThresholdMs ?? (options.scheduler === undefined ? 1_000 : 0);
  // Market hours are wall-clock hours: in virtual time staleness runs only when asked for.
  const staleness = options.staleness ?? (options.scheduler === undefined ? {} : false);
  const quietMsOf = (key: string, at: number): number | undefined =>
    staleness === false ? undefined : (staleness.quietMs ?? protocol.expectedQuietMs?.(key, at));
  const broker = protocol.name;

  const status = new BehaviorSubject<FeedStatus>({ state: 'closed' });
  const errors = new Subject<FeedError>();
  const frames = new Subject<ReceivedFrame>();
  const table = new BehaviorSubject<readonly KeyState[]>([]);
  const notices = new Subject<KeyNotice>();

  const secrets = (): readonly string[] => protocol.secrets?.() ?? [];
  const report = (error: FeedError): void => errors.next(redactError(error, secrets()));

  let attempt = 1;
  let lastError: FeedError | undefined;
  let connections = 0;
  /** Which detector ended the current connection; read once by the retry. */
  let detector: Detector | undefined;

  const classify = (err: unknown): FeedError => {
    const error = toFeedError(err, { kind: 'connection', broker });
    const withBroker = error.broker === undefined ? error.with({ broker }) : error;
    return redactError(protocol.classify ? protocol.classify(withBroker) : withBroker, secrets());
  };

  /** One connection, from open() to failure; emits HEALTHY once it has stayed up. */
  const connectOnce = (): Observable<typeof HEALTHY> =>
    defer(() => {
      status.next({ state: 'connecting', attempt });
      return toObservable(protocol.open({ attempt, lastError }));
    }).pipe(
      switchMap((setup) => openSocket(setup.url, setup.headers).pipe(switchMap((responses) => runConnection(setup.codec, responses)))),
    );

  const runConnection = (codec: SessionCodec<M>, responses: SocketResponses): Observable<typeof HEALTHY> =>
    new Observable<typeof HEALTHY>((subscriber) => {
      const outbox = new Subject<string>();
      const timers = new Subscription();
      let ready = false;
      const fail = (found: Detector, error: unknown): void => {
        if (subscriber.closed) return;
        detector ??= found;
        subscriber.error(error);
      };

      // Dead links: protocol pings after a quiet spell (Node), data silence (everywhere), and a
      // send buffer that keeps growing (the peer stopped reading).
      const link = watchLink(
        scheduler,
        responses.control,
        { pingAfterMs, pongTimeoutMs, silenceMs: livenessMs, maxBufferedBytes },
        (found, detail) =>
          fail(
            found,
            new FeedError({
              kind: 'timeout',
              broker,
              code: found === 'pong' ? 'PONG_TIMEOUT' : found === 'silence' ? 'SILENCE' : 'SEND_BUFFER_FULL',
              message: `${broker}: connection presumed dead (${detail})`,
            }),
          ),
      );
      timers.add(link.subscription);
      const send = (frame: string): void => {
        if (link.overBuffered()) return;
        outbox.next(frame);
      };
      const pacer = new Pacer(protocol.pacing, scheduler, send);
      timers.add(() => pacer.stop());
      const mayReply = replyLimiter(replyLimits, () => scheduler.now());
      const refused = { 'too-big': 0, 'too-many': 0 };

      const becomeReady = (): void => {
        if (ready) return;
        ready = true;
        connections += 1;
        mux.attach({
          request: (subscribe, release) => {
            if (release.length > 0) for (const f of codec.release(release)) pacer.enqueue(f);
            if (subscribe.length > 0) for (const f of codec.subscribe(subscribe)) pacer.enqueue(f);
          },
          afterSent: (fn) => pacer.afterSent(fn),
        });
        // Attaching drops keys that lost their last subscriber while we were logging in; if that
        // was the last holder, this connection has just been let go of (and 'closed' said): stop.
        if (subscriber.closed) return;
        const opened: FeedStatus = { state: 'open', connections, keys: mux.size };
        status.next(opened);
        timers.add(scheduler.schedule(() => subscriber.next(HEALTHY), backoff.healthyAfterMs));
        if (lagThresholdMs > 0) {
          timers.add(
            eventLoopLag(scheduler, { thresholdMs: lagThresholdMs }).subscribe((lagMs) => {
              const now = status.value;
              if (now.state !== 'open') return;
              const { lagMs: _was, ...rest } = now;
              status.next(lagMs === undefined ? rest : { ...rest, lagMs });
            }),
          );
        }
        if (staleness !== false && (staleness.quietMs !== undefined || protocol.expectedQuietMs !== undefined)) {
          const everyMs = staleness.checkEveryMs ?? 1_000;
          timers.add(
            scheduler.schedule(function check(this: import('rxjs').SchedulerAction<unknown>) {
              const again = mux.checkStale(quietMsOf);
              if (staleness.refresh === true) for (const key of again) mux.refresh(key);
              this.schedule(undefined, everyMs);
            }, everyMs),
          );
        }
      };

      const reply = (frame: string): void => {
        const verdict = mayReply(frame);
        if (verdict === 'send') {
          send(frame);
          return;
        }
        // Said once per burst, not once per refused echo (that would be a flood of its own).
        if (refused[verdict]++ % 1_000 === 0) {
          report(
            new FeedError({
              kind: 'notice',
              broker,
              code: verdict === 'too-big' ? 'REPLY_TOO_BIG' : 'REPLY_RATE',
              message:
                verdict === 'too-big'
                  ? `${broker}: a heartbeat of ${frame.length} characters was not echoed (bound ${replyLimits.maxBytes})`
                  : `${broker}: heartbeats beyond ${replyLimits.perSecond} a second are not echoed`,
            }),
          );
        }
      };

      const handle = (event: FrameEvent<M>): void => {
        switch (event.type) {
          case 'data':
            mux.route(event.key, event.message);
            return;
          case 'reply':
            reply(event.frame);
            return;
          case 'loggedIn':
            becomeReady();
            return;
          case 'subscribed':
            mux.confirm(event.keys);
            return;
          case 'released':
            return;
          case 'rejected':
            report(event.error);
            mux.reject(event.keys, redactError(event.error, secrets()));
            return;
          case 'resubscribe':
            mux.resubscribe(event.keys);
            return;
          case 'report':
            report(event.error);
            return;
          case 'failed':
            fail('server', event.error);
            return;
        }
      };

      // A codec must not throw, but one that does (a broker bug, an unforeseen frame) costs only
      // that frame: thrown out of here it would become an unhandled error and end the process.
      const decodeSafely = (frame: string): readonly FrameEvent<M>[] => {
        try {
          return codec.decode(frame);
        } catch (err: unknown) {
          const why = err instanceof Error ? err.message : String(err);
          return [
            {
              type: 'report',
              error: new FeedError({ kind: 'decode', broker, message: `${broker}: frame could not be decoded (${why})`, raw: frame }),
            },
          ];
        }
      };

      const pongs$ = responses.control?.pongs$;
      if (pongs$) timers.add(pongs$.subscribe(() => link.heard()));
      timers.add(
        responses(outbox).subscribe({
          next: (frame) => {
            link.heard();
            const events = decodeSafely(frame);
            // Recorders get frames without secrets (echoed tokens, keys the server hands out);
            // after decoding, so a key this very frame hands out is known and masked.
            if (frames.observed) frames.next({ at: link.lastHeardAt, frame: redact(frame, secrets()) });
            for (let i = 0; i < events.length && !subscriber.closed; i++) handle(events[i]);
          },
          error: (err: unknown) => fail('socket', err),
          complete: () => fail('socket', new FeedError({ kind: 'connection', broker, message: `${broker}: the server ended the stream` })),
        }),
      );

      if (codec.login) {
        send(codec.login());
        // A server that keeps the socket alive (pings) but never answers the login would
        // otherwise hold the session in 'connecting' for good.
        if (loginTimeoutMs > 0) {
          const waiting = scheduler.schedule(() => {
            if (!ready) {
              fail(
                'login',
                new FeedError({
                  kind: 'timeout',
                  broker,
                  code: 'LOGIN_TIMEOUT',
                  message: `${broker}: no answer to the login within ${loginTimeoutMs} ms`,
                }),
              );
            }
          }, loginTimeoutMs);
          timers.add(waiting);
        }
      } else {
        becomeReady();
      }

      return () => {
        timers.unsubscribe();
        outbox.complete();
        mux.detach();
      };
    });

  /** Keys holding the connection; 0 while it lingers after the last one left. */
  let holders = 0;
  let closed = false;

  const shared$: Observable<never> = connectOnce().pipe(
    retry({
      resetOnSuccess: true,
      delay: (err: unknown, failures: number) => {
        const error = classify(err);
        const found = detector ?? 'socket';
        detector = undefined;
        lastError = error;
        errors.next(error);
        // Lost while lingering: nobody is left to reconnect for; the next key connects afresh.
        if (holders === 0 && !error.fatal) return EMPTY;
        if (error.fatal || failures >= backoff.maxAttempts) {
          status.next({ state: 'closed', error });
          return throwError(() => error);
        }
        const delayMs = backoffDelay(failures, backoff);
        attempt = failures + 1;
        status.next({ state: 'reconnecting', attempt, delayMs, reason: error.message, detector: found });
        return timer(delayMs, scheduler);
      },
    }),
    ignoreElements(),
    finalize(() => {
      attempt = 1;
      lastError = undefined;
      if (status.value.state !== 'closed') status.next({ state: 'closed' });
    }),
    // Linger only on an open connection (quick re-use); a session still trying to connect when
    // its last key goes stops at once instead of reconnecting for nobody.
    share({
      resetOnRefCountZero: () => (status.value.state === 'open' && !closed ? timer(connectionLingerMs, scheduler) : of(0)),
    }),
  );
  const connection$: Observable<never> = defer(() => {
    holders += 1;
    return shared$;
  }).pipe(finalize(() => (holders -= 1)));

  // retry's count restarts when connectOnce emits, and it emits only HEALTHY: that is the reset.
  const mux: Multiplexer<M> = new Multiplexer<M>({
    broker,
    scheduler,
    keyLingerMs: options.keyLingerMs ?? 250,
    keysPerConnection: protocol.keysPerConnection,
    connection$,
    changed: () => table.next(mux.snapshot()),
    notice: (n) => notices.next(n),
  });

  /** Ends everything now: the key streams, the connection (no linger), the control streams. */
  const close = (): void => {
    if (closed) return;
    closed = true;
    // Completing the keys drops the last holds on the connection; with `closed` set, the shared
    // connection resets (socket closed, pending reconnect dropped) instead of lingering.
    mux.close();
    if (status.value.state !== 'closed') status.next({ state: 'closed' });
    status.complete();
    errors.complete();
    table.complete();
    frames.complete();
    notices.complete();
  };

  return {
    // The key says what its messages are (see Key): the codec decodes that type for it.
    stream: <T extends M = M>(key: Key<T>) => mux.stream(key) as Observable<T>,
    refresh: (key) => mux.refresh(key),
    status$: status.asObservable(),
    errors$: errors.asObservable(),
    subscriptions$: table.asObservable(),
    frames$: frames.asObservable(),
    close,
    get closed() {
      return closed;
    },
    notices$: notices.asObservable(),
    gaps$: notices.pipe(filter((n): n is GapNotice => n.type === 'gap')),
  };
}

function toObservable<T>(value: T | PromiseLike<T> | Observable<T>): Observable<T> {
  if (isObservable(value)) return value;
  if (isPromiseLike(value)) return from(value);
  return of(value);
}

function isPromiseLike<T>(value: unknown): value is PromiseLike<T> {
  return typeof (value as PromiseLike<T> | undefined)?.then === 'function';
}

export type { SessionSetup };
