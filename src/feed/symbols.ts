import { EMPTY, Observable, catchError, defer, merge, throwError } from 'rxjs';
import { FeedError } from '../core/errors';
import { Symbols } from './market-feed';

/** The distinct symbols of `one or a list`, in order; a config FeedError for none or a non-string. */
export function symbolList(symbols: Symbols, broker: string): readonly string[] {
  const list = typeof symbols === 'string' ? [symbols] : Array.isArray(symbols) ? (symbols as readonly unknown[]) : [symbols];
  if (list.length === 0) {
    throw new FeedError({ kind: 'config', broker, message: `${broker}: name at least one symbol` });
  }
  for (const s of list) {
    if (typeof s !== 'string') {
      throw new FeedError({ kind: 'config', broker, message: `${broker}: a symbol must be a string, got ${JSON.stringify(s)}` });
    }
  }
  return [...new Set(list as readonly string[])];
}

/**
 * Errors that concern one symbol's key only: a malformed symbol (config), one the server refuses
 * (rejected), one over the key budget (limit). Anything else (connection, auth, timeout, ...) is
 * the session's and ends the whole stream.
 */
const entryError = (err: unknown): err is FeedError =>
  err instanceof FeedError && (err.kind === 'config' || err.kind === 'rejected' || err.kind === 'limit');

/**
 * One stream over one symbol or a list: each symbol's stream, merged. All of them are subscribed
 * in the same tick, so the session's key table sends their keys in one batched request. Bad input
 * (no symbol, a non-string) errors the returned stream when it is subscribed, not the caller.
 *
 * In a list, an entry whose own key fails (malformed, refused by the server, over the key budget)
 * is reported on `report` (the feed's errors$) as a non-fatal error and leaves the others
 * streaming; a refusal is not reported again (the session has put it on errors$ already). The
 * stream errors only when every entry failed, with the last entry's error. A single symbol's
 * failure errors the stream, as does a failure of the session (every entry's at once).
 *
 *   perSymbol(['A', 'bad!', 'B'], broker, open, report)
 *   open('A'):    -a-----a--
 *   open('bad!'): #             report: config error for "bad!" (fatal: false)
 *   open('B'):    ---b-b----
 *   result:       -a-b-b-a--
 */
export function perSymbol<T>(
  symbols: Symbols,
  broker: string,
  open: (symbol: string) => Observable<T>,
  report: (error: FeedError) => void,
): Observable<T> {
  return defer(() => {
    let list: readonly string[];
    try {
      list = symbolList(symbols, broker);
    } catch (err: unknown) {
      return throwError(() => err);
    }
    if (list.length === 1) return defer(() => open(list[0]));
    let alive = list.length;
    const entry = (symbol: string): Observable<T> =>
      defer(() => open(symbol)).pipe(
        catchError((err: unknown) => {
          if (!entryError(err)) return throwError(() => err);
          alive -= 1;
          if (alive === 0) return throwError(() => err);
          if (err.kind !== 'rejected') report(err.with({ fatal: false }));
          return EMPTY;
        }),
      );
    return merge(...list.map(entry));
  });
}
