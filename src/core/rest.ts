/**
 * One REST call, the same way for every broker: through the credential's budget, with a
 * timeout, read into a verdict by the broker's dialect, retried with backoff within the budget.
 *
 *   call ──► budget.take ──► build (token, signature) ──► fetch (timeout) ──► text ──► parse ──► read
 *              ▲                                                                             │
 *              └──────────── retry: quota → budget holds; 5xx/HTML/bad JSON/timeout → backoff ◄┘
 *                            never → the call fails with the FeedError
 *
 * Nothing here is Node-only: the fetch is injected (the global fetch by default), so browsers
 * use the same code. Every retried failure is reported (`report`) as a FeedError before the
 * retry, so a user sees an HTML error page or a 503 on `errors$` even when the retry works.
 */
import * as t from 'io-ts';
import { Observable, SchedulerLike, asyncScheduler, defer, from, map, retry, switchMap, throwError, timer } from 'rxjs';
import { BackoffOptions, backoffDelay, defaultBackoff } from './backoff';
import { FeedError, FeedErrorKind } from './errors';
import { redact, redactError } from './redact';
import { RestBudget } from './rest-budget';

/** The part of a fetch Response the client reads. */
export interface HttpResponseLike {
  readonly status: number;
  readonly headers?: { get(name: string): string | null };
  text(): Promise<string>;
}

/** The subset of `fetch` REST clients use; inject one in tests or behind a proxy. */
export type HttpFetch = (
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string; signal?: AbortSignal },
) => Promise<HttpResponseLike>;

/** What came back, as a dialect reads it. */
export interface RestReply {
  readonly status: number;
  header(name: string): string | undefined;
  readonly text: string;
  /** The parsed body; undefined when it is not JSON (an HTML error page, a cut body). */
  readonly json: unknown;
}

/** How a retry should go. */
export type RetryKind =
  /** The broker said "too many": hold the whole budget, then retry. */
  | 'quota'
  /** A transient failure (5xx, HTML page, bad JSON, timeout): retry with backoff. */
  | 'later'
  /** The token was refused: drop it, retry once with a new one. */
  | 'reauth'
  /** Retrying cannot help (bad parameters, refused keys, not supported). */
  | 'never';

export type Verdict<A> =
  | { readonly ok: true; readonly value: A }
  | { readonly ok: false; readonly error: FeedError; readonly retry: RetryKind; readonly retryAfterMs?: number };

export const accept = <A>(value: A): Verdict<A> => ({ ok: true, value });
export const refuse = <A = never>(error: FeedError, retry: RetryKind, retryAfterMs?: number): Verdict<A> => ({
  ok: false,
  error,
  retry,
  retryAfterMs,
});

/** One request, built afresh for every attempt (tokens and signatures change). */
export interface RestRequest<A> {
  readonly method: 'GET' | 'POST';
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
  /** What the call is, in messages and the budget's record: `ka10075`, `GET /capi/v3/userTrades`. */
  readonly label: string;
  read(reply: RestReply): Verdict<A>;
}

export interface RestTransportOptions {
  readonly broker: string;
  readonly budget: RestBudget;
  /** Default: the global fetch. */
  readonly fetch?: HttpFetch;
  /** Per attempt, request to body. Default 10 000 ms. */
  readonly timeoutMs?: number;
  /** Attempts per call, the first included. Default 4. */
  readonly maxAttempts?: number;
  readonly backoff?: Partial<BackoffOptions>;
  readonly scheduler?: SchedulerLike;
  /** Where failures that will be retried are told (the feed's errors$). */
  readonly report?: (error: FeedError) => void;
  /** Secrets to keep out of messages (tokens, keys). */
  readonly secrets?: () => readonly string[];
  /** Body parser. Default JSON.parse; WEEX parses long integers losslessly. */
  readonly parse?: (text: string) => unknown;
  /** Called on a 'reauth' verdict, before the retry (invalidate the token). */
  readonly reauth?: () => void;
}

/** What every broker's REST client takes: the transport's settings a client passes on, and paging. */
export interface RestClientOptions extends Pick<
  RestTransportOptions,
  'budget' | 'fetch' | 'timeoutMs' | 'maxAttempts' | 'backoff' | 'scheduler' | 'report'
> {
  /** Pages per paged query before it is called endless. Default 20. */
  readonly maxPages?: number;
}

export interface RestCallOptions {
  /** Units the call costs in the budget. Default 1. */
  readonly weight?: number;
  /** Budget priority (higher first). Default 0. */
  readonly priority?: number;
}

export interface RestTransport {
  readonly broker: string;
  readonly budget: RestBudget;
  /** One call; emits the read value once, then completes; fails with a FeedError. Lazy. */
  call<A>(build: () => RestRequest<A> | PromiseLike<RestRequest<A>>, options?: RestCallOptions): Observable<A>;
}

const MAX_RAW = 300;

