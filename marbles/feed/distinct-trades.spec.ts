import { TestScheduler } from 'rxjs/testing';
import { from, lastValueFrom, toArray } from 'rxjs';
import { distinctTrades } from '../../src/feed/distinct-trades';
import { Trade } from '../../src/model';

/** distinctTrades: a print seen among the last `memory` of its stream is dropped; older ones pass. */

const trade = (id: string, symbol = 'A'): Trade => ({
  kind: 'trade',
  broker: 'toy',
  symbol,
  price: 1,
  size: 1,
  time: '',
  timestamp: 0,
  tradeId: id,
  raw: undefined,
});
const byId = (t: Trade): string | undefined => t.tradeId;

let ts: TestScheduler;
beforeEach(() => {
  ts = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
});

describe('distinctTrades', () => {
  it('drops a repeat, keeps prints without identity', () => {
    ts.run(({ cold, expectObservable }) => {
      const values = { a: trade('1'), b: trade('2'), n: trade(''), x: trade('1', 'B') };
      const none = (t: Trade): string | undefined => (t.tradeId === '' ? undefined : t.tradeId);
      expectObservable(cold('-a-b-a-n-n-x-|', values).pipe(distinctTrades(none))).toBe('-a-b---n-n-x-|', values);
    });
  });

  it('forgets the oldest identity once `memory` newer ones were seen, and keeps exactly `memory`', async () => {
    const ids = ['1', '2', '3', '1', '4', '1', '2', '5', '2', '3'];
    const out = await lastValueFrom(from(ids.map((id) => trade(id))).pipe(distinctTrades(byId, 3), toArray()));
    // memory 3: 1 2 3 | 1 (seen) | 4 (forgets 1) | 1 (passes, forgets 2) | 2 (passes, forgets 3) | 5 | 2 (seen) | 3 (passes)
    expect(out.map((t) => t.tradeId)).toEqual(['1', '2', '3', '4', '1', '2', '5', '3']);
  });

  it('memory 0 remembers nothing', async () => {
    const out = await lastValueFrom(from(['1', '1'].map((id) => trade(id))).pipe(distinctTrades(byId, 0), toArray()));
    expect(out).toHaveLength(2);
  });
});
