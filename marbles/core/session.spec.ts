import { Observable, map, takeUntil, timer } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { createSession } from '../../src/core/session';
import { FeedError } from '../../src/core/errors';
import { SessionOptions } from '../../src/core/session-types';
import { ScriptedConnection, ScriptedSocket } from '../../src/testing/fake-socket';
import { ackEverything, toy, toyProtocol, ToyOptions } from '../../src/testing/toy-protocol';
import { during as subscribeDuring } from '../../src/testing/during';

/**
 * The core session in virtual time. Every spec drives a scripted socket and asserts what went
 * over the wire and when, so removing the behaviour under test makes it fail.
 */

let ts: TestScheduler;
beforeEach(() => {
  ts = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
});

const quiet: Partial<SessionOptions> = { livenessMs: 0, keyLingerMs: 100, connectionLingerMs: 1000 };

function setup(script: (n: number) => ScriptedConnection, options: Partial<SessionOptions> = {}, toyOptions: ToyOptions = {}) {
  const socket = new ScriptedSocket(script, ts);
  const protocol = toyProtocol(toyOptions);
  const session = createSession(protocol, { scheduler: ts, socket: socket.factory, ...quiet, ...options });
  const errors: FeedError[] = [];
  session.errors$.subscribe((e) => errors.push(e));
  return { socket, session, protocol, errors };
}

function during<T>(source: Observable<T>, from: number, to: number, sink: T[] = [], errs: unknown[] = []): T[] {
  return subscribeDuring(ts, source, from, to, sink, errs);
}

const wire = (socket: ScriptedSocket) => socket.sent.map((s) => [s.at, s.frame]);

describe('multiplexer: one registration per key', () => {
  it('sends one subscribe for K subscribers and one release after the linger', () => {
    ts.run(({ flush }) => {
      const { socket, session } = setup(() => ({ respond: ackEverything }));
      during(session.stream('a'), 0, 50);
      during(session.stream('a'), 10, 60);
      during(session.stream('a'), 20, 70);
      flush();
      expect(wire(socket)).toEqual([
        [0, toy.login],
        [0, toy.sub('a')],
        [170, toy.unsub('a')],
      ]);
    });
  });

  it('keeps the key when a subscriber returns within the linger', () => {
    ts.run(({ flush }) => {
      const { socket, session } = setup(() => ({ respond: ackEverything }));
      during(session.stream('a'), 0, 50);
      during(session.stream('a'), 120, 200);
      flush();
      expect(wire(socket)).toEqual([
        [0, toy.login],
        [0, toy.sub('a')],
        [300, toy.unsub('a')],
      ]);
    });
  });

  it('coalesces keys asked for in the same tick into one request', () => {
    ts.run(({ flush }) => {
      const { socket, session } = setup(() => ({ respond: ackEverything }));
      during(session.stream('a'), 0, 500);
      during(session.stream('b'), 10, 500);
      during(session.stream('c'), 10, 500);
      during(session.stream('d'), 10, 500);
      flush();
      expect(wire(socket).slice(0, 3)).toEqual([
        [0, toy.login],
        [0, toy.sub('a')],
        [10, toy.sub('b', 'c', 'd')],
      ]);
    });
  });

  it('routes each message of a mixed frame to its own key only', () => {
    ts.run(({ cold, expectObservable }) => {
      const frames = { b: toy.batch(['a', 1], ['b', 2], ['c', 3]), x: toy.data('b', 4) };
      const { session } = setup(() => ({ respond: ackEverything, inbound: cold('--b--x', frames) }));
      expectObservable(session.stream('a'), '^ 10ms !').toBe('--1', { 1: 1 });
      expectObservable(session.stream('b'), '^ 10ms !').toBe('--2--4', { 2: 2, 4: 4 });
    });
  });

  it('errors only the subscribers of a rejected key', () => {
    ts.run(({ cold, expectObservable }) => {
      const frames = { r: toy.rejected('no such item', 'b'), a: toy.data('a', 1), c: toy.data('a', 2) };
      const { session, errors } = setup(() => ({ respond: ackEverything, inbound: cold('-r-a-c', frames) }));
      expectObservable(session.stream('a'), '^ 10ms !').toBe('---1-2', { 1: 1, 2: 2 });
      const rejected = new FeedError({ kind: 'rejected', key: 'b', message: 'toy: refused b: no such item' });
      expectObservable(session.stream('b')).toBe('-#', undefined, rejected);
      ts.schedule(() => expect(errors.map((e) => e.kind)).toEqual(['rejected']), 5);
    });
  });

  it('fails a key past the broker limit at once, sending nothing, and frees slots on release', () => {
    ts.run(({ flush }) => {
      const { socket, session } = setup(() => ({ respond: ackEverything }), {}, { keysPerConnection: 2 });
      const errs: unknown[] = [];
      during(session.stream('a'), 0, 20);
      during(session.stream('b'), 0, 500);
      during(session.stream('c'), 5, 500, [], errs);
      during(session.stream('d'), 50, 500); // a is lingering: it is released early to make room
      flush();
      expect(errs).toHaveLength(1);
      expect((errs[0] as FeedError).kind).toBe('limit');
      expect((errs[0] as FeedError).key).toBe('c');
      expect(wire(socket).slice(0, 4)).toEqual([
        [0, toy.login],
        [0, toy.sub('a', 'b')],
        [50, toy.unsub('a')],
        [50, toy.sub('d')],
      ]);
    });
  });
});

