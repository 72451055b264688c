import { map } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { FeedError } from '../../src/core/errors';
import { SessionOptions } from '../../src/core/session-types';
import { ScriptedSocket } from '../../src/testing/fake-socket';
import { kiwoom } from '../../src/brokers/kiwoom';
import { sampleEntries } from '../../src/app/servers/kiwoom/samples';

/**
 * Kiwoom's marketStatus$ over a list: the market-wide 0s notice once per symbol; a malformed
 * entry is reported on errors$ and the others go on; a list of only bad entries errors.
 */

let ts: TestScheduler;
beforeEach(() => {
  ts = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
});

const ok = (trnm: string) => JSON.stringify({ trnm, return_code: 0, return_msg: '' });
const respond = (frame: string): string[] => {
  const trnm = (JSON.parse(frame) as { trnm: string }).trnm;
  return trnm === 'LOGIN' || trnm === 'REG' || trnm === 'REMOVE' ? [ok(trnm)] : [];
};
const notice = JSON.stringify({
  trnm: 'REAL',
  data: [{ ...sampleEntries['0s'], values: { '215': '3', '20': '090000', '214': '000000' } }],
});

function setup() {
  const inbound = ts.createColdObservable('---n', { n: notice });
  const socket = new ScriptedSocket(() => ({ inbound, respond }), ts);
  const options: SessionOptions = { livenessMs: 0, keyLingerMs: 10, connectionLingerMs: 100, scheduler: ts, socket: socket.factory };
  const feed = kiwoom(
    {
      appKey: 'app-key-0001',
      secretKey: 'secret-key-0001',
      accessToken: 'token-0001',
      clock: () => ts.now(),
      fetch: () => Promise.reject(new Error('offline')),
    },
    options,
  );
  const errors: FeedError[] = [];
  feed.errors$.subscribe((e) => errors.push(e));
  return { feed, errors };
}

describe('kiwoom marketStatus$ over a list', () => {
  it('the notice once per good symbol; a malformed entry is reported, not fatal', () => {
    ts.run(({ expectObservable, flush }) => {
      const { feed, errors } = setup();
      const statuses = feed.marketStatus$(['005930', 'bad code!', '000660']).pipe(map((s) => `${s.symbol} ${s.phase}`));
      expectObservable(statuses, '^ 20ms !').toBe('---(ab)', { a: '005930 open', b: '000660 open' });
      flush();
      expect(errors.map((e) => [e.kind, e.fatal, /bad code!/.test(e.message)])).toEqual([['config', false, true]]);
    });
  });

  it('a list of only malformed entries, or one malformed symbol, errors the stream', () => {
    ts.run(({ expectObservable }) => {
      const { feed } = setup();
      const config = expect.objectContaining({ kind: 'config' }) as unknown as FeedError;
      expectObservable(feed.marketStatus$(['bad!', 'worse?'])).toBe('#', undefined, config);
      expectObservable(feed.marketStatus$('bad!')).toBe('#', undefined, config);
    });
  });
});