/** Default fetch: the global one, looked up at call time (tests may install it late). */
export const globalFetch: HttpFetch = (url, init) => {
  const f = (globalThis as { fetch?: HttpFetch }).fetch;
  if (!f) return Promise.reject(new Error('no global fetch (Node 18+ or a browser required)'));
  return f(url, init);
};

/** What a body looks like in a message: trimmed, one line, clipped. */
export function excerpt(text: string): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > MAX_RAW ? `${one.slice(0, MAX_RAW)}…` : one;
}

export function createRestTransport(options: RestTransportOptions): RestTransport {
  const broker = options.broker;
  const scheduler = options.scheduler ?? asyncScheduler;
  const doFetch = options.fetch ?? globalFetch;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const maxAttempts = Math.max(1, options.maxAttempts ?? 4);
  const backoff: BackoffOptions = { ...defaultBackoff, initialMs: 250, maxMs: 10_000, ...options.backoff };
  const parse = options.parse ?? ((text: string) => JSON.parse(text) as unknown);
  const secrets = (): readonly string[] => options.secrets?.() ?? [];
  const clean = (e: FeedError): FeedError => redactError(e, secrets());

  const fail = (kind: FeedErrorKind, label: string, message: string, extra: { code?: string; raw?: string } = {}): FeedError =>
    new FeedError({ kind, broker, fatal: false, message: `${broker} REST ${label}: ${message}`, ...extra });

  /** One attempt: fetch with a timeout, read the body, parse it, let the dialect judge. */
  const attempt = <A>(request: RestRequest<A>): Observable<Verdict<A>> =>
    new Observable<Verdict<A>>((subscriber) => {
      const controller = typeof AbortController === 'function' ? new AbortController() : undefined;
      let done = false;
      const finish = (v: Verdict<A>): void => {
        if (done) return;
        done = true;
        subscriber.next(v);
        subscriber.complete();
      };
      const timeout = scheduler.schedule(() => {
        controller?.abort();
        finish(refuse(fail('timeout', request.label, `no answer within ${timeoutMs} ms`), 'later'));
      }, timeoutMs);
      doFetch(request.url, { method: request.method, headers: request.headers, body: request.body, signal: controller?.signal })
        .then(async (res) => {
          const text = await res.text();
          if (done) return;
          let json: unknown;
          try {
            json = text.trim() === '' ? undefined : parse(text);
          } catch {
            json = undefined;
          }
          const reply: RestReply = {
            status: res.status,
            header: (name) => res.headers?.get(name) ?? undefined,
            text,
            json,
          };
          let verdict: Verdict<A>;
          try {
            verdict = request.read(reply);
          } catch (err) {
            verdict = refuse(
              fail('decode', request.label, `answer could not be read (${err instanceof Error ? err.message : String(err)})`, {
                raw: excerpt(text),
              }),
              'later',
            );
          }
          finish(verdict);
        })
        .catch((err: unknown) => {
          const cause = err instanceof Error ? ((err as Error & { cause?: { code?: string } }).cause?.code ?? err.message) : String(err);
          finish(refuse(fail('connection', request.label, `request failed (${cause})`), 'later'));
        });
      return () => {
        timeout.unsubscribe();
        if (!done) controller?.abort();
        done = true;
      };
    });

  const call = <A>(build: () => RestRequest<A> | PromiseLike<RestRequest<A>>, o: RestCallOptions = {}): Observable<A> => {
    let label = 'call';
    let reauthed = false;
    const once = defer(() => options.budget.take({ weight: o.weight, priority: o.priority })).pipe(
      switchMap(() => from(Promise.resolve().then(build))),
      switchMap((request) => {
        label = request.label;
        return attempt(request);
      }),
      map((verdict) => {
        if (verdict.ok) {
          options.budget.ok();
          return verdict.value;
        }
        throw verdict;
      }),
    );
    return once.pipe(
      retry({
        count: maxAttempts - 1,
        delay: (err: unknown, n: number) => {
          const verdict = asVerdict(err, label);
          const error = clean(verdict.error);
          if (verdict.retry === 'never' || (verdict.retry === 'reauth' && reauthed))
            return throwError(() => error.with({ fatal: error.fatal }));
          options.report?.(error.with({ message: `${error.message}; retrying (attempt ${n + 1} of ${maxAttempts})` }));
          if (verdict.retry === 'quota') {
            // The budget holds every caller of this credential; the retry waits in its queue.
            options.budget.backoff(verdict.retryAfterMs);
            return timer(0, scheduler);
          }
          if (verdict.retry === 'reauth') {
            reauthed = true;
            options.reauth?.();
            return timer(0, scheduler);
          }
          return timer(Math.max(backoff.initialMs / 2, backoffDelay(n, backoff)), scheduler);
        },
      }),
      // The last failure, or anything unexpected, as a clean FeedError.
      (source) =>
        new Observable<A>((subscriber) =>
          source.subscribe({
            next: (v) => subscriber.next(v),
            complete: () => subscriber.complete(),
            error: (err: unknown) => subscriber.error(clean(asVerdict(err, label).error)),
          }),
        ),
    );
  };

  const asVerdict = (err: unknown, label: string): Extract<Verdict<never>, { ok: false }> => {
    if (typeof err === 'object' && err !== null && (err as { ok?: unknown }).ok === false)
      return err as Extract<Verdict<never>, { ok: false }>;
    if (err instanceof FeedError) return { ok: false, error: err, retry: err.fatal ? 'never' : 'later' };
    const message = err instanceof Error ? err.message : String(err);
    return { ok: false, error: fail('connection', label, redact(message, secrets())), retry: 'later' };
  };

  return { broker, budget: options.budget, call };
}