describe('refresh: a key asked for afresh', () => {
  it('releases and registers a live key again in one request, keeping its subscribers', () => {
    ts.run(({ cold, flush }) => {
      const { socket, session } = setup(() => ({ respond: ackEverything, inbound: cold('50ms x', { x: toy.data('a', 'after') }) }));
      const seen = during(session.stream('a'), 0, 100);
      during(session.stream('b'), 0, 100);
      ts.schedule(() => session.refresh('a'), 30);
      ts.schedule(() => session.refresh('nobody'), 30);
      flush();
      expect(wire(socket).slice(0, 4)).toEqual([
        [0, toy.login],
        [0, toy.sub('a', 'b')],
        [30, toy.unsub('a')],
        [30, toy.sub('a')],
      ]);
      expect(seen).toEqual(['after']);
    });
  });
});

describe('session: login, heartbeat, re-registration', () => {
  it('registers nothing before the login ack, then every live key at once', () => {
    ts.run(({ cold, flush }) => {
      const { socket, session } = setup(() => ({
        inbound: cold('30ms a', { a: toy.loginOk }),
        respond: (f) => (f.startsWith('{"op":"sub"') ? ackEverything(f) : []),
      }));
      during(session.stream('a'), 0, 500);
      during(session.stream('b'), 10, 500);
      flush();
      expect(wire(socket).slice(0, 2)).toEqual([
        [0, toy.login],
        [30, toy.sub('a', 'b')],
      ]);
    });
  });

  it('registers every live key again after a reconnect, only after the new login ack', () => {
    ts.run(({ cold, expectObservable }) => {
      const script = (n: number): ScriptedConnection =>
        n === 1
          ? { respond: ackEverything, inbound: cold('20ms x 29ms #', { x: toy.data('a', 'before') }) }
          : {
              inbound: cold('30ms l 9ms y', { l: toy.loginOk, y: toy.data('a', 'after') }),
              respond: (f) => (f.startsWith('{"op":"sub"') ? ackEverything(f) : []),
            };
      const { socket, session } = setup(script, { backoff: { initialMs: 100, random: () => 0.5 } });
      // drop at 50; backoff 50 ms; connection 2 opens at 100; login ack at 130
      expectObservable(session.stream('a'), '^ 200ms !').toBe('20ms b 119ms c', { b: 'before', c: 'after' });
      expectObservable(session.stream('b'), '^ 200ms !').toBe('');
      ts.schedule(() => {
        expect(socket.sentOn(2)).toEqual([toy.login, toy.sub('a', 'b')]);
        expect(socket.sent.filter((s) => s.connection === 2).map((s) => s.at)).toEqual([100, 130]);
      }, 199);
    });
  });

  it('fails an attempt whose login is never answered, even while the server keeps pinging', () => {
    ts.run(({ cold, flush }) => {
      const pings = cold('40ms p 39ms p 39ms p 39ms p', { p: toy.ping(0) });
      const { socket, session, errors } = setup((n) => (n === 1 ? { inbound: pings } : { respond: ackEverything }), {
        loginTimeoutMs: 100,
        livenessMs: 1000,
        connectionLingerMs: 0,
        backoff: { initialMs: 100, random: () => 0.5 },
      });
      during(session.stream('a'), 0, 300);
      flush();
      // no ack by 100: the attempt fails; the next one (at 150) logs in and registers 'a'
      expect(errors.map((e) => [e.kind, e.message])).toEqual([['timeout', 'toy: no answer to the login within 100 ms']]);
      expect(socket.sentOn(2).slice(0, 2)).toEqual([toy.login, toy.sub('a')]);
      expect(
        socket.sent
          .filter((s) => s.connection === 2)
          .map((s) => s.at)
          .slice(0, 2),
      ).toEqual([150, 150]);
    });
  });

  it('answers heartbeats with the reply the protocol gives', () => {
    ts.run(({ cold, flush }) => {
      const { socket, session } = setup(() => ({
        respond: ackEverything,
        inbound: cold('10ms p 9ms q', { p: toy.ping(1), q: toy.ping(2) }),
      }));
      during(session.stream('a'), 0, 100);
      flush();
      expect(wire(socket).filter(([, f]) => String(f).includes('pong'))).toEqual([
        [10, toy.pong(1)],
        [20, toy.pong(2)],
      ]);
    });
  });

  it('treats a silent connection as dead after the liveness window, even if the socket stays open', () => {
    ts.run(({ cold, flush }) => {
      const pings = cold('60ms p 59ms p 59ms p', { p: toy.ping(0) });
      const { socket, session, errors } = setup((n) => ({ respond: ackEverything, inbound: n === 1 ? pings : undefined }), {
        livenessMs: 100,
        keyLingerMs: 0,
        connectionLingerMs: 0,
        backoff: { initialMs: 100, random: () => 0.5 },
      });
      during(session.stream('a'), 0, 340);
      flush();
      // pings at 60, 120, 180 keep it alive; silence after 180 → dead at 280, reconnect at 330
      expect(socket.opens).toHaveLength(2);
      expect(socket.sent.filter((s) => s.frame === toy.login).map((s) => s.at)).toEqual([0, 330]);
      expect(errors.map((e) => e.kind)).toContain('timeout');
    });
  });

  it('reports an undecodable frame and keeps the connection and every stream going', () => {
    ts.run(({ cold, expectObservable }) => {
      const frames = { a: toy.data('a', 1), g: '{not json', b: toy.data('a', 2) };
      const { session, errors, socket } = setup(() => ({ respond: ackEverything, inbound: cold('-a-g-b', frames) }));
      expectObservable(session.stream('a'), '^ 10ms !').toBe('-1---2', { 1: 1, 2: 2 });
      ts.schedule(() => {
        expect(errors).toHaveLength(1);
        expect(errors[0].kind).toBe('decode');
        expect(errors[0].raw).toBe('{not json');
        expect(socket.attempts).toBe(1);
      }, 9);
    });
  });

  it('survives a codec that throws: the frame is reported, the connection and streams go on', () => {
    ts.run(({ cold, expectObservable }) => {
      const frames = { a: toy.data('a', 1), x: toy.crash, b: toy.data('a', 2) };
      const { session, errors, socket } = setup(() => ({ respond: ackEverything, inbound: cold('-a-x-b', frames) }));
      expectObservable(session.stream('a'), '^ 10ms !').toBe('-1---2', { 1: 1, 2: 2 });
      ts.schedule(() => {
        expect(errors.map((e) => [e.kind, e.raw])).toEqual([['decode', toy.crash]]);
        expect(errors[0].message).toContain('toy: codec bug');
        expect(socket.attempts).toBe(1);
      }, 9);
    });
  });
});

