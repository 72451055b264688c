import {
  NEVER,
  Observable,
  SchedulerLike,
  Subject,
  asyncScheduler,
  concat,
  defer,
  finalize,
  map,
  merge,
  switchMap,
  throwError,
  timer,
} from 'rxjs';
import { FeedError } from '../core/errors';
import { SocketControl, SocketFactory, SocketResponses } from '../core/protocol';

/** How one scripted connection behaves. */
export interface ScriptedConnection {
  /** What the server sends, timed from the moment the socket opens (e.g. `cold('-a--b', frames)`).
   *  An error ends the connection with that error, as a dropped socket does. */
  readonly inbound?: Observable<string>;
  /** Refuse to open (after `openAfterMs`), failing with this error: a refused upgrade, an unreachable host. */
  readonly refuse?: FeedError;
  /** Open after this many ms instead of at once. */
  readonly openAfterMs?: number;
  /** A tiny server: frames to answer each client frame with (delivered asynchronously). */
  readonly respond?: (frame: string) => readonly string[];
  /**
   * Protocol pings, as a Node socket has them: 'answer' pongs each one (after `pongAfterMs`),
   * 'ignore' never does (a half-open link). Omitted: the socket cannot ping (a browser's).
   */
  readonly pings?: 'answer' | 'ignore';
  readonly pongAfterMs?: number;
  /** The socket's send buffer, in bytes (omitted: not known). */
  readonly bufferedAmount?: () => number;
}

/** A frame the client sent. */
export interface SentFrame {
  /** 1 for the first connection. */
  readonly connection: number;
  /** Scheduler time when it was sent. */
  readonly at: number;
  readonly frame: string;
}

/**
 * A SocketFactory driven by a script instead of a network, for specs in virtual time
 * (TestScheduler) or for fast unit tests. Each connection attempt asks `script(n)` how to behave.
 *
 * ```ts
 * const socket = new ScriptedSocket((n) => ({ inbound: cold('-a-b', frames), respond: ackLogin }), scheduler);
 * const session = createSession(protocol, { socket: socket.factory, scheduler });
 * ...
 * expect(socket.sent.map((s) => s.frame)).toEqual([...]);
 * ```
 */
export class ScriptedSocket {
  /** Every frame sent, across connections, in order. */
  readonly sent: SentFrame[] = [];
  /** The same, as a hot stream (for `expectObservable`). */
  readonly sent$ = new Subject<string>();
  /** Protocol pings the client sent: connection and time. */
  readonly pings: { readonly connection: number; readonly at: number }[] = [];
  /** Every connection attempt's URL and headers. */
  readonly opens: { readonly url: string; readonly headers?: Readonly<Record<string, string>> }[] = [];
  /** When each connection was let go of by the client (the socket closed): connection number and time. */
  readonly closes: { readonly connection: number; readonly at: number }[] = [];

  constructor(
    private readonly script: (connection: number) => ScriptedConnection,
    private readonly scheduler: SchedulerLike = asyncScheduler,
  ) {}

  /** How many connections were attempted. */
  get attempts(): number {
    return this.opens.length;
  }

  /** Frames sent on one connection. */
  sentOn(connection: number): string[] {
    return this.sent.filter((s) => s.connection === connection).map((s) => s.frame);
  }

  readonly factory: SocketFactory = (url, headers) =>
    defer(() => {
      this.opens.push({ url, headers });
      const connection = this.opens.length;
      const plan = this.script(connection);
      const opening = timer(plan.openAfterMs ?? 0, this.scheduler);
      if (plan.refuse) {
        const refusal = plan.refuse;
        return opening.pipe(switchMap(() => throwError(() => refusal)));
      }
      const pongs = new Subject<void>();
      const control: SocketControl = {
        ...(plan.pings
          ? {
              ping: () => {
                this.pings.push({ connection, at: this.scheduler.now() });
                if (plan.pings === 'answer') this.scheduler.schedule(() => pongs.next(), plan.pongAfterMs ?? 0);
              },
              pongs$: pongs.asObservable(),
            }
          : {}),
        ...(plan.bufferedAmount ? { bufferedAmount: plan.bufferedAmount } : {}),
      };
      const talk = (input: Observable<string>): Observable<string> => {
        const replies = new Subject<string>();
        input.subscribe((frame) => {
          this.sent.push({ connection, at: this.scheduler.now(), frame });
          this.sent$.next(frame);
          const answers = plan.respond?.(frame) ?? [];
          if (answers.length > 0) this.scheduler.schedule(() => answers.forEach((a) => replies.next(a)));
        });
        return merge(plan.inbound ?? NEVER, replies);
      };
      const responses: SocketResponses = Object.assign(talk, { control });
      // Like a real socket, it does not complete once open: it ends when the client lets go.
      return concat(opening.pipe(map(() => responses)), NEVER).pipe(
        finalize(() => this.closes.push({ connection, at: this.scheduler.now() })),
      );
    });
}