/**
 * The common failures every dialect checks first: non-JSON bodies (HTML error pages, cut
 * bodies) and HTTP 5xx/429 without a body the broker explains. Returns undefined when the reply
 * is JSON and the status is not one of those.
 */
/** The first io-ts error as `path: message`, for a REST answer that does not have the expected shape. */
export function describeShape(errors: t.Errors): string {
  const first = errors[0];
  if (!first) return 'unexpected shape';
  const path = first.context
    .map((c) => c.key)
    .filter((k) => k !== '' && !/^\d+$/.test(k))
    .join('.');
  return `${path || 'body'}: ${first.message ?? 'unexpected value'}`;
}

/** The answer's body read by `codec`, or the refusal every broker gives a body of the wrong shape (retried later). */
export function decodeBody<A>(broker: string, label: string, reply: RestReply, codec: t.Decoder<unknown, A>): Verdict<A> {
  const body = codec.decode(reply.json);
  if (body._tag === 'Right') return accept(body.right);
  return refuse(
    new FeedError({
      kind: 'decode',
      broker,
      fatal: false,
      message: `${broker} REST ${label}: ${describeShape(body.left)}`,
      raw: excerpt(reply.text),
    }),
    'later',
  );
}

export function commonFailure(broker: string, label: string, reply: RestReply): Verdict<never> | undefined {
  const retryAfter = retryAfterMs(reply.header('retry-after'));
  if (reply.status === 429) {
    return refuse(
      new FeedError({ kind: 'limit', broker, fatal: false, code: '429', message: `${broker} REST ${label}: HTTP 429 (too many requests)` }),
      'quota',
      retryAfter,
    );
  }
  if (reply.json === undefined || typeof reply.json !== 'object' || reply.json === null) {
    const what = /^\s*</.test(reply.text) ? 'an HTML page' : reply.text.trim() === '' ? 'an empty body' : 'a body that is not JSON';
    return refuse(
      new FeedError({
        kind: reply.status >= 500 ? 'connection' : 'decode',
        broker,
        fatal: false,
        code: String(reply.status),
        message: `${broker} REST ${label}: HTTP ${reply.status} with ${what}`,
        raw: excerpt(reply.text),
      }),
      'later',
    );
  }
  return undefined;
}

/** `Retry-After` in ms (seconds or an HTTP date); undefined when absent or unreadable. */
export function retryAfterMs(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * Pages of one query, in order: `page(cursor)` gives a page and the next cursor (undefined on
 * the last). A cursor seen twice or more than `maxPages` pages is an error, never a loop.
 *
 *   page(∅) ─► [a, next 1] ─► page(1) ─► [b, next 2] ─► page(2) ─► [c, ∅] ─► complete
 *   emits     a                          b                          c
 */
export function pages<A, C>(
  broker: string,
  label: string,
  page: (cursor: C | undefined) => Observable<{ readonly value: A; readonly next?: C }>,
  maxPages = 20,
): Observable<A> {
  return new Observable<A>((subscriber) => {
    const seen = new Set<string>();
    let count = 0;
    let inner: { unsubscribe(): void } | undefined;
    const fetchPage = (cursor: C | undefined): void => {
      count += 1;
      inner = page(cursor).subscribe({
        next: ({ value, next }) => {
          subscriber.next(value);
          if (next === undefined) {
            subscriber.complete();
            return;
          }
          const id = JSON.stringify(next);
          if (seen.has(id)) {
            subscriber.error(
              new FeedError({
                kind: 'decode',
                broker,
                fatal: false,
                message: `${broker} REST ${label}: the server sent the same next-page cursor twice; paging stopped`,
              }),
            );
            return;
          }
          if (count >= maxPages) {
            subscriber.error(
              new FeedError({
                kind: 'limit',
                broker,
                fatal: false,
                message: `${broker} REST ${label}: paging did not end after ${maxPages} pages; stopped`,
              }),
            );
            return;
          }
          seen.add(id);
          fetchPage(next);
        },
        error: (err: unknown) => subscriber.error(err),
      });
    };
    fetchPage(undefined);
    return () => inner?.unsubscribe();
  });
}
