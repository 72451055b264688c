import { Observable, ignoreElements } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { createSession } from '../../src/core/session';
import { FeedError } from '../../src/core/errors';
import { SessionOptions } from '../../src/core/session-types';
import { FeedStatus } from '../../src/core/status';
import { ScriptedConnection, ScriptedSocket } from '../../src/testing/fake-socket';
import { ackEverything, toy, toyProtocol } from '../../src/testing/toy-protocol';

/**
 * Session.close() and the codec's `resubscribe` event, in virtual time over a scripted socket.
 */

let ts: TestScheduler;
beforeEach(() => {
  ts = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
});

const quiet: Partial<SessionOptions> = {
  livenessMs: 0,
  keyLingerMs: 100,
  connectionLingerMs: 1000,
  backoff: { initialMs: 400, maxMs: 400, random: () => 0.99, healthyAfterMs: 10_000 },
};

function setup(script: (n: number) => ScriptedConnection) {
  const socket = new ScriptedSocket(script, ts);
  const session = createSession(toyProtocol(), { scheduler: ts, socket: socket.factory, ...quiet });
  const errors: FeedError[] = [];
  session.errors$.subscribe((e) => errors.push(e));
  return { socket, session, errors };
}

const wire = (socket: ScriptedSocket) => socket.sent.map((s) => [s.at, s.frame]);
const state = (s: FeedStatus) => s.state;

describe('Session.close()', () => {
  it('completes every key stream at once and closes the socket now: no release, no linger', () => {
    ts.run(({ cold, expectObservable, flush }) => {
      const { socket, session } = setup(() => ({
        respond: ackEverything,
        inbound: cold('--a-b------b', { a: toy.data('a', 1), b: toy.data('b', 2) }),
      }));
      ts.schedule(() => session.close(), 6);
      expectObservable(session.stream<number>('a')).toBe('--x---|', { x: 1 });
      expectObservable(session.stream<number>('b')).toBe('----y-|', { y: 2 });
      expectObservable(
        session.status$.pipe((s: Observable<FeedStatus>) => s),
        '^',
      ).toBe('(co)--(z|)', {
        c: { state: 'connecting', attempt: 1 },
        o: { state: 'open', connections: 1, keys: 2 },
        z: { state: 'closed' },
      });
      flush();
      expect(wire(socket)).toEqual([
        [0, toy.login],
        [0, toy.sub('a', 'b')],
      ]);
      expect(socket.closes).toEqual([{ connection: 1, at: 6 }]);
    });
  });

  it('completes the control streams and the key table ends empty', () => {
    ts.run(({ expectObservable }) => {
      const { session } = setup(() => ({ respond: ackEverything }));
      const table: string[][] = [];
      session.subscriptions$.subscribe((t) => table.push(t.map((k) => `${k.key}:${k.state}`)));
      session.stream('a').subscribe();
      ts.schedule(() => session.close(), 5);
      expectObservable(session.errors$).toBe('-----|');
      expectObservable(session.frames$.pipe(ignoreElements())).toBe('-----|');
      ts.schedule(() => expect(table[table.length - 1]).toEqual([]), 6);
    });
  });

  it('drops a pending reconnect: no attempt after close', () => {
    ts.run(({ flush }) => {
      const { socket, session } = setup((n) =>
        n === 1
          ? { respond: ackEverything, inbound: ts.createColdObservable('--#', {}, new Error('dropped')) }
          : { respond: ackEverything },
      );
      const statuses: string[] = [];
      session.status$.subscribe((s) => statuses.push(state(s)));
      session.stream('a').subscribe();
      ts.schedule(() => session.close(), 100); // the reconnect was due at 2 + 396
      flush();
      expect(socket.attempts).toBe(1);
      expect(statuses).toEqual(['closed', 'connecting', 'open', 'reconnecting', 'closed']);
    });
  });

  it('streams asked for after close complete at once and open nothing; close is idempotent', () => {
    ts.run(({ expectObservable, flush }) => {
      const { socket, session } = setup(() => ({ respond: ackEverything }));
      session.close();
      session.close();
      expect(session.closed).toBe(true);
      expectObservable(session.stream('a')).toBe('|');
      flush();
      expect(socket.attempts).toBe(0);
    });
  });
});

describe('codec resubscribe event', () => {
  it('asks for the keys again through the key table, only those that still have subscribers', () => {
    ts.run(({ cold, flush }) => {
      const { socket, session } = setup(() => ({
        respond: ackEverything,
        inbound: cold('-----------r', { r: toy.again('a', 'b') }),
      }));
      const a = session.stream('a').subscribe();
      const b = session.stream('b').subscribe();
      ts.schedule(() => b.unsubscribe(), 5); // b lingers (100 ms) when the codec asks again at 11
      ts.schedule(() => a.unsubscribe(), 50);
      flush();
      expect(wire(socket)).toEqual([
        [0, toy.login],
        [0, toy.sub('a', 'b')],
        [11, toy.sub('a')],
        [150, toy.unsub('a')],
      ]);
    });
  });
});

describe('the last key leaving while the login is unanswered', () => {
  it('closes the connection: the late login ack says nothing (no "open" with no keys and no socket)', () => {
    ts.run(({ cold, expectObservable, flush }) => {
      // The login is answered at frame 5; the only key leaves at frame 2 (linger 0).
      const { socket, session } = setup(() => ({ inbound: cold('-----l', { l: toy.loginOk }) }));
      const statuses: FeedStatus[] = [];
      session.status$.subscribe((s) => statuses.push(s));
      expectObservable(session.stream<number>('a'), '^-!').toBe('---');
      flush();
      expect(statuses.map(state)).toEqual(['closed', 'connecting', 'closed']);
      expect(socket.closes.length).toBe(1);
    });
  });
});
