import { Observable, map } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { createSession } from '../../src/core/session';
import { FeedError } from '../../src/core/errors';
import { BrokerProtocol } from '../../src/core/protocol';
import { SessionOptions } from '../../src/core/session-types';
import { FeedStatus, KeyState } from '../../src/core/status';
import { KeyNotice } from '../../src/core/notices';
import { ScriptedConnection, ScriptedSocket } from '../../src/testing/fake-socket';
import { ackEverything, toy, toyCodec, toyProtocol, ToyOptions } from '../../src/testing/toy-protocol';
import { during as subscribeDuring } from '../../src/testing/during';

/**
 * Reliability of the core in virtual time: dead-link detection (pings, pong deadline, send
 * buffer), bounded heartbeat echoes, request pacing, per-key staleness and gap notices.
 */

let ts: TestScheduler;
beforeEach(() => {
  ts = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
});

const base: Partial<SessionOptions> = {
  livenessMs: 0,
  keyLingerMs: 100,
  connectionLingerMs: 1000,
  backoff: { random: () => 0, initialMs: 100 },
};

function setup(
  script: (n: number) => ScriptedConnection,
  options: Partial<SessionOptions> = {},
  protocol: BrokerProtocol<unknown> = toyProtocol(),
) {
  const socket = new ScriptedSocket(script, ts);
  const session = createSession(protocol, { scheduler: ts, socket: socket.factory, ...base, ...options });
  const errors: FeedError[] = [];
  const statuses: FeedStatus[] = [];
  const notices: KeyNotice[] = [];
  const tables: (readonly KeyState[])[] = [];
  session.errors$.subscribe((e) => errors.push(e));
  session.status$.subscribe((s) => statuses.push(s));
  session.notices$.subscribe((n) => notices.push(n));
  session.subscriptions$.subscribe((t) => tables.push(t));
  return { socket, session, errors, statuses, notices, tables };
}

function during<T>(source: Observable<T>, from: number, to: number, sink: T[] = [], errs: unknown[] = []): T[] {
  return subscribeDuring(ts, source, from, to, sink, errs);
}

/** A toy broker whose codec sends one subscribe frame per key (as KIS does), with pacing. */
function pacedToy(pacing: BrokerProtocol<unknown>['pacing'], options: ToyOptions = {}): BrokerProtocol<unknown> {
  const toyP = toyProtocol(options);
  return {
    ...toyP,
    pacing,
    open: (context) => {
      toyP.open(context);
      const codec = toyCodec(true);
      return {
        url: 'ws://toy.invalid/feed',
        codec: { ...codec, subscribe: (keys) => keys.map((k) => toy.sub(k)), release: (keys) => keys.map((k) => toy.unsub(k)) },
      };
    },
  };
}

const reconnects = (statuses: FeedStatus[]) =>
  statuses.filter((s): s is Extract<FeedStatus, { state: 'reconnecting' }> => s.state === 'reconnecting');