describe('reconnect: backoff, reset, fatal errors', () => {
  const refused = new FeedError({ kind: 'connection', message: 'connect ECONNREFUSED' });

  it('waits full-jitter exponential delays up to the cap', () => {
    ts.run(({ flush }) => {
      const opens: number[] = [];
      const { session } = setup(
        () => {
          opens.push(ts.now());
          return { refuse: refused };
        },
        { connectionLingerMs: 0, backoff: { initialMs: 100, maxMs: 400, multiplier: 2, random: () => 0.5 } },
      );
      const delays: number[] = [];
      session.status$.subscribe((s) => s.state === 'reconnecting' && delays.push(s.delayMs));
      session
        .stream('a')
        .pipe(takeUntil(timer(800)))
        .subscribe({ error: () => undefined });
      flush();
      expect(delays).toEqual([50, 100, 200, 200, 200, 200]);
      expect(opens).toEqual([0, 50, 150, 350, 550, 750]);
    });
  });

  it('draws each delay from [0, ceiling): random 0 retries at once, random 0.999 waits the ceiling', () => {
    ts.run(({ flush }) => {
      const delays: number[] = [];
      const { session } = setup(() => ({ refuse: refused }), {
        backoff: { initialMs: 100, maxMs: 1000, random: () => 0.999, maxAttempts: 4 },
      });
      session.status$.subscribe((s) => s.state === 'reconnecting' && delays.push(s.delayMs));
      session.stream('a').subscribe({ error: () => undefined });
      flush();
      expect(delays).toEqual([99, 199, 399]);
    });
  });

  it('starts the backoff again after a connection stayed healthy', () => {
    ts.run(({ cold, flush }) => {
      const opens: number[] = [];
      const script = (n: number): ScriptedConnection => {
        opens.push(ts.now());
        if (n === 3) return { respond: ackEverything, inbound: cold('300ms #', {}, refused) };
        return { refuse: refused };
      };
      const { session } = setup(script, {
        connectionLingerMs: 0,
        keyLingerMs: 0,
        backoff: { initialMs: 100, random: () => 0.5, healthyAfterMs: 100 },
      });
      session
        .stream('a')
        .pipe(takeUntil(timer(520)))
        .subscribe({ error: () => undefined });
      flush();
      // 0 ✗ +50 → 50 ✗ +100 → 150 ✓ (healthy at 250) drops at 450 → +50 (reset) → 500 ✗
      expect(opens).toEqual([0, 50, 150, 500]);
    });
  });

  it('does not reset the backoff for a connection that drops before it is healthy', () => {
    ts.run(({ cold, flush }) => {
      const opens: number[] = [];
      const script = (n: number): ScriptedConnection => {
        opens.push(ts.now());
        if (n === 3) return { respond: ackEverything, inbound: cold('50ms #', {}, refused) };
        return { refuse: refused };
      };
      const { session } = setup(script, {
        connectionLingerMs: 0,
        keyLingerMs: 0,
        backoff: { initialMs: 100, random: () => 0.5, healthyAfterMs: 100 },
      });
      session
        .stream('a')
        .pipe(takeUntil(timer(420)))
        .subscribe({ error: () => undefined });
      flush();
      // 150 opens, drops at 200 before healthy: the third failure waits 200
      expect(opens).toEqual([0, 50, 150, 400]);
    });
  });

  it('stops at a fatal error and hands it to every subscriber', () => {
    ts.run(({ expectObservable, flush }) => {
      const fatal = new FeedError({ kind: 'auth', fatal: true, code: '401', message: 'upgrade refused with HTTP 401' });
      // maxAttempts bounds the run if the fatal check were gone (it would fail, not loop forever)
      const { session, socket } = setup(() => ({ refuse: fatal, openAfterMs: 10 }), { backoff: { maxAttempts: 3 } });
      expectObservable(session.stream('a')).toBe('10ms #', undefined, fatal.with({ broker: 'toy' }));
      expectObservable(session.stream('b')).toBe('10ms #', undefined, fatal.with({ broker: 'toy' }));
      flush();
      expect(socket.attempts).toBe(1);
    });
  });

  it('stops when preparing the connection fails for good (bad configuration)', () => {
    ts.run(({ expectObservable, flush }) => {
      const fatal = new FeedError({ kind: 'config', message: 'toy: no app key configured' });
      const { session, socket, protocol } = setup(() => ({}), { backoff: { maxAttempts: 3 } }, { openError: () => fatal });
      expectObservable(session.stream('a')).toBe('#', undefined, fatal.with({ broker: 'toy' }));
      flush();
      expect(protocol.opened).toEqual([1]);
      expect(socket.attempts).toBe(0);
    });
  });

  it('does not retry a login the broker refuses for good', () => {
    ts.run(({ flush }) => {
      const { session, socket } = setup(() => ({ respond: (f) => (f === toy.login ? [toy.loginFatal] : []) }), {
        backoff: { maxAttempts: 3 },
      });
      const errs: FeedError[] = [];
      session.stream('a').subscribe({ error: (e: FeedError) => errs.push(e) });
      flush();
      expect(socket.attempts).toBe(1);
      expect(errs.map((e) => [e.kind, e.fatal])).toEqual([['auth', true]]);
    });
  });

  it('retries a connection failure the broker does not call fatal', () => {
    ts.run(({ cold, flush }) => {
      const { session, socket } = setup(
        (n) => (n < 3 ? { respond: ackEverything, inbound: cold('10ms b', { b: toy.bye }) } : { respond: ackEverything }),
        { backoff: { initialMs: 10, random: () => 0 } },
      );
      during(session.stream('a'), 0, 100);
      flush();
      expect(socket.attempts).toBe(3);
    });
  });
});

