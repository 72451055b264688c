import { filter, map } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { FeedError } from '../../src/core/errors';
import { SessionOptions } from '../../src/core/session-types';
import { ScriptedConnection, ScriptedSocket } from '../../src/testing/fake-socket';
import { kiwoom } from '../../src/brokers/kiwoom';
import { sampleEntries } from '../../src/app/servers/kiwoom/samples';
import { RealCode } from '../../src/brokers/kiwoom/wire/real-types';

/**
 * The Kiwoom feed in virtual time over a scripted socket: what reaches each stream, what goes
 * over the wire and when. One frame is one virtual millisecond.
 */

let ts: TestScheduler;
beforeEach(() => {
  ts = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
});

const BASE = Date.parse('2026-11-20T09:00:00+09:00');
const quiet: SessionOptions = {
  livenessMs: 0,
  keyLingerMs: 10,
  connectionLingerMs: 100,
  backoff: { initialMs: 100, maxMs: 1000, random: () => 0.5, healthyAfterMs: 10_000 },
};

const ok = (trnm: string) => JSON.stringify({ trnm, return_code: 0, return_msg: '' });

/** A tiny Kiwoom server: LOGIN, REG and REMOVE succeed unless `refuse` names an item. */
function responder(options: { login?: boolean; refuse?: string } = {}) {
  return (frame: string): readonly string[] => {
    const msg = JSON.parse(frame) as { trnm: string; data?: { item: string[] }[] };
    switch (msg.trnm) {
      case 'LOGIN':
        return options.login === false ? [] : [JSON.stringify({ trnm: 'LOGIN', return_code: 0, return_msg: '', sor_yn: 'Y' })];
      case 'REG':
        return msg.data?.some((e) => e.item.includes(options.refuse ?? '\u0000'))
          ? [JSON.stringify({ trnm: 'REG', return_code: 1, return_msg: '등록 종목수 초과' })]
          : [ok('REG')];
      case 'REMOVE':
        return [ok('REMOVE')];
      default:
        return [];
    }
  };
}

function setup(script: (n: number) => ScriptedConnection) {
  const socket = new ScriptedSocket(script, ts);
  const feed = kiwoom(
    {
      appKey: 'app-key-0001',
      secretKey: 'secret-key-0001',
      accessToken: 'token-0001',
      clock: () => BASE + ts.now(),
      // Virtual time never reaches REST: a re-issue fails here rather than leave the machine.
      fetch: () => Promise.reject(new Error('no network in marble specs')),
    },
    { scheduler: ts, socket: socket.factory, ...quiet },
  );
  const errors: FeedError[] = [];
  feed.errors$.subscribe((e) => errors.push(e));
  return { socket, feed, errors };
}

/** A REAL frame of one sample entry, with its item and some values replaced. */
function real(code: RealCode, item: string, values: Record<string, string> = {}): string {
  const e = sampleEntries[code];
  return JSON.stringify({ trnm: 'REAL', data: [{ ...e, item, values: { ...e.values, ...values } }] });
}

const trade = (item: string, price: string, qty = '+10') => real('0B', item, { '10': price, '15': qty });
/** A subscription marble: subscribed at 0, unsubscribed at frame `n`. */
const until = (n: number) => `^${'-'.repeat(n - 1)}!`;
const trnms = (frames: readonly string[]) => frames.map((f) => (JSON.parse(f) as { trnm: string }).trnm);

