import { Subscription } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { weex } from '../../src/brokers/weex/feed';
import { BookState } from '../../src/book/book-state';
import { ScriptedConnection, ScriptedSocket } from '../../src/testing/fake-socket';

/**
 * The WEEX feed over the real core session and a scripted socket, in virtual time: what goes on
 * the wire when the book resyncs, and what the book stream shows meanwhile.
 */

let ts: TestScheduler;
beforeEach(() => {
  ts = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
});

const KEY = 'BTCUSDT@depth15';
const depth = (e: 'depth' | 'depthSnapshot', first: number, last: number, bid: string) =>
  JSON.stringify({
    e,
    E: last,
    s: 'BTCUSDT',
    U: first,
    u: last,
    l: 15,
    d: e === 'depth' ? 'CHANGED' : 'SNAPSHOT',
    b: [[bid, '1']],
    a: [['200', '1']],
  });

/** A server that acks every request and answers each depth SUBSCRIBE with the next snapshot id. */
function answering(snapshotIds: number[]): (frame: string) => string[] {
  return (frame) => {
    const msg = JSON.parse(frame);
    if (msg.method === 'PONG') return [];
    const out = [JSON.stringify({ id: msg.id, result: true })];
    if (msg.method === 'SUBSCRIBE' && msg.params.includes(KEY)) {
      const id = snapshotIds.shift()!;
      out.push(depth('depthSnapshot', id, id, String(id)));
    }
    return out;
  };
}

const word = (s: BookState): string =>
  s.status === 'synced' ? `book@${s.book.raw.lastUpdateId}#${s.resyncs}` : s.status === 'resyncing' ? `${s.status}:${s.reason}` : s.status;

function watch(script: (n: number) => ScriptedConnection, until: number) {
  const socket = new ScriptedSocket(script, ts);
  const feed = weex({}, { scheduler: ts, socket: socket.factory, livenessMs: 0, keyLingerMs: 100, backoff: { random: () => 0 } });
  const seen: string[] = [];
  let sub: Subscription | undefined;
  ts.schedule(() => {
    sub = feed.bookSync$('BTCUSDT', { depth: 15 }).subscribe((s) => seen.push(`${ts.now()} ${word(s)}`));
  }, 0);
  ts.schedule(() => sub?.unsubscribe(), until);
  return { socket, seen };
}

describe('weex bookSync$ over the session', () => {
  it('a gap releases the depth stream and subscribes it again at once, for a fresh snapshot', () => {
    ts.run(({ cold }) => {
      const { socket, seen } = watch(
        () => ({
          inbound: cold('----------a---------b', { a: depth('depth', 11, 11, '11'), b: depth('depth', 15, 15, '15') }),
          respond: answering([10, 40]),
        }),
        500,
      );
      ts.flush();
      expect(seen).toEqual(['0 syncing', '0 book@10#0', '10 book@11#0', '20 resyncing:gap', '20 book@40#1']);
      expect(socket.sent.map((s) => `${s.at} ${s.frame}`)).toEqual([
        `0 {"id":"1","method":"SUBSCRIBE","params":["${KEY}"]}`,
        `20 {"id":"2","method":"UNSUBSCRIBE","params":["${KEY}"]}`,
        `20 {"id":"3","method":"SUBSCRIBE","params":["${KEY}"]}`,
        `600 {"id":"4","method":"UNSUBSCRIBE","params":["${KEY}"]}`,
      ]);
    });
  });

  it('a reconnect shows resyncing and syncs from the snapshot of the re-registration, counting one resync', () => {
    ts.run(({ cold }) => {
      const { socket, seen } = watch(
        (n) =>
          n === 1
            ? { inbound: cold('----------a---------#', { a: depth('depth', 11, 11, '11') }), respond: answering([10]) }
            : { inbound: cold('-'), respond: answering([70]) },
        300,
      );
      ts.flush();
      expect(seen).toEqual(['0 syncing', '0 book@10#0', '10 book@11#0', '20 resyncing:reconnect', '20 book@70#1']);
      expect(socket.attempts).toBe(2);
      // The new connection registers the key again (ids start afresh with its codec).
      expect(socket.sentOn(2)[0]).toEqual(`{"id":"1","method":"SUBSCRIBE","params":["${KEY}"]}`);
    });
  });

  it('a book subscribed again while its key still lingers waits for the release, so it gets a fresh snapshot', () => {
    ts.run(({ cold }) => {
      const socket = new ScriptedSocket(() => ({ inbound: cold('-'), respond: answering([10, 20]) }), ts);
      const feed = weex({}, { scheduler: ts, socket: socket.factory, livenessMs: 0, keyLingerMs: 100, connectionLingerMs: 1_000 });
      const seen: string[] = [];
      const watchFrom = (from: number, to: number) => {
        let sub: Subscription | undefined;
        ts.schedule(() => (sub = feed.bookSync$('BTCUSDT').subscribe((s) => seen.push(`${ts.now()} ${word(s)}`))), from);
        ts.schedule(() => sub?.unsubscribe(), to);
      };
      watchFrom(0, 50);
      watchFrom(60, 400);
      ts.flush();
      expect(seen).toEqual(['0 syncing', '0 book@10#0', '60 syncing', '150 book@20#0']);
      expect(socket.sent.map((s) => `${s.at} ${JSON.parse(s.frame).method}`)).toEqual([
        '0 SUBSCRIBE',
        '150 UNSUBSCRIBE',
        '150 SUBSCRIBE',
        '500 UNSUBSCRIBE',
      ]);
    });
  });

  it('answers server pings with PONG frames on the public socket', () => {
    ts.run(({ cold }) => {
      const { socket } = watch(
        () => ({
          inbound: cold('-----p----q', { p: '{"event":"ping","time":"1"}', q: '{"type":"ping","time":"2"}' }),
          respond: answering([10]),
        }),
        50,
      );
      ts.flush();
      expect(socket.sent.filter((s) => s.frame.includes('PONG')).map((s) => `${s.at} ${s.frame}`)).toEqual([
        '5 {"id":"2","method":"PONG"}',
        '10 {"id":"3","method":"PONG"}',
      ]);
    });
  });
});
