/**
 * The example strategy on a recorded Kiwoom session, in virtual time: the recording's frames
 * go through the real Kiwoom codec and mapping, as a live feed's would.
 */
import { KiwoomCodec, KiwoomMessage, realTables, toOrderBook, toTrade } from '../../src/brokers/kiwoom';
import { encodeEvent } from '../../src/app/servers/kiwoom/encode';
import { MarketEvent } from '../../src/model';
import { RecordedFrame } from '../../src/app/replay/format';
import { book, RecordingDecoder, recordedEvents, strategyTest, trade } from '../../src/testing';
import { map } from 'rxjs';
import { imbalanceVwap } from '../../examples/imbalance-vwap/strategy';

const kiwoomDecoder = (): RecordingDecoder<KiwoomMessage> => ({
  codec: new KiwoomCodec({ token: 'recorded', freshToken: true, onTokenRejected: () => undefined, tables: realTables(() => '20261120') }),
  toEvents: (m) => {
    if (!('type' in m)) return [];
    if (m.type === '0B') return [toTrade(m)];
    if (m.type === '0D') return [toOrderBook(m)];
    return [];
  },
});

const at = Date.parse('2026-11-20T09:01:00+09:00');
const s = { broker: 'kiwoom', symbol: '005930' };
const real = (e: MarketEvent) => JSON.stringify({ trnm: 'REAL', data: [encodeEvent(e)!.entry] });
const frames: RecordedFrame[] = [
  {
    t: 0,
    frame: real(
      book({
        ...s,
        timestamp: at,
        bids: [
          [69_900, 500],
          [69_800, 300],
        ],
        asks: [
          [70_000, 100],
          [70_100, 100],
        ],
      }),
    ),
  },
  { t: 50, frame: JSON.stringify({ trnm: 'PING' }) },
  { t: 100, frame: real(trade({ ...s, timestamp: at + 1000, price: 70_000, size: 10, side: 'buy' })) },
  { t: 200, frame: real(trade({ ...s, timestamp: at + 2000, price: 70_000, size: 10, side: 'buy' })) },
  { t: 300, frame: real(trade({ ...s, timestamp: at + 3000, price: 69_800, size: 10, side: 'buy' })) },
  { t: 450, frame: real(trade({ ...s, timestamp: at + 4000, price: 70_400, size: 10, side: 'buy' })) },
];

describe('example strategy on a recording', () => {
  it('signals the buy at the recorded time of the crossing trade', () =>
    strategyTest(({ recordedFeed, scheduler, expectSignals }) => {
      const f = recordedFeed(recordedEvents({ frames }, kiwoomDecoder(), { scheduler }));
      expectSignals(imbalanceVwap(f)).toBe('450ms (x|)', {
        x: { side: 'buy', symbol: '005930', price: 70_400, vwap: 70_050, imbalance: 0.6 },
      });
    }));

  it('plays the recording faster with speed, and drops control frames', () =>
    strategyTest(({ scheduler, expectSignals }) => {
      const kinds$ = recordedEvents({ frames }, kiwoomDecoder(), { scheduler, speed: 50 }).pipe(
        map((e) => (e.kind === 'trade' ? `${e.kind} ${e.price}` : e.kind)),
      );
      // Offsets 0, 100, 200, 300, 450 at speed 50: frames 0, 2, 4, 6, 9; the PING yields nothing.
      expectSignals(kinds$).toBe('b-t-t-u--(v|)', { b: 'book', t: 'trade 70000', u: 'trade 69800', v: 'trade 70400' });
    }));
});
