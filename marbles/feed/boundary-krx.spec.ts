import { map } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { FeedError } from '../../src/core/errors';
import { SessionOptions } from '../../src/core/session-types';
import { boundary } from '../../src/feed/boundary';
import { ElwGreeks, EtfNav, ProgramTrading, VolatilityInterruption } from '../../src/model/krx';
import { ScriptedSocket } from '../../src/testing/fake-socket';
import { kiwoom } from '../../src/brokers/kiwoom';
import { sampleEntries } from '../../src/app/servers/kiwoom/samples';

/**
 * The error boundary over the KRX events: one that is outside its domains (a NAV of 0, an
 * infinite greek, a negative program volume, a VI count of 1.5) is a decode error on errors$ and
 * is not passed on; the stream goes on.
 */

let ts: TestScheduler;
beforeEach(() => {
  ts = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
});

const at = { broker: 'kiwoom', time: '2026-11-20T10:57:32+09:00', timestamp: Date.parse('2026-11-20T10:57:32+09:00'), raw: undefined };
const nav = (value: number): EtfNav => ({ ...at, kind: 'etfNav', symbol: '069500', nav: value, premiumPercent: -0.04 });
const greeks = (delta: number): ElwGreeks => ({ ...at, kind: 'elwGreeks', symbol: '57JBHH', lastPrice: 450, delta });
const program = (buyQty: number): ProgramTrading => ({
  ...at,
  kind: 'programTrading',
  symbol: '005930',
  buyQty,
  netBuyQty: -20,
  valueUnit: 'million KRW',
});
const vi = (count: number): VolatilityInterruption => ({
  ...at,
  kind: 'volatilityInterruption',
  symbol: '005930',
  active: true,
  viType: 'dynamic',
  triggerPrice: 72_800,
  count,
});

describe('boundary: KRX events', () => {
  it('passes the events inside their domains, reports the others as decode errors and goes on', () => {
    ts.run(({ cold, expectObservable, flush }) => {
      const mapped = boundary('kiwoom');
      const errors: FeedError[] = [];
      mapped.errors$.subscribe((e) => errors.push(e));
      const records = cold('-a-b-c-d-e-f-g-h|', {
        a: nav(7488.27),
        b: nav(0),
        c: greeks(0.53),
        d: greeks(Infinity),
        e: program(8043),
        f: program(-1),
        g: vi(1),
        h: vi(1.5),
      });
      const kinds = records.pipe(
        mapped.map((e: EtfNav | ElwGreeks | ProgramTrading | VolatilityInterruption) => e),
        map((e) => e.kind),
      );
      expectObservable(kinds).toBe('-a---c---e---g--|', { a: 'etfNav', c: 'elwGreeks', e: 'programTrading', g: 'volatilityInterruption' });
      flush();
      expect(errors.map((e) => [e.kind, e.message])).toEqual([
        ['decode', 'kiwoom: etfNav of 069500 outside the model (ETF NAV 0); skipped'],
        ['decode', 'kiwoom: elwGreeks of 57JBHH outside the model (delta Infinity); skipped'],
        ['decode', 'kiwoom: programTrading of 005930 outside the model (program buys -1); skipped'],
        ['decode', 'kiwoom: volatilityInterruption of 005930 outside the model (VI count 1.5); skipped'],
      ]);
    });
  });

  it("Kiwoom's etfNav$: a 0G record with a NAV of 0 is reported and skipped, the next one streams", () => {
    ts.run(({ cold, expectObservable, flush }) => {
      const real = (values: Record<string, string>) =>
        JSON.stringify({ trnm: 'REAL', data: [{ ...sampleEntries['0G'], values: { ...sampleEntries['0G'].values, ...values } }] });
      const ok = (trnm: string) => JSON.stringify({ trnm, return_code: 0, return_msg: '' });
      const respond = (frame: string): string[] => {
        const trnm = (JSON.parse(frame) as { trnm: string }).trnm;
        return trnm === 'LOGIN' || trnm === 'REG' || trnm === 'REMOVE' ? [ok(trnm)] : [];
      };
      const inbound = cold('---a-b', { a: real({ '36': '0' }), b: real({ '36': '+7470.10' }) });
      const socket = new ScriptedSocket(() => ({ inbound, respond }), ts);
      const quiet: SessionOptions = { livenessMs: 0, keyLingerMs: 10, connectionLingerMs: 100, scheduler: ts, socket: socket.factory };
      const feed = kiwoom(
        {
          appKey: 'app-key-0001',
          secretKey: 'secret-key-0001',
          accessToken: 'token-0001',
          clock: () => ts.now(),
          fetch: () => Promise.reject(new Error('offline')),
        },
        quiet,
      );
      const errors: FeedError[] = [];
      feed.errors$.subscribe((e) => errors.push(e));
      expectObservable(feed.etfNav$('069500').pipe(map((n) => n.nav)), '^ 20ms !').toBe('-----b', { b: 7470.1 });
      flush();
      expect(errors.map((e) => [e.kind, /etfNav of 069500 outside the model \(ETF NAV 0\)/.test(e.message)])).toEqual([['decode', true]]);
    });
  });
});
