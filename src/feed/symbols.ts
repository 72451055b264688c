import { Observable, defer, merge, throwError } from 'rxjs';
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
 * One stream over several symbols: each symbol's stream, merged. All of them are subscribed in
 * the same tick, so the session's key table sends their keys in one batched request. Bad input
 * (no symbol, a malformed one) errors the returned stream when it is subscribed, not the caller.
 *
 *   perSymbol(['A', 'B'], open)
 *   open('A'): -a-----a--
 *   open('B'): ---b-b----
 *   result:    -a-b-b-a--
 */
export function perSymbol<T>(symbols: Symbols, broker: string, open: (symbol: string) => Observable<T>): Observable<T> {
  return defer(() => {
    let list: readonly string[];
    let streams: Observable<T>[];
    try {
      list = symbolList(symbols, broker);
      streams = list.map(open);
    } catch (err: unknown) {
      return throwError(() => err);
    }
    return streams.length === 1 ? streams[0] : merge(...streams);
  });
}
