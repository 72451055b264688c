import { Observable, filter, map } from 'rxjs';
import { GapNotice, KeyNotice } from '../core/notices';

/**
 * A feed's notices with the instrument named: the session knows keys, a feed knows which symbol a
 * key is about ('' or undefined for account streams).
 *
 *   session notices$ ──{key:'H0STCNT0|005930'}──►  ──{key:'H0STCNT0|005930', symbol:'005930'}──
 */
export function namedNotices(notices$: Observable<KeyNotice>, symbolOf: (key: string) => string | undefined): Observable<KeyNotice> {
  return notices$.pipe(
    map((n) => {
      const symbol = symbolOf(n.key);
      return symbol ? { ...n, symbol } : n;
    }),
  );
}

/** The gap notices among a feed's notices. */
export function gapsOf(notices$: Observable<KeyNotice>): Observable<GapNotice> {
  return notices$.pipe(filter((n): n is GapNotice => n.type === 'gap'));
}
