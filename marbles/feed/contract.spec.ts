import { map } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { FeedError } from '../../src/core/errors';
import { perSymbol } from '../../src/feed/symbols';
import { ScriptedSocket } from '../../src/testing/fake-socket';
import { kiwoom } from '../../src/brokers/kiwoom';
import { sampleEntries } from '../../src/app/servers/kiwoom/samples';

/**
 * The feed contract's operator-like behaviour in virtual time: symbol lists (one stream, one
 * batched request) and close() (every stream ends, the socket closes now).
 */

let ts: TestScheduler;
beforeEach(() => {
  ts = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
});

/** Nothing to report in these (marbles/feed/symbols.spec.ts has the failing entries). */
const none = (): void => undefined;

describe('perSymbol', () => {
  it("merges each symbol's stream", () => {
    ts.run(({ cold, expectObservable }) => {
      const streams: Record<string, ReturnType<typeof cold<string>>> = { A: cold('-a-----a--'), B: cold('---b-b----') };
      expectObservable(perSymbol(['A', 'B'], 'toy', (s) => streams[s], none)).toBe('-a-b-b-a--');
    });
  });

  it('one symbol is that stream itself; repeats are asked for once', () => {
    ts.run(({ cold, expectObservable, expectSubscriptions }) => {
      const a = cold('-a-a|');
      expectObservable(perSymbol('A', 'toy', () => a, none)).toBe('-a-a|');
      expectObservable(perSymbol(['A', 'A'], 'toy', () => a, none)).toBe('-a-a|');
      expectSubscriptions(a.subscriptions).toBe(['^---!', '^---!']);
    });
  });

  it('an empty list or a bad symbol errors the stream when subscribed, not the caller', () => {
    ts.run(({ expectObservable }) => {
      const noSymbols = perSymbol(
        [],
        'toy',
        () => {
          throw new Error('not called');
        },
        none,
      );
      expectObservable(noSymbols).toBe(
        '#',
        undefined,
        new FeedError({ kind: 'config', broker: 'toy', message: 'toy: name at least one symbol' }),
      );
      const bad = perSymbol(
        ['A', 7 as unknown as string],
        'toy',
        () => {
          throw new Error('not called');
        },
        none,
      );
      expectObservable(bad.pipe(map(() => 0))).toBe(
        '#',
        undefined,
        new FeedError({ kind: 'config', broker: 'toy', message: 'toy: a symbol must be a string, got 7' }),
      );
    });
  });
});

const ok = (trnm: string) => JSON.stringify({ trnm, return_code: 0, return_msg: '' });
const respond = (frame: string): string[] => {
  const trnm = (JSON.parse(frame) as { trnm: string }).trnm;
  return trnm === 'LOGIN' || trnm === 'REG' || trnm === 'REMOVE' ? [ok(trnm)] : [];
};
const trade = (item: string, price: string) =>
  JSON.stringify({ trnm: 'REAL', data: [{ ...sampleEntries['0B'], item, values: { ...sampleEntries['0B'].values, '10': price } }] });

function kiwoomFeed(socket: ScriptedSocket) {
  return kiwoom(
    {
      appKey: 'app-key-0001',
      secretKey: 'secret-key-0001',
      accessToken: 'token-0001',
      clock: () => ts.now(),
      fetch: () => Promise.reject(new Error('offline')),
    },
    { scheduler: ts, socket: socket.factory, livenessMs: 0, keyLingerMs: 10, connectionLingerMs: 100 },
  );
}

describe('a feed stream over a symbol list (Kiwoom)', () => {
  it('is one stream and one batched REG for every symbol', () => {
    ts.run(({ cold, expectObservable, flush }) => {
      const socket = new ScriptedSocket(
        () => ({
          respond,
          inbound: cold('--a-b-c', { a: trade('005930', '+100'), b: trade('000660', '+200'), c: trade('035720', '+300') }),
        }),
        ts,
      );
      const feed = kiwoomFeed(socket);
      expectObservable(feed.trades$(['005930', '000660']).pipe(map((t) => `${t.symbol} ${t.price}`)), '^ 20ms !').toBe('--a-b', {
        a: '005930 100',
        b: '000660 200',
      });
      flush();
      const regs = socket.sent
        .map((s) => JSON.parse(s.frame) as { trnm: string; data?: { item: string[] }[] })
        .filter((m) => m.trnm === 'REG');
      expect(regs).toHaveLength(1);
      expect(regs[0].data).toEqual([{ item: ['005930', '000660'], type: ['0B'] }]);
    });
  });
});

describe('MarketFeed.close() (Kiwoom)', () => {
  it('completes every stream, the controls too, and closes the socket now without REMOVE', () => {
    ts.run(({ cold, expectObservable, flush }) => {
      const socket = new ScriptedSocket(
        () => ({ respond, inbound: cold('--a--b', { a: trade('005930', '+100'), b: trade('005930', '+101') }) }),
        ts,
      );
      const feed = kiwoomFeed(socket);
      ts.schedule(() => feed.close(), 4);
      expectObservable(feed.trades$('005930').pipe(map((t) => t.price))).toBe('--a-|', { a: 100 });
      expectObservable(feed.orders$()).toBe('----|');
      expectObservable(feed.errors$).toBe('----|');
      // '(co)' spans frames 0-3: connecting and open at 0, closed and complete at 4.
      expectObservable(feed.status$.pipe(map((s) => s.state))).toBe('(co)(z|)', { c: 'connecting', o: 'open', z: 'closed' });
      flush();
      expect(socket.sent.map((s) => (JSON.parse(s.frame) as { trnm: string }).trnm)).toEqual(['LOGIN', 'REG']); // the 00 REG waited for the request pacer and went with the close
      expect(socket.closes).toEqual([{ connection: 1, at: 4 }]);
    });
  });
});