describe('dead links: protocol pings and a pong deadline', () => {
  it('pings after 4 s of quiet and keeps a link whose pongs come back', () => {
    ts.run(({ flush }) => {
      const { socket, session, statuses } = setup(() => ({ respond: ackEverything, pings: 'answer', pongAfterMs: 20 }));
      during(session.stream('a'), 0, 12_000);
      flush();
      // quiet from 0: ping at 4 000; pong at 4 020 is life; quiet again from 4 020: ping at 8 020, ...
      expect(socket.pings).toEqual([
        { connection: 1, at: 4_000 },
        { connection: 1, at: 8_020 },
        { connection: 1, at: 12_040 },
      ]);
      expect(reconnects(statuses)).toEqual([]);
      expect(socket.attempts).toBe(1);
    });
  });

  it('does not ping while frames arrive', () => {
    ts.run(({ cold, flush }) => {
      const inbound = cold('1s a 999ms a 999ms a 999ms a 999ms a 999ms a 999ms a', { a: toy.data('a', 1) });
      const { socket, session } = setup(() => ({ respond: ackEverything, pings: 'answer', inbound }));
      during(session.stream('a'), 0, 8_000);
      flush();
      expect(socket.pings).toEqual([]);
    });
  });

  it('declares a half-open link dead 8 s after the last frame and says the pong detector fired', () => {
    ts.run(({ cold, flush }) => {
      const inbound = cold('1s a', { a: toy.data('a', 1) });
      const { socket, session, statuses, errors } = setup((n) =>
        n === 1 ? { respond: ackEverything, pings: 'ignore', inbound } : { respond: ackEverything, pings: 'answer' },
      );
      during(session.stream('a'), 0, 12_000);
      flush();
      // last frame at 1 000 → ping at 5 000 → no pong by 9 000: dead, reconnect (random 0: at once).
      expect(socket.pings[0]).toEqual({ connection: 1, at: 5_000 });
      const r = reconnects(statuses);
      expect(r).toHaveLength(1);
      expect(r[0].detector).toBe('pong');
      expect(errors[0].code).toBe('PONG_TIMEOUT');
      expect(socket.sentOn(2).slice(0, 2)).toEqual([toy.login, toy.sub('a')]);
      expect(socket.sent.find((s) => s.connection === 2)?.at).toBe(9_000);
    });
  });

  it('keeps data-silence liveness where the socket cannot ping (browsers)', () => {
    ts.run(({ flush }) => {
      const { socket, session, statuses } = setup(() => ({ respond: ackEverything }), { livenessMs: 30_000 });
      during(session.stream('a'), 0, 31_000);
      flush();
      expect(socket.pings).toEqual([]);
      const r = reconnects(statuses);
      expect(r).toHaveLength(1);
      expect(r[0].detector).toBe('silence');
    });
  });

  it('takes a peer that stopped reading (send buffer over the bound) for a dead link', () => {
    ts.run(({ flush }) => {
      let buffered = 0;
      const { session, statuses, errors } = setup((n) => ({ respond: ackEverything, bufferedAmount: () => (n === 1 ? buffered : 0) }), {
        maxBufferedBytes: 1_000,
      });
      during(session.stream('a'), 0, 5_000);
      ts.schedule(() => (buffered = 5_000), 2_500);
      flush();
      const r = reconnects(statuses);
      expect(r).toHaveLength(1);
      expect(r[0].detector).toBe('send-buffer');
      expect(errors[0].code).toBe('SEND_BUFFER_FULL');
    });
  });

  it('says which detector fired for a server close and for a broker failure', () => {
    ts.run(({ cold, flush }) => {
      const { session, statuses } = setup((n) =>
        n === 1
          ? { respond: ackEverything, inbound: cold('10ms #', undefined, new FeedError({ kind: 'connection', message: 'closed 1006' })) }
          : n === 2
            ? { respond: ackEverything, inbound: cold('10ms b', { b: toy.bye }) }
            : { respond: ackEverything },
      );
      during(session.stream('a'), 0, 1_000);
      flush();
      expect(reconnects(statuses).map((s) => s.detector)).toEqual(['socket', 'server']);
    });
  });
});

describe('bounded heartbeat echoes', () => {
  it('echoes at most 20 heartbeats a second and none larger than the bound, and says so once', () => {
    ts.run(({ cold, flush }) => {
      const flood = Array.from({ length: 50 }, () => 'p').join('');
      const inbound = cold(`${flood} 100ms b`, { p: toy.ping(1), b: JSON.stringify({ op: 'ping', n: 'x'.repeat(5_000) }) });
      const { socket, session, errors } = setup(() => ({ respond: ackEverything, inbound }));
      during(session.stream('a'), 0, 2_000);
      flush();
      const pongs = socket.sent.filter((s) => s.frame.includes('"pong"'));
      expect(pongs).toHaveLength(20);
      expect(errors.map((e) => e.code)).toEqual(['REPLY_RATE', 'REPLY_TOO_BIG']);
    });
  });
});

describe('pacing: requests spaced as the broker asks', () => {
  it('spaces subscribe frames 100 ms apart, on the first registration and after a reconnect', () => {
    ts.run(({ cold, flush }) => {
      const drop = cold('1s #', undefined, new FeedError({ kind: 'connection', message: 'reset' }));
      const { socket, session } = setup(
        (n) => ({ respond: ackEverything, inbound: n === 1 ? drop : undefined }),
        {},
        pacedToy({ spacingMs: 100 }),
      );
      for (const k of ['a', 'b', 'c', 'd']) during(session.stream(k), 0, 3_000);
      flush();
      const subs = (n: number) => socket.sent.filter((s) => s.connection === n && s.frame.includes('"sub"')).map((s) => [s.at, s.frame]);
      expect(subs(1)).toEqual([
        [0, toy.sub('a')],
        [100, toy.sub('b')],
        [200, toy.sub('c')],
        [300, toy.sub('d')],
      ]);
      // reconnect at 1 000 (random 0): the same spacing again.
      expect(subs(2)).toEqual([
        [1_000, toy.sub('a')],
        [1_100, toy.sub('b')],
        [1_200, toy.sub('c')],
        [1_300, toy.sub('d')],
      ]);
    });
  });

  it('holds frames beyond a window budget until the window allows them', () => {
    ts.run(({ flush }) => {
      const { socket, session } = setup(
        () => ({ respond: ackEverything }),
        {},
        pacedToy({ spacingMs: 10, budget: { max: 2, windowMs: 1_000 } }),
      );
      for (const k of ['a', 'b', 'c']) during(session.stream(k), 0, 2_000);
      flush();
      const subs = socket.sent.filter((s) => s.frame.includes('"sub"')).map((s) => [s.at, s.frame]);
      expect(subs).toEqual([
        [0, toy.sub('a')],
        [10, toy.sub('b')],
        [1_000, toy.sub('c')],
      ]);
    });
  });
});

