import {
  BehaviorSubject,
  EMPTY,
  Observable,
  Subject,
  Subscription,
  asyncScheduler,
  defer,
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
import type { SchedulerAction } from 'rxjs';
import { BackoffOptions, backoffDelay, defaultBackoff } from './backoff';
import { FeedError, toFeedError } from './errors';
import { Multiplexer } from './multiplexer';
import { BrokerProtocol, FrameEvent, SessionCodec, SessionSetup, SocketResponses } from './protocol';
import { redactError } from './redact';
import { ReceivedFrame, Session, SessionOptions } from './session-types';
import { webSocketFactory } from './socket';
import { FeedStatus, KeyState } from './status';
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
  const broker = protocol.name;

  const status = new BehaviorSubject<FeedStatus>({ state: 'closed' });
  const errors = new Subject<FeedError>();
  const frames = new Subject<ReceivedFrame>();
  const table = new BehaviorSubject<readonly KeyState[]>([]);

  const secrets = (): readonly string[] => protocol.secrets?.() ?? [];
  const report = (error: FeedError): void => errors.next(redactError(error, secrets()));

  let attempt = 1;
  let lastError: FeedError | undefined;
  let connections = 0;

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
      switchMap((setup) =>
        openSocket(setup.url, setup.headers).pipe(switchMap((responses) => runConnection(setup.codec, responses))),
      ),
    );

  const runConnection = (codec: SessionCodec<M>, responses: SocketResponses): Observable<typeof HEALTHY> =>
    new Observable<typeof HEALTHY>((subscriber) => {
      const outbox = new Subject<string>();
      const send = (frame: string): void => outbox.next(frame);
      const timers = new Subscription();
      let ready = false;

      const becomeReady = (): void => {
        if (ready) return;
        ready = true;
        connections += 1;
        mux.attach({
          request: (subscribe, release) => {
            if (release.length > 0) for (const f of codec.release(release)) send(f);
            if (subscribe.length > 0) for (const f of codec.subscribe(subscribe)) send(f);
          },
        });
        status.next({ state: 'open', connections, keys: mux.size });
        timers.add(scheduler.schedule(() => subscriber.next(HEALTHY), backoff.healthyAfterMs));
      };

      const handle = (event: FrameEvent<M>): void => {
        switch (event.type) {
          case 'data':
            mux.route(event.key, event.message);
            return;
          case 'reply':
            send(event.frame);
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
            subscriber.error(event.error);
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
          return [{ type: 'report', error: new FeedError({ kind: 'decode', broker, message: `${broker}: frame could not be decoded (${why})`, raw: frame }) }];
        }
      };

      // Liveness: one watchdog that re-arms itself from the last frame's time, instead of a
      // timer per frame (the `timeout` operator's way, which cost ~12% of throughput).
      let lastFrameAt = scheduler.now();
      if (livenessMs > 0) {
        timers.add(
          scheduler.schedule(function watchdog(this: SchedulerAction<unknown>) {
            const idle = scheduler.now() - lastFrameAt;
            if (idle < livenessMs) {
              this.schedule(undefined, livenessMs - idle);
              return;
            }
            subscriber.error(
              new FeedError({ kind: 'timeout', broker, message: `${broker}: no frame for ${livenessMs} ms; connection presumed dead` }),
            );
          }, livenessMs),
        );
      }
      timers.add(
        responses(outbox).subscribe({
          next: (frame) => {
            lastFrameAt = scheduler.now();
            if (frames.observed) frames.next({ at: lastFrameAt, frame });
            const events = decodeSafely(frame);
            for (let i = 0; i < events.length && !subscriber.closed; i++) handle(events[i]);
          },
          error: (err: unknown) => subscriber.error(err),
          complete: () =>
            subscriber.error(new FeedError({ kind: 'connection', broker, message: `${broker}: the server ended the stream` })),
        }),
      );

      if (codec.login) {
        send(codec.login());
        // A server that keeps the socket alive (pings) but never answers the login would
        // otherwise hold the session in 'connecting' for good.
        if (loginTimeoutMs > 0) {
          const waiting = scheduler.schedule(() => {
            if (!ready) {
              subscriber.error(
                new FeedError({ kind: 'timeout', broker, message: `${broker}: no answer to the login within ${loginTimeoutMs} ms` }),
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
        status.next({ state: 'reconnecting', attempt, delayMs, reason: error.message });
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