describe('status and secrets', () => {
  it('tells the life of the session on status$', () => {
    ts.run(({ cold, expectObservable }) => {
      const drop = new FeedError({ kind: 'connection', message: 'dropped' });
      const { session } = setup((n) => ({ respond: ackEverything, inbound: n === 1 ? cold('50ms #', {}, drop) : undefined }), {
        backoff: { initialMs: 100, random: () => 0.5 },
        connectionLingerMs: 100,
      });
      during(session.stream('a'), 10, 300);
      const states = session.status$.pipe(map((s) => (s.state === 'reconnecting' ? `r${s.attempt}:${s.delayMs}` : s.state)));
      expectObservable(states).toBe('c 9ms (no) 46ms r 49ms (no) 386ms c', {
        c: 'closed',
        n: 'connecting',
        o: 'open',
        r: 'r2:50',
      });
    });
  });

  it('never shows a secret in errors', () => {
    ts.run(({ cold, flush }) => {
      const secret = 'SECRET-APP-KEY-123';
      const { session, errors } = setup(
        () => ({ respond: ackEverything, inbound: cold('5ms n', { n: toy.notice(`token ${secret} expires soon`) }) }),
        {},
        { secret },
      );
      during(session.stream('a'), 0, 50);
      flush();
      expect(errors).toHaveLength(1);
      expect(errors[0].message).toBe('toy: token *** expires soon');
    });
  });

  it('stops reconnecting as soon as the last key is gone, without waiting out the linger', () => {
    ts.run(({ flush }) => {
      const refused = new FeedError({ kind: 'connection', message: 'connect ECONNREFUSED' });
      const opens: number[] = [];
      const { session } = setup(
        () => {
          opens.push(ts.now());
          return { refuse: refused };
        },
        { keyLingerMs: 0, connectionLingerMs: 1000, backoff: { initialMs: 100, random: () => 0.5 } },
      );
      during(session.stream('a'), 0, 120);
      flush();
      expect(opens).toEqual([0, 50]);
    });
  });

  it('does not reconnect for nobody when the connection drops while it lingers', () => {
    ts.run(({ cold, flush }) => {
      const drop = new FeedError({ kind: 'connection', message: 'dropped' });
      const { session, socket } = setup((n) => ({ respond: ackEverything, inbound: n === 1 ? cold('300ms #', {}, drop) : undefined }), {
        connectionLingerMs: 1000,
        backoff: { initialMs: 100, random: () => 0.5 },
      });
      const states: string[] = [];
      session.status$.subscribe((s) => states.push(`${ts.now()} ${s.state}`));
      during(session.stream('a'), 0, 50); // released at 150; the socket would linger until 1150
      flush();
      expect(socket.attempts).toBe(1);
      expect(states).toEqual(['0 closed', '0 connecting', '0 open', '300 closed']);
      // and the next subscriber connects afresh
      during(session.stream('a'), 2000, 2050);
      flush();
      expect(socket.attempts).toBe(2);
    });
  });

  it('closes the socket a linger after the last key is released, and reopens lazily', () => {
    ts.run(({ flush }) => {
      const { session, socket } = setup(() => ({ respond: ackEverything }), { connectionLingerMs: 200 });
      const closedAt: number[] = [];
      session.status$.subscribe((s) => s.state === 'closed' && closedAt.push(ts.now()));
      during(session.stream('a'), 0, 50); // released at 150, socket closed at 350
      during(session.stream('a'), 500, 550);
      flush();
      expect(closedAt).toEqual([0, 350, 850]);
      expect(socket.attempts).toBe(2);
    });
  });
});