describe('staleness per key', () => {
  it('flags a silent live key in subscriptions$ and on notices$, re-registers it once, and closes the gap when data returns', () => {
    ts.run(({ cold, flush }) => {
      const inbound = cold('100ms a 9s b', { a: toy.data('a', 1), b: toy.data('a', 2) });
      const { socket, session, notices, tables } = setup(() => ({ respond: ackEverything, inbound }), {
        staleness: { quietMs: 3_000, refresh: true },
      });
      during(session.stream('a'), 0, 10_000);
      flush();
      // last data at 100; checked every second: stale at 4 000 (≥ 3 000 quiet); data again at 9 101.
      expect(notices).toEqual([
        { type: 'stale', key: 'a', since: 100, at: 4_000, quietMs: 3_000 },
        { type: 'gap', key: 'a', from: 100, to: 9_101, reason: 'stale' },
      ]);
      expect(tables.some((t) => t.some((k) => k.key === 'a' && k.stale === true))).toBe(true);
      expect(tables.find((t) => t.length > 0 && t[0].stale)?.[0]).toEqual({ key: 'a', state: 'active', subscribers: 1, stale: true });
      // One re-registration, not one per check.
      // (and the release at 10 100, a linger after the subscriber left)
      expect(socket.sent.filter((s) => s.frame === toy.unsub('a')).map((s) => s.at)).toEqual([4_000, 10_100]);
      expect(socket.sent.filter((s) => s.frame === toy.sub('a')).map((s) => s.at)).toEqual([0, 4_000]);
      expect(tables[tables.length - 1].some((k) => k.stale)).toBe(false);
    });
  });

  it('does not flag a key while its market is closed', () => {
    ts.run(({ flush }) => {
      const protocol: BrokerProtocol<unknown> = { ...toyProtocol(), expectedQuietMs: (_key, at) => (at < 5_000 ? undefined : 1_000) };
      const { session, notices } = setup(() => ({ respond: ackEverything }), { staleness: {} }, protocol);
      during(session.stream('a'), 0, 7_000);
      flush();
      // closed until 5 000; open with 1 s allowed: flagged at the first check at or after 5 000.
      expect(notices.map((n) => [n.type, n.type === 'stale' ? n.at : 0])).toEqual([['stale', 5_000]]);
    });
  });
});

describe('gap notices', () => {
  it('after a reconnect: from the last message to the re-registration, for each live key', () => {
    ts.run(({ cold, expectObservable }) => {
      const first = cold(
        '50ms a 49ms b 100ms #',
        { a: toy.data('a', 1), b: toy.data('b', 1) },
        new FeedError({ kind: 'connection', message: 'reset' }),
      );
      const { session } = setup((n) => ({ respond: ackEverything, inbound: n === 1 ? first : undefined }));
      during(session.stream('a'), 0, 1_000);
      during(session.stream('b'), 0, 1_000);
      // drop at 200, reconnect at once (random 0), acked a frame later (the scripted server answers asynchronously).
      expectObservable(session.gaps$.pipe(map((g) => `${g.key}:${g.from}-${g.to}:${g.reason}`)), '^ 999ms !').toBe('201ms (xy)', {
        x: 'a:50-201:reconnect',
        y: 'b:100-201:reconnect',
      });
    });
  });

  it('after a resync (refresh): from the last message to the new ack', () => {
    ts.run(({ cold, expectObservable }) => {
      const inbound = cold('10ms a', { a: toy.data('a', 1) });
      const { session } = setup(() => ({ respond: ackEverything, inbound }));
      during(session.stream('a'), 0, 1_000);
      ts.schedule(() => session.refresh('a'), 300);
      expectObservable(session.gaps$.pipe(map((g) => `${g.from}-${g.to}:${g.reason}`)), '^ 999ms !').toBe('300ms x', {
        x: '10-300:resync',
      });
    });
  });

  it('tells no gap to nobody: a key without subscribers gets none', () => {
    ts.run(({ cold, flush }) => {
      const first = cold('300ms #', undefined, new FeedError({ kind: 'connection', message: 'reset' }));
      const { session, notices } = setup((n) => ({ respond: ackEverything, inbound: n === 1 ? first : undefined }));
      during(session.stream('a'), 0, 200);
      during(session.stream('b'), 0, 1_000);
      flush();
      expect(notices.map((n) => n.key)).toEqual(['b']);
    });
  });
});
