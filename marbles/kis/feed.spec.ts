import { Observable, map } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { FeedError } from '../../src/core/errors';
import { SessionOptions } from '../../src/core/session-types';
import { ScriptedConnection, ScriptedSocket } from '../../src/testing/fake-socket';
import { kis } from '../../src/brokers/kis';
import { encryptPayload } from '../../src/brokers/kis/wire/cipher';
import { frameOf, frames, testVector, valuesOf } from '../../__tests__/kis/samples';
import { during as subscribeDuring } from '../../src/testing/during';

/**
 * The KIS feed in virtual time over a scripted socket: what reaches each stream, what goes over
 * the wire and when. One frame is one virtual millisecond.
 */

let ts: TestScheduler;
beforeEach(() => {
  ts = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
});

const BASE = Date.parse('2026-03-05T09:00:00+09:00');
const quiet: SessionOptions = {
  livenessMs: 0,
  keyLingerMs: 10,
  connectionLingerMs: 100,
  backoff: { initialMs: 100, maxMs: 1000, random: () => 0.5, healthyAfterMs: 10_000 },
};
const cipherA = { key: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', iv: 'aaaaaaaaaaaaaaaa' };
const cipherB = { key: 'BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB', iv: 'bbbbbbbbbbbbbbbb' };

interface Req {
  readonly header: { readonly tr_type: string; readonly approval_key: string };
  readonly body: { readonly input: { readonly tr_id: string; readonly tr_key: string } };
}
const parse = (frame: string): Req => JSON.parse(frame) as Req;
const reply = (trId: string, trKey: string, rtCd: string, msgCd: string, msg1: string, cipher?: { key: string; iv: string }) =>
  JSON.stringify({
    header: { tr_id: trId, tr_key: trKey, encrypt: 'N' },
    body: { rt_cd: rtCd, msg_cd: msgCd, msg1, ...(cipher ? { output: cipher } : {}) },
  });

/** A tiny KIS server: every register succeeds with `cipher`, unless `refuse` says otherwise. */
function responder(cipher: { key: string; iv: string }, refuse: (trKey: string) => string | undefined = () => undefined) {
  return (frame: string): readonly string[] => {
    if (frame.includes('PINGPONG')) return [];
    const { header, body } = parse(frame);
    const { tr_id, tr_key } = body.input;
    if (header.tr_type === '2') return [reply(tr_id, tr_key, '0', 'OPSP0001', 'UNSUBSCRIBE SUCCESS')];
    const code = refuse(tr_key);
    if (code === 'OPSP8996') return [reply('(null)', '', '9', 'OPSP8996', 'ALREADY IN USE appkey')];
    if (code) return [reply(tr_id, tr_key, '1', code, 'MAX SUBSCRIBE OVER')];
    return [reply(tr_id, tr_key, '0', 'OPSP0000', 'SUBSCRIBE SUCCESS', cipher)];
  };
}

function setup(script: (n: number) => ScriptedConnection, options: { maxSubscriptions?: number } = {}) {
  const socket = new ScriptedSocket(script, ts);
  const feed = kis(
    {
      appKey: 'app-key-0001',
      appSecret: 'app-secret-0001',
      htsId: 'testhts',
      approvalKey: 'approval-0001',
      clock: () => BASE + ts.now(),
      // Virtual time never reaches REST: a re-issue would fail here rather than leave the machine.
      fetch: () => Promise.reject(new Error('no network in marble specs')),
      ...options,
    },
    { scheduler: ts, socket: socket.factory, ...quiet },
  );
  const errors: FeedError[] = [];
  feed.errors$.subscribe((e) => errors.push(e));
  return { socket, feed, errors };
}

/** A trade record of `symbol` at `price`. */
const tradeValues = (symbol: string, price: number) =>
  valuesOf(frames.H0STCNT0).map((v, i) => (i === 0 ? symbol : i === 2 ? String(price) : v));

/** Registered keys in the order they went out on one connection. */
const registrations = (socket: ScriptedSocket, connection: number) =>
  socket
    .sentOn(connection)
    .filter((f) => !f.includes('PINGPONG'))
    .map(parse)
    .filter((r) => r.header.tr_type === '1')
    .map((r) => `${r.body.input.tr_id}|${r.body.input.tr_key}`);

function during<T>(source: Observable<T>, from: number, to: number, sink: T[] = [], errs: unknown[] = []): T[] {
  return subscribeDuring(ts, source, from, to, sink, errs);
}

describe('kis trades$ over scripted frames', () => {
  it('emits one trade per record, only for its symbol, and survives bad frames', () => {
    ts.run(({ cold, expectObservable }) => {
      const { feed, errors } = setup(() => ({
        respond: responder(cipherA),
        inbound: cold('--a-b-c-d', {
          a: frameOf('H0STCNT0', [tradeValues('005930', 100)]),
          b: frameOf('H0STCNT0', [tradeValues('000660', 999), tradeValues('005930', 101), tradeValues('005930', 102)]),
          c: '0|H0STCNT0|002|005930^1^2', // 3 values do not split into 2 records
          d: frameOf('H0STCNT0', [tradeValues('005930', 103)]),
        }),
      }));
      expectObservable(feed.trades$('005930', { exchange: 'KRX' }).pipe(map((t) => t.price)), '^--------- !').toBe('--a-(bc)d', {
        a: 100,
        b: 101,
        c: 102,
        d: 103,
      });
      ts.schedule(() => expect(errors.map((e) => e.kind)).toEqual(['decode']), 20);
    });
  });

  it('sends one register at subscribe time and one release after the key linger, paced 100 ms apart', () => {
    ts.run(({ flush }) => {
      const { socket, feed } = setup(() => ({ respond: responder(cipherA) }));
      during(feed.trades$('005930', { exchange: 'NXT' }), 0, 50);
      during(feed.trades$('005930', { exchange: 'NXT' }), 5, 40);
      flush();
      const wire = socket.sent.map((s) => [s.at, parse(s.frame).header.tr_type, parse(s.frame).body.input.tr_id]);
      // The release is due at 60 (linger) but KIS wants 100 ms between requests.
      expect(wire).toEqual([
        [0, '1', 'H0NXCNT0'],
        [100, '2', 'H0NXCNT0'],
      ]);
      expect(parse(socket.sent[0].frame).header.approval_key).toBe('approval-0001');
    });
  });

  it('echoes PINGPONG verbatim the moment it arrives', () => {
    ts.run(({ cold, flush }) => {
      const ping = frames.PINGPONG;
      const { socket, feed } = setup(() => ({ respond: responder(cipherA), inbound: cold('---p----p', { p: ping }) }));
      during(feed.trades$('005930'), 0, 20);
      flush();
      expect(socket.sent.filter((s) => s.frame === ping).map((s) => s.at)).toEqual([3, 8]);
    });
  });
});

describe('kis orders$ (encrypted notices)', () => {
  it('decrypts the test vector with the key/iv of the subscribe reply', () => {
    ts.run(({ cold, expectObservable }) => {
      const { feed } = setup(() => ({
        respond: responder(testVector),
        inbound: cold('-----n', { n: `1|H0STCNI0|001|${testVector.ciphertext}` }),
      }));
      expectObservable(
        feed.orders$().pipe(map((o) => `${o.orderId} ${o.side} ${o.status} ${o.fillQty}@${o.fillPrice} ${o.time}`)),
        '^------!',
      ).toBe('-----n', { n: '0000012345 buy filled 10@71000 2026-03-05T09:30:15+09:00' });
    });
  });
});

describe('kis reconnect', () => {
  it('re-registers every live key on the new connection and decrypts with its fresh key/iv', () => {
    ts.run(({ cold, flush }) => {
      const notice = (cipher: { key: string; iv: string }) => `1|H0STCNI0|001|${encryptPayload(testVector.plaintext, cipher)}`;
      const { socket, feed, errors } = setup((n) =>
        n === 1
          ? { respond: responder(cipherA), inbound: cold('---a 296ms #', { a: notice(cipherA) }, new Error('dropped')) }
          : { respond: responder(cipherB), inbound: cold('---b', { b: notice(cipherB) }) },
      );
      const orders = during(feed.orders$(), 0, 1_000);
      const trades = during(feed.trades$('005930', { exchange: 'KRX' }), 0, 1_000);
      during(feed.orderBook$('000660', { exchange: 'UN' }), 0, 1_000);
      flush();
      const keys = ['H0STCNI0|testhts', 'H0STCNT0|005930', 'H0UNASP0|000660'];
      expect(registrations(socket, 1).sort()).toEqual(keys);
      expect(registrations(socket, 2).sort()).toEqual(keys);
      // Dropped at 300, backoff 50 ms (100 × 0.5), re-registered on open, 100 ms apart (KIS pacing).
      const registerTimes = (n: number) =>
        socket.sent.filter((s) => s.connection === n && parse(s.frame).header.tr_type === '1').map((s) => s.at);
      expect(registerTimes(1)).toEqual([0, 100, 200]);
      expect(registerTimes(2)).toEqual([350, 450, 550]);
      // The second notice decrypts only with cipher B (no decode error below); it is the same
      // fill sent again on the new connection, so it is counted once.
      expect(orders.map((o) => o.orderId)).toEqual(['0000012345']);
      expect(trades).toEqual([]);
      expect(errors.filter((e) => e.kind === 'decode')).toEqual([]);
    });
  });

  it('drops a notice encrypted with the old connection key after a reconnect, and reports it', () => {
    ts.run(({ cold, flush }) => {
      const stale = `1|H0STCNI0|001|${encryptPayload(testVector.plaintext, cipherA)}`;
      const { feed, errors } = setup((n) =>
        n === 1
          ? { respond: responder(cipherA), inbound: cold('---#', {}, new Error('dropped')) }
          : { respond: responder(cipherB), inbound: cold('---s', { s: stale }) },
      );
      const orders = during(feed.orders$(), 0, 500);
      flush();
      expect(orders).toEqual([]);
      expect(errors.filter((e) => e.kind === 'decode').map((e) => e.message)).toEqual([expect.stringMatching(/cannot decrypt H0STCNI0/)]);
    });
  });
});

describe('kis limits and refusals', () => {
  it('fails the 42nd key at once, sending nothing for it, while the 41 others stay', () => {
    ts.run(({ flush }) => {
      const { socket, feed } = setup(() => ({ respond: responder(cipherA) }));
      const symbols = Array.from({ length: 42 }, (_, i) => String(200000 + i));
      symbols.slice(0, 41).forEach((s) => during(feed.trades$(s, { exchange: 'KRX' }), 0, 5_000));
      const errs: unknown[] = [];
      during(feed.trades$(symbols[41], { exchange: 'KRX' }), 10, 5_000, [], errs);
      flush();
      expect(errs).toHaveLength(1);
      expect(errs[0]).toMatchObject({ kind: 'limit', fatal: true });
      expect(registrations(socket, 1)).toHaveLength(41);
      expect(registrations(socket, 1)).not.toContain(`H0STCNT0|${symbols[41]}`);
      // paced: 41 registrations take 4 s, never two within 100 ms
      const times = socket.sent.filter((s) => parse(s.frame).header.tr_type === '1').map((s) => s.at);
      expect(times[40]).toBe(4_000);
      expect(times.every((t, i) => i === 0 || t - times[i - 1] >= 100)).toBe(true);
    });
  });

  it('honours a configured registration budget', () => {
    ts.run(({ flush }) => {
      const { socket, feed } = setup(() => ({ respond: responder(cipherA) }), { maxSubscriptions: 2 });
      const errs: unknown[] = [];
      during(feed.trades$('005930'), 0, 100);
      during(feed.orderBook$('005930'), 0, 100);
      during(feed.expected$('005930'), 5, 100, [], errs);
      flush();
      expect(errs).toEqual([expect.objectContaining({ kind: 'limit' })]);
      expect(registrations(socket, 1)).toEqual(['H0UNCNT0|005930', 'H0UNASP0|005930']);
    });
  });

  it('errors only the key the server refuses with MAX SUBSCRIBE OVER', () => {
    ts.run(({ cold, flush }) => {
      const { feed } = setup(() => ({
        respond: responder(cipherA, (k) => (k === '000660' ? 'OPSP0008' : undefined)),
        inbound: cold('-----a', { a: frameOf('H0UNCNT0', [tradeValues('005930', 7)]) }),
      }));
      const errs: unknown[] = [];
      const good = during(feed.trades$('005930'), 0, 300);
      during(feed.trades$('000660'), 0, 300, [], errs);
      flush();
      expect(errs).toEqual([expect.objectContaining({ kind: 'rejected', code: 'OPSP0008', key: 'H0UNCNT0|000660' })]);
      expect(good.map((t) => t.price)).toEqual([7]);
    });
  });

  it('stops for good on OPSP8996: no retry', () => {
    ts.run(({ flush }) => {
      const { socket, feed } = setup(() => ({ respond: responder(cipherA, () => 'OPSP8996') }));
      const errs: unknown[] = [];
      const statuses: string[] = [];
      feed.status$.subscribe((s) => statuses.push(s.state));
      during(feed.trades$('005930'), 0, 10_000, [], errs);
      flush();
      expect(errs).toEqual([expect.objectContaining({ kind: 'auth', fatal: true, code: 'OPSP8996' })]);
      expect(socket.attempts).toBe(1);
      expect(statuses).toEqual(['closed', 'connecting', 'open', 'closed']);
    });
  });
});

describe('kis session figures (official sample frames)', () => {
  it('trades$ carries change, changePercent, cumulative volume and turnover; absent where the wire is empty', () => {
    ts.run(({ cold, expectObservable }) => {
      const empty = valuesOf(frames.H0STCNT0).map((v, i) => (i === 4 || i === 5 || i === 13 || i === 14 ? '' : v));
      const unsigned = valuesOf(frames.H0STCNT0).map((v, i) => (i === 4 ? '100' : i === 5 ? '0.14' : i === 13 ? '3052508' : v));
      const { feed } = setup(() => ({
        respond: responder(cipherA),
        inbound: cold('--a-b-c', { a: frames.H0STCNT0, b: frameOf('H0STCNT0', [empty]), c: frameOf('H0STCNT0', [unsigned]) }),
      }));
      const figures = feed
        .trades$('005930', { exchange: 'KRX' })
        .pipe(map((t) => [t.change, t.changePercent, t.cumulativeVolume, t.cumulativeTurnover, 'change' in t]));
      expectObservable(figures, '^------ !').toBe('--a-b-c', {
        a: [-100, -0.14, 3052507, 219853241700, true],
        b: [undefined, undefined, undefined, undefined, false],
        c: [-100, -0.14, 3052508, 219853241700, true], // sign code 5: the unsigned magnitude reads negative
      });
    });
  });

  it('orderBook$ carries the total sizes and quotes$ the cumulative volume of the same ASP record', () => {
    ts.run(({ cold, expectObservable }) => {
      const { feed } = setup(() => ({ respond: responder(cipherA), inbound: cold('--a', { a: frames.H0STASP0 }) }));
      expectObservable(
        feed.orderBook$('005930', { exchange: 'KRX', depth: 5 }).pipe(map((b) => [b.bids.length, b.totalBidSize, b.totalAskSize])),
        '^-- !',
      ).toBe('--a', { a: [5, 2095167, 1159362] });
      expectObservable(
        feed.quotes$('005930', { exchange: 'KRX' }).pipe(map((q) => [q.bestBid, q.bestAsk, q.cumulativeVolume])),
        '^-- !',
      ).toBe('--a', {
        a: [71800, 71900, 3159115],
      });
    });
  });

  it('expected$ emits the shared ExpectedTrade', () => {
    ts.run(({ cold, expectObservable }) => {
      const { feed } = setup(() => ({ respond: responder(cipherA), inbound: cold('--a', { a: frames.H0STANC0_2024 }) }));
      expectObservable(
        feed.expected$('005930', { exchange: 'KRX' }).pipe(
          map(({ kind, price, size, change, changePercent, cumulativeVolume, direction }) => ({
            kind,
            price,
            size,
            change,
            changePercent,
            cumulativeVolume,
            direction,
          })),
        ),
        '^-- !',
      ).toBe('--a', {
        a: { kind: 'expectedTrade', price: 77600, size: 64, change: 1300, changePercent: 1.7, cumulativeVolume: 221986, direction: 'up' },
      });
    });
  });
});
