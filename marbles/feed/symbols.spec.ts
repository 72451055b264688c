import { Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { FeedError } from '../../src/core/errors';
import { perSymbol } from '../../src/feed/symbols';

/**
 * perSymbol over a list where some entries fail: a failure of the entry's own key (malformed,
 * refused, over the budget) goes to `report` and the others stream on; a failure of the session
 * ends the stream; the stream errors only when every entry failed.
 */

let ts: TestScheduler;
beforeEach(() => {
  ts = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
});

const malformed = (s: string) => new FeedError({ kind: 'config', broker: 'toy', message: `toy: malformed symbol ${JSON.stringify(s)}` });
const refused = (s: string) => new FeedError({ kind: 'rejected', broker: 'toy', key: `trade|${s}`, message: `toy: trade|${s} refused` });
const overBudget = (s: string) =>
  new FeedError({ kind: 'limit', broker: 'toy', key: `trade|${s}`, message: 'toy: subscription limit reached (2 keys per connection)' });
const lost = new FeedError({ kind: 'auth', broker: 'toy', fatal: true, message: 'toy: credentials refused' });

/** What each entry's open gives: a stream, or a synchronous throw (a malformed symbol). */
function opener(streams: Record<string, Observable<string> | FeedError>) {
  return (s: string): Observable<string> => {
    const x = streams[s];
    if (x instanceof FeedError) throw x;
    return x;
  };
}

describe('perSymbol: a failing list entry errors only its own key', () => {
  it('a malformed entry is reported non-fatal; the others stream on and are all subscribed at once', () => {
    ts.run(({ cold, expectObservable, expectSubscriptions, flush }) => {
      const a = cold('-a-----a--');
      const b = cold('---b-b----');
      const reported: FeedError[] = [];
      const open = opener({ A: a, 'bad!': malformed('bad!'), B: b });
      expectObservable(perSymbol(['A', 'bad!', 'B'], 'toy', open, (e) => reported.push(e))).toBe('-a-b-b-a--');
      expectSubscriptions(a.subscriptions).toBe('^');
      expectSubscriptions(b.subscriptions).toBe('^');
      flush();
      expect(reported.map((e) => [e.kind, e.fatal, e.message])).toEqual([['config', false, 'toy: malformed symbol "bad!"']]);
    });
  });

  it('an entry the server refuses later ends alone; the refusal is not reported twice (the session has)', () => {
    ts.run(({ cold, expectObservable, flush }) => {
      const reported: FeedError[] = [];
      const open = opener({ A: cold('-a---a---a'), X: cold('--#', undefined, refused('X')), B: cold('---b---b--') });
      expectObservable(perSymbol(['A', 'X', 'B'], 'toy', open, (e) => reported.push(e))).toBe('-a-b-a-b-a');
      flush();
      expect(reported).toEqual([]);
    });
  });

  it('an entry over the key budget is reported and skipped', () => {
    ts.run(({ cold, expectObservable, flush }) => {
      const reported: FeedError[] = [];
      const open = opener({ A: cold('-a'), C: cold('#', undefined, overBudget('C')) });
      expectObservable(perSymbol(['A', 'C'], 'toy', open, (e) => reported.push(e))).toBe('-a');
      flush();
      expect(reported.map((e) => [e.kind, e.key, e.fatal])).toEqual([['limit', 'trade|C', false]]);
    });
  });

  it('the stream errors only when every entry failed, with the last failure', () => {
    ts.run(({ cold, expectObservable, flush }) => {
      const reported: FeedError[] = [];
      const open = opener({ 'bad!': malformed('bad!'), X: cold('--#', undefined, refused('X')), A: cold('-a-|') });
      expectObservable(perSymbol(['bad!', 'X'], 'toy', open, (e) => reported.push(e))).toBe('--#', undefined, refused('X'));
      // A list whose good entry completes is not "every entry failed": it completes.
      expectObservable(perSymbol(['A', 'X'], 'toy', open, (e) => reported.push(e))).toBe('-a-|');
      flush();
      expect(reported.map((e) => e.kind)).toEqual(['config']);
    });
  });

  it('a single symbol fails as before: its error ends the stream, nothing is reported', () => {
    ts.run(({ cold, expectObservable, flush }) => {
      const reported: FeedError[] = [];
      const open = opener({ 'bad!': malformed('bad!'), X: cold('--#', undefined, refused('X')) });
      expectObservable(perSymbol('bad!', 'toy', open, (e) => reported.push(e))).toBe('#', undefined, malformed('bad!'));
      expectObservable(perSymbol(['X'], 'toy', open, (e) => reported.push(e))).toBe('--#', undefined, refused('X'));
      flush();
      expect(reported).toEqual([]);
    });
  });

  it("a failure of the session (not of one key) ends the whole list's stream at once", () => {
    ts.run(({ cold, expectObservable, expectSubscriptions, flush }) => {
      const reported: FeedError[] = [];
      const a = cold('-a------');
      const open = opener({ A: a, B: cold('---#', undefined, lost) });
      expectObservable(perSymbol(['A', 'B'], 'toy', open, (e) => reported.push(e))).toBe('-a-#', undefined, lost);
      expectSubscriptions(a.subscriptions).toBe('^--!');
      flush();
      expect(reported).toEqual([]);
    });
  });
});
