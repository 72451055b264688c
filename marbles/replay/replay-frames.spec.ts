import { map, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { KiwoomCodec, realTables, toTrade } from '../../src/brokers/kiwoom';
import { encodeEvent } from '../../src/app/servers/kiwoom/encode';
import type { AnyRealRecord, RealRecord } from '../../src/brokers/kiwoom';
import { Trade } from '../../src/model';
import { decodeFrames, RecordedFrame, replayFrames } from '../../src/app/replay';
import { initialMarket, marketConfig, stepMarket } from '../../src/app/sim/market';
import { createRng } from '../../src/app/sim/rng';

const scheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
const rec = (...frames: [number, string][]) => ({ frames: frames.map(([t, frame]): RecordedFrame => ({ t, frame })) });

describe('replayFrames: a recording on any scheduler', () => {
  it('emits each frame at its offset / speed, same-millisecond frames together', () => {
    scheduler().run(({ expectObservable }) => {
      const recording = rec([0, 'a'], [20, 'b'], [20, 'c'], [50, 'd']);
      const frames = replayFrames(recording, { speed: 5 }).pipe(map((f) => f.frame));
      expectObservable(frames).toBe('a 3ms (bc) 2ms (d|)', { a: 'a', b: 'b', c: 'c', d: 'd' });
    });
  });

  it('plays at recorded speed by default, counted from subscription', () => {
    scheduler().run(({ expectObservable }) => {
      const recording = rec([5, 'x'], [7, 'y']);
      // Subscribed at frame 3: frames come at 3+5 and 3+7.
      expectObservable(replayFrames(recording).pipe(map((f) => f.frame)), '---^').toBe('--- 5ms x 1ms (y|)');
    });
  });

  it('completes at once on an empty recording and stops when unsubscribed', () => {
    scheduler().run(({ expectObservable }) => {
      expectObservable(replayFrames(rec())).toBe('|');
      const recording = rec([0, 'a'], [10, 'b'], [20, 'c']);
      expectObservable(replayFrames(recording).pipe(map((f) => f.frame)), '^ 14ms !').toBe('a 9ms b');
    });
  });

  it('rejects a speed that is not a positive number', () => {
    expect(() => replayFrames(rec(), { speed: 0 })).toThrow(/speed must be a positive number/);
    expect(() => replayFrames(rec(), { speed: Number.NaN })).toThrow(/speed/);
  });
});

describe('a recording of Kiwoom frames decoded through the broker codec, in virtual time', () => {
  // A minute of a simulated Kiwoom market, encoded to REAL frames as the loopback server sends them.
  const config = marketConfig({ broker: 'kiwoom', symbols: ['005930'], trader: false });
  const rng = createRng(5);
  let state = initialMarket(config, rng);
  const trades: Trade[] = [];
  const frames: RecordedFrame[] = [];
  for (let i = 0; i < 600; i++) {
    const step = stepMarket(config, state, rng, i * config.stepMs);
    state = step.state;
    for (const event of step.events) {
      const encoded = encodeEvent(event);
      if (!encoded) continue;
      if (event.kind === 'trade') trades.push(event);
      frames.push({ t: event.timestamp, frame: JSON.stringify({ trnm: 'REAL', data: [encoded.entry] }) });
    }
  }
  frames.splice(3, 0, { t: frames[3].t, frame: '{"trnm":"PING"}' });

  const codec = () =>
    new KiwoomCodec({ token: 'test', freshToken: true, onTokenRejected: () => undefined, tables: realTables(() => '20261120') });

  it('gives back every trade, in order, at its recorded time', () => {
    expect(trades.length).toBeGreaterThan(100);
    scheduler().run(({ expectObservable }) => {
      const decoded = replayFrames({ frames }).pipe(
        decodeFrames(codec()),
        map((m) => m.message as AnyRealRecord),
        map((r) => (r.type === '0B' ? toTrade(r as RealRecord<'0B'>) : undefined)),
        map((t) => t && { symbol: t.symbol, price: t.price, size: t.size, side: t.side }),
        toArray(),
        map((all) => all.filter((t) => t !== undefined)),
      );
      const expected = trades.map((t) => ({ symbol: t.symbol, price: t.price, size: t.size, side: t.side }));
      const end = frames[frames.length - 1].t;
      expectObservable(decoded).toBe(`${end}ms (a|)`, { a: expected });
    });
  });

  it('routes each message to its key and drops what is not data', () => {
    const book = frames.find((f) => f.frame.includes('"0D"'))!;
    const notice = frames.find((f) => f.frame.includes('"0s"'))!;
    const trade = frames.find((f) => f.frame.includes('"0B"'))!;
    const script = [
      { t: 0, frame: book.frame },
      { t: 0, frame: '{"trnm":"PING"}' },
      { t: 0, frame: notice.frame },
      { t: 7, frame: trade.frame },
    ];
    scheduler().run(({ expectObservable }) => {
      const keys = replayFrames({ frames: script }).pipe(
        decodeFrames(codec()),
        map((m) => `${m.key}@${m.t}`),
      );
      expectObservable(keys).toBe('(ab) 3ms (c|)', { a: '0D|005930@0', b: '0s|@0', c: '0B|005930@7' });
    });
  });
});