describe('kiwoom feed (marbles)', () => {
  it('trades$: only its symbol, price and aggressor decoded', () => {
    ts.run(({ cold, expectObservable }) => {
      const inbound = cold('-----a-b-c-d', {
        a: trade('005930', '-60700', '+500'),
        b: trade('000660', '+100'),
        c: trade('005930_NX', '+1'),
        d: trade('005930', '+60800', '-3'),
      });
      const { feed } = setup(() => ({ inbound, respond: responder() }));
      const trades = feed.trades$('005930').pipe(map((t) => `${t.price}/${t.size}/${t.side}/${t.direction}`));
      expectObservable(trades, until(20)).toBe('-----x-----y', { x: '60700/500/buy/down', y: '60800/3/sell/up' });
    });
  });

  it('orderBook$: best levels first, depth kept', () => {
    ts.run(({ cold, expectObservable }) => {
      const inbound = cold('---a', { a: real('0D', '005930') });
      const { feed } = setup(() => ({ inbound, respond: responder() }));
      const book = feed.orderBook$('005930', { depth: 2 }).pipe(map((b) => [b.asks, b.bids]));
      expectObservable(book, until(10)).toBe('---x', {
        x: [
          [
            { price: 20800, size: 82 },
            { price: 20900, size: 393 },
          ],
          [
            { price: 20700, size: 23847 },
            { price: 20650, size: 834748 },
          ],
        ],
      });
    });
  });

  it('quotes$ are stamped with the clock; index$ and stream$ share one mixed frame', () => {
    ts.run(({ cold, expectObservable }) => {
      const mixed = JSON.stringify({ trnm: 'REAL', data: [sampleEntries['0C'], sampleEntries['0J'], sampleEntries['0w']] });
      const inbound = cold('----m', { m: mixed });
      const { feed } = setup(() => ({ inbound, respond: responder() }));
      expectObservable(feed.quotes$('005930').pipe(map((q) => `${q.bestBid}-${q.bestAsk}@${q.time}`)), until(10)).toBe('----q', {
        q: '20700-20800@2026-11-20T09:00:00+09:00',
      });
      expectObservable(feed.index$('001').pipe(map((i) => i.value)), until(10)).toBe('----i', { i: 1762.61 });
      expectObservable(feed.stream$('0w', '005930').pipe(map((r) => r.fields.programNetBuyValue)), until(10)).toBe('----w', { w: 483 });
    });
  });

  it('sends nothing but LOGIN until the LOGIN ack, then one REG for the keys of that tick', () => {
    ts.run(({ cold, expectObservable }) => {
      const inbound = cold('----------l', { l: JSON.stringify({ trnm: 'LOGIN', return_code: 0, return_msg: '' }) });
      const { feed, socket } = setup(() => ({ inbound, respond: responder({ login: false }) }));
      expectObservable(socket.sent$.pipe(map((f) => (JSON.parse(f) as { trnm: string }).trnm))).toBe('L---------R', {
        L: 'LOGIN',
        R: 'REG',
      });
      feed.trades$('005930').subscribe();
      feed.orderBook$('005930').subscribe();
    });
  });

  it('echoes PINGs verbatim as they come', () => {
    ts.run(({ cold, expectObservable }) => {
      const inbound = cold('--p--q', { p: '{"trnm":"PING"}', q: '{"trnm":"PING","n":2}' });
      const { feed, socket } = setup(() => ({ inbound, respond: responder() }));
      expectObservable(socket.sent$.pipe(filter((f) => f.includes('PING')))).toBe('--p--q', {
        p: '{"trnm":"PING"}',
        q: '{"trnm":"PING","n":2}',
      });
      feed.trades$('005930').subscribe();
    });
  });

  it('a malformed frame is reported and skipped; the stream goes on', () => {
    ts.run(({ cold, expectObservable, flush }) => {
      const inbound = cold('--a-b-c-d', {
        a: trade('005930', '+1'),
        b: 'garbage',
        c: real('0B', '005930', { '10': '' }),
        d: trade('005930', '+2'),
      });
      const { feed, errors } = setup(() => ({ inbound, respond: responder() }));
      expectObservable(feed.trades$('005930').pipe(map((t) => t.price)), until(20)).toBe('--a-----d', { a: 1, d: 2 });
      flush();
      expect(errors.map((e) => e.kind)).toEqual(['decode', 'decode']);
    });
  });

  it('after a drop: reconnects after the backoff, logs in, registers again, and the stream goes on', () => {
    ts.run(({ cold, expectObservable, flush }) => {
      const first = cold('--a--#', { a: trade('005930', '+1') }, new FeedError({ kind: 'connection', message: 'dropped' }));
      const second = cold('--b', { b: trade('005930', '+2') });
      const { feed, socket } = setup((n) => ({ inbound: n === 1 ? first : second, respond: responder() }));
      // Dropped at 5; backoff 100 × 0.5 = 50 ms; open at 55; b two frames later.
      expectObservable(feed.trades$('005930').pipe(map((t) => t.price)), until(100)).toBe('--a' + '-'.repeat(54) + 'b', { a: 1, b: 2 });
      flush();
      // (its REMOVE waits for Kiwoom's request spacing, see the next spec)
      expect(trnms(socket.sentOn(2)).slice(0, 2)).toEqual(['LOGIN', 'REG']);
      expect(JSON.parse(socket.sentOn(2)[1])).toEqual({
        trnm: 'REG',
        grp_no: '2',
        refresh: '1',
        data: [{ item: ['005930'], type: ['0B'] }],
      });
    });
  });

  it('a refused registration errors that stream only, even when it shared a REG with others', () => {
    ts.run(({ cold, expectObservable, flush }) => {
      const inbound = cold('-----a', { a: trade('005930', '+7') });
      const { feed, socket } = setup(() => ({ inbound, respond: responder({ refuse: '999999' }) }));
      expectObservable(feed.trades$('005930').pipe(map((t) => t.price)), until(10)).toBe('-----a', { a: 7 });
      const bad = feed.trades$('999999').pipe(map((t) => t.price));
      // Asked for again through the key table, so paced as any request: one REG per key, 500 ms apart.
      expectObservable(bad, '^ 1500ms !').toBe(
        '1000ms #',
        undefined,
        expect.objectContaining({ kind: 'rejected', key: '0B|999999' }) as unknown as FeedError,
      );
      flush();
      // One REG for both, refused; then one REG per key.
      expect(
        socket
          .sentOn(1)
          .filter((f) => f.includes('"REG"'))
          .map((f) => JSON.parse(f).data),
      ).toEqual([
        [{ item: ['005930', '999999'], type: ['0B'] }],
        [{ item: ['005930'], type: ['0B'] }],
        [{ item: ['999999'], type: ['0B'] }],
      ]);
    });
  });

  it('orders$ registers 00 in group 1; orders map from the sample', () => {
    ts.run(({ cold, expectObservable, flush }) => {
      const inbound = cold('---o', { o: real('00', '005930') });
      const { feed, socket } = setup(() => ({ inbound, respond: responder() }));
      expectObservable(feed.orders$().pipe(map((o) => `${o.orderId} ${o.side} ${o.status} ${o.orderQty}`)), until(10)).toBe('---o', {
        o: '0000018 buy accepted 1',
      });
      flush();
      expect(JSON.parse(socket.sentOn(1)[1])).toEqual({ trnm: 'REG', grp_no: '1', refresh: '1', data: [{ item: [''], type: ['00'] }] });
    });
  });

  it('the last subscriber leaving sends one REMOVE after the key linger, paced 500 ms after the REG', () => {
    ts.run(({ expectObservable }) => {
      const { feed, socket } = setup(() => ({ respond: responder() }));
      const trades = feed.trades$('005930');
      expectObservable(socket.sent$.pipe(map((f) => (JSON.parse(f) as { trnm: string }).trnm))).toBe('(LR) 496ms X', {
        L: 'LOGIN',
        R: 'REG',
        X: 'REMOVE',
      });
      // Two subscribers, one registration; both gone at 20, REMOVE due at 30 (10 ms linger), sent at
      // 500: Kiwoom requests go at least 500 ms apart.
      expectObservable(trades, until(20));
      expectObservable(trades, until(15));
      // Another stream holds the connection past the pacing delay (same REG, same tick); when it
      // goes too, no key is left and the socket simply closes.
      expectObservable(feed.trades$('000660'), until(600));
    });
  });
});
