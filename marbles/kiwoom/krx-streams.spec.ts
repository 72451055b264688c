import { map } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { FeedError } from '../../src/core/errors';
import { SessionOptions } from '../../src/core/session-types';
import { ScriptedConnection, ScriptedSocket } from '../../src/testing/fake-socket';
import { kiwoom } from '../../src/brokers/kiwoom';
import { sampleEntries } from '../../src/app/servers/kiwoom/samples';
import { RealCode } from '../../src/brokers/kiwoom/wire/real-types';

/**
 * The Kiwoom KRX event streams (0G, 0H, 0m, 0u, 0w, 1h) in virtual time over a scripted socket,
 * and lists of symbols where one entry is bad. One frame is one virtual millisecond.
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

/** LOGIN, REG and REMOVE succeed unless `refuse` names an item of the REG. */
function responder(refuse = '\u0000') {
  return (frame: string): readonly string[] => {
    const msg = JSON.parse(frame) as { trnm: string; data?: { item: string[] }[] };
    switch (msg.trnm) {
      case 'LOGIN':
        return [JSON.stringify({ trnm: 'LOGIN', return_code: 0, return_msg: '', sor_yn: 'Y' })];
      case 'REG':
        return msg.data?.some((e) => e.item.includes(refuse))
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

const until = (n: number) => `^${'-'.repeat(n - 1)}!`;
const regs = (frames: readonly string[]) => frames.filter((f) => f.includes('"REG"')).map((f) => JSON.parse(f).data);

describe('kiwoom KRX event streams (marbles)', () => {
  it('etfNav$: NAV and premium of its ETF only; a list is one REG', () => {
    ts.run(({ cold, expectObservable, flush }) => {
      const inbound = cold('---a-b-c', {
        a: real('0G', '069500'),
        b: real('0G', '102110', { '36': '+36210.55' }),
        c: real('0G', '069500', { '36': '-7470.10', '266': '+0.20', '20': '105733' }),
      });
      const { feed, socket } = setup(() => ({ inbound, respond: responder() }));
      const one = feed.etfNav$('069500').pipe(map((n) => `${n.symbol} ${n.nav} ${n.premiumPercent} ${n.time.slice(11, 19)}`));
      expectObservable(one, until(20)).toBe('---a---c', { a: '069500 7488.27 -0.04 10:57:32', c: '069500 7470.1 0.2 10:57:33' });
      expectObservable(feed.etfNav$(['069500', '102110']).pipe(map((n) => n.symbol)), until(20)).toBe('---a-b-c', {
        a: '069500',
        b: '102110',
        c: '069500',
      });
      flush();
      expect(regs(socket.sentOn(1))[0]).toEqual([{ item: ['069500', '102110'], type: ['0G'] }]);
    });
  });

  it('expectedTrades$: indicative price and size on the chosen venue', () => {
    ts.run(({ cold, expectObservable }) => {
      const inbound = cold('--a-b', { a: real('0H', '005930_NX', { '10': '+60600' }), b: real('0H', '005930') });
      const { feed } = setup(() => ({ inbound, respond: responder() }));
      const krx = feed.expectedTrades$('005930').pipe(map((e) => `${e.exchange} ${e.price} ${e.size} ${e.change} ${e.changePercent}`));
      const nxt = feed.expectedTrades$('005930', { exchange: 'NXT' }).pipe(map((e) => `${e.exchange} ${e.price}`));
      expectObservable(krx, until(10)).toBe('----b', { b: 'KRX 60500 7805 200 0.33' });
      expectObservable(nxt, until(10)).toBe('--a', { a: 'NXT 60600' });
    });
  });

  it('elwGreeks$ and elwIndicators$ of one ELW share a frame', () => {
    ts.run(({ cold, expectObservable }) => {
      const mixed = JSON.stringify({
        trnm: 'REAL',
        data: [{ ...sampleEntries['0m'], values: { ...sampleEntries['0m'].values, '672': '0.5321' } }, sampleEntries['0u']],
      });
      const inbound = cold('---m', { m: mixed });
      const { feed } = setup(() => ({ inbound, respond: responder() }));
      expectObservable(feed.elwGreeks$('57JBHH').pipe(map((g) => `${g.kind} ${g.lastPrice} ${g.delta}`)), until(10)).toBe('---g', {
        g: 'elwGreeks 450 0.5321',
      });
      expectObservable(feed.elwIndicators$('57JBHH').pipe(map((i) => `${i.kind} ${i.gearing} ${i.breakEvenPercent}`)), until(10)).toBe(
        '---i',
        {
          i: 'elwIndicators 1037.04 44.73',
        },
      );
    });
  });

  it('programTrading$: running totals in million KRW', () => {
    ts.run(({ cold, expectObservable }) => {
      const inbound = cold('--a--b', {
        a: real('0w', '005930'),
        b: real('0w', '005930', { '206': '9043', '208': '543', '210': '9043', '212': '543', '20': '113443' }),
      });
      const { feed } = setup(() => ({ inbound, respond: responder() }));
      expectObservable(feed.programTrading$('005930').pipe(map((p) => `${p.buyQty}/${p.netBuyValue} ${p.valueUnit}`)), until(10)).toBe(
        '--a--b',
        {
          a: '8043/483 million KRW',
          b: '9043/543 million KRW',
        },
      );
    });
  });

  it("volatilityInterruptions$: one market-wide REG; each symbol's VIs only; released when 9068 is 2", () => {
    ts.run(({ cold, expectObservable, flush }) => {
      const vi = (symbol: string, values: Record<string, string> = {}) => real('1h', symbol, { '9001': symbol, ...values });
      const inbound = cold('--a-b-c', { a: vi('005930'), b: vi('000660'), c: vi('005930', { '9068': '2' }) });
      const { feed, socket } = setup(() => ({ inbound, respond: responder() }));
      const line = map((v: { symbol: string; active: boolean }) => `${v.symbol} ${v.active ? 'on' : 'off'}`);
      expectObservable(feed.volatilityInterruptions$('005930').pipe(line), until(10)).toBe('--a---c', { a: '005930 on', c: '005930 off' });
      expectObservable(feed.volatilityInterruptions$(['005930', '000660']).pipe(line), until(10)).toBe('--a-b-c', {
        a: '005930 on',
        b: '000660 on',
        c: '005930 off',
      });
      expectObservable(feed.volatilityInterruptions$().pipe(line), until(10)).toBe('--a-b-c', {
        a: '005930 on',
        b: '000660 on',
        c: '005930 off',
      });
      flush();
      expect(regs(socket.sentOn(1))).toEqual([[{ item: [''], type: ['1h'] }]]);
    });
  });

  it("trades$: the day's figures where the frame has them; no FID 20 → the receive time, timeSource 'receive'", () => {
    ts.run(({ cold, expectObservable }) => {
      const bare = JSON.stringify({
        trnm: 'REAL',
        data: [{ type: '0B', name: '주식체결', item: '005930', values: { '10': '60700', '15': '+500', '13': '1.25' } }],
      });
      const inbound = cold('--a---b', { a: real('0B', '005930'), b: bare });
      const { feed } = setup(() => ({ inbound, respond: responder() }));
      const line = map(
        (t: {
          price: number;
          change?: number;
          changePercent?: number;
          cumulativeVolume?: number;
          cumulativeTurnover?: number;
          time: string;
          timeSource?: string;
        }) => [t.price, t.change, t.changePercent, t.cumulativeVolume, t.cumulativeTurnover, t.time, t.timeSource ?? 'exchange'].join(' '),
      );
      expectObservable(feed.trades$('005930').pipe(line), until(10)).toBe('--a---b', {
        a: '20800 -50 -0.24 30379732 632640000000 2026-11-20T16:52:08+09:00 exchange',
        // The receive time is the feed's clock: 6 virtual ms after 09:00:00, to the second.
        b: '60700     2026-11-20T09:00:00+09:00 receive',
      });
    });
  });

  it('a malformed symbol in a list errors its own entry only: reported on errors$, the others stream', () => {
    ts.run(({ cold, expectObservable, flush }) => {
      const inbound = cold('---a-b', { a: real('0w', '005930'), b: real('0w', '000660') });
      const { feed, errors, socket } = setup(() => ({ inbound, respond: responder() }));
      expectObservable(feed.programTrading$(['005930', 'bad code!', '000660']).pipe(map((p) => p.symbol)), until(10)).toBe('---a-b', {
        a: '005930',
        b: '000660',
      });
      flush();
      expect(errors.map((e) => [e.kind, e.fatal, /bad code!/.test(e.message)])).toEqual([['config', false, true]]);
      expect(regs(socket.sentOn(1))).toEqual([[{ item: ['005930', '000660'], type: ['0w'] }]]);
    });
  });

  it('a symbol the server refuses errors its own key only; the rest of the list streams on', () => {
    ts.run(({ cold, expectObservable, flush }) => {
      const inbound = cold('-----a-b', { a: real('0B', '005930'), b: real('0B', '000660', { '20': '165209' }) });
      const { feed, errors } = setup(() => ({ inbound, respond: responder('999999') }));
      // (the refused batch is asked for again one key per REG, paced 500 ms apart: the refusal is known at 1 500 ms)
      expectObservable(feed.trades$(['005930', '999999', '000660']).pipe(map((t) => t.symbol)), '^ 2000ms !').toBe('-----a-b', {
        a: '005930',
        b: '000660',
      });
      flush();
      // Once, by the session (a refusal is on errors$ whether or not the stream is a list).
      expect(errors.filter((e) => e.kind === 'rejected').map((e) => /0B\|999999/.test(e.message))).toEqual([true]);
    });
  });

  it('a list whose every symbol fails errors the stream; a single bad symbol errors it at once', () => {
    ts.run(({ expectObservable }) => {
      const { feed } = setup(() => ({ respond: responder() }));
      const config = expect.objectContaining({ kind: 'config' }) as unknown as FeedError;
      expectObservable(feed.etfNav$(['bad!', 'worse?'])).toBe('#', undefined, config);
      expectObservable(feed.etfNav$('bad!')).toBe('#', undefined, config);
    });
  });
});
