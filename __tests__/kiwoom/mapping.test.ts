/** Kiwoom records → the normalized model, and back (what the loopback server publishes). */
import { encodeEvent } from '../../src/app/servers/kiwoom/encode';
import { decodeRecord } from '../../src/brokers/kiwoom/wire/record';
import { RealCode } from '../../src/brokers/kiwoom/wire/real-types';
import {
  kstInstant,
  marketPhaseOf,
  orderStatusOf,
  snapshotEvents,
  toConditionEvent,
  toIndexTick,
  toMarketStatus,
  toOrderBook,
  toOrderEvent,
  toPosition,
  toQuote,
  toTrade,
} from '../../src/brokers/kiwoom/mapping';
import { AnyRealRecord, RealRecord } from '../../src/brokers/kiwoom/wire/record';
import { MarketEvent } from '../../src/model';
import { NOW, fixture, tables } from './support';

function record<C extends RealCode>(file: string, code: C, patch: Record<string, string> = {}, item?: string): RealRecord<C> {
  const entry = fixture<{ data: { type: string; item: string; name?: string; values: Record<string, string> }[] }>(file).data[0];
  const out = decodeRecord(tables, code, { ...entry, item: item ?? entry.item, values: { ...entry.values, ...patch } });
  if ('error' in out) throw new Error(out.error);
  return out;
}

describe('kiwoom mapping', () => {
  it('0B → Trade', () => {
    const r = record('real-0B-trade.json', '0B');
    const t = toTrade(r);
    expect(t).toEqual({
      kind: 'trade',
      broker: 'kiwoom',
      symbol: '005930',
      exchange: 'KRX',
      price: 20800,
      size: 82,
      side: 'buy',
      direction: 'down',
      // 11, 12, 13, and 14 (million KRW) in KRW.
      change: -50,
      changePercent: -0.24,
      cumulativeVolume: 30379732,
      cumulativeTurnover: 632_640_000_000,
      time: '2026-11-20T16:52:08+09:00',
      timestamp: Date.parse('2026-11-20T16:52:08+09:00'),
      raw: r,
    });
    expect(toTrade(record('real-0B-trade.json', '0B', { '15': '-7' })).side).toBe('sell');
  });

  it('0B figures are absent, never zero, where the frame omits them (the production-shaped capture has no 11 or 14)', () => {
    const t = toTrade(record('real-0B-trade-production.json', '0B'));
    expect(t).toMatchObject({ price: 15560, changePercent: 1.24, cumulativeVolume: 10532, cumulativeTurnover: 163_000_000 });
    expect('change' in t).toBe(false);
    expect('timeSource' in t).toBe(false);
  });

  it("0B without FID 20 (the troubleshooting note's sample) takes the receive time and says so", () => {
    // The note's frame: 10, 15, and a 13 it labels 등락률 ("1.25"), which is not a volume.
    const entry = { type: '0B', item: '005930', values: { '10': '60700', '15': '+500', '13': '1.25' } };
    const r = decodeRecord(tables, '0B', entry);
    if ('error' in r) throw new Error(r.error);
    const t = toTrade(r, NOW);
    expect(t).toMatchObject({
      price: 60700,
      size: 500,
      side: 'buy',
      direction: 'flat',
      time: '2026-11-20T10:00:00+09:00',
      timestamp: NOW,
      timeSource: 'receive',
    });
    expect('cumulativeVolume' in t).toBe(false);
    expect(r.extra).toEqual({ '13': '1.25' });
    // A time that is there but unreadable is a broken frame: the mapping refuses it (reported by the feed).
    expect(() => toTrade(record('real-0B-trade.json', '0B', { '20': '250000' }), NOW)).toThrow(/FID 20/);
  });

  it('a venue suffix becomes the exchange; the symbol stays plain', () => {
    const t = toTrade(record('real-0B-trade.json', '0B', {}, '005930_NX'));
    expect(t).toMatchObject({ symbol: '005930', exchange: 'NXT' });
  });

  it('0D → OrderBook carries the totals of every resting share (121/125), whatever the depth kept', () => {
    expect(toOrderBook(record('real-0D-order-book.json', '0D'), 2)).toMatchObject({ totalAskSize: 12622527, totalBidSize: 14453430 });
    const without = toOrderBook(record('real-0D-order-book.json', '0D', { '121': '', '125': '' }));
    expect(['totalAskSize' in without, 'totalBidSize' in without]).toEqual([false, false]);
  });

  it('0D → OrderBook: best first, empty levels skipped, depth', () => {
    const full = toOrderBook(record('real-0D-order-book.json', '0D'));
    expect(full.asks).toHaveLength(10);
    expect(full.bids).toHaveLength(10);
    expect(full.asks.slice(0, 2)).toEqual([
      { price: 20800, size: 82 },
      { price: 20900, size: 393 },
    ]);
    expect(full.bids.slice(0, 2)).toEqual([
      { price: 20700, size: 23847 },
      { price: 20650, size: 834748 },
    ]);
    expect(full.time).toBe('2026-11-20T16:52:07+09:00');

    const thin = toOrderBook(record('real-0D-order-book.json', '0D', { '43': '0', '44': '', '45': ' 0', '60': '0' }));
    expect(thin.asks.map((l) => l.price)).toEqual([20800, 20900, 21150, 21200, 21250, 21300, 21350]);
    expect(thin.bids).toHaveLength(9);
    expect(toOrderBook(record('real-0D-order-book.json', '0D'), 3).asks).toHaveLength(3);
  });

  it('0C → Quote stamped with the receive time', () => {
    const q = toQuote(record('real-0C-best-quote.json', '0C'), NOW);
    expect(q).toMatchObject({
      kind: 'quote',
      symbol: '005930',
      bestAsk: 20800,
      bestBid: 20700,
      time: '2026-11-20T10:00:00+09:00',
      timestamp: NOW,
    });
  });

  it('00 → OrderEvent (accepted market buy)', () => {
    const r = record('real-00-order.json', '00');
    expect(toOrderEvent(r)).toEqual({
      kind: 'order',
      broker: 'kiwoom',
      symbol: '005930',
      orderId: '0000018',
      side: 'buy',
      status: 'accepted',
      orderQty: 1,
      orderPrice: 0,
      filledQty: 0,
      unfilledQty: 1,
      account: '1111111111',
      time: '2026-11-20T09:40:22+09:00',
      timestamp: Date.parse('2026-11-20T09:40:22+09:00'),
      raw: r,
    });
  });

  it('00 fills: per-fill price/qty from 914/915, cumulative from 911', () => {
    const partial = toOrderEvent(
      record('real-00-order.json', '00', {
        '913': '체결',
        '900': '10',
        '902': '4',
        '910': '60700',
        '911': '6',
        '914': '60800',
        '915': '2',
      }),
    );
    expect(partial).toMatchObject({ status: 'partiallyFilled', filledQty: 6, unfilledQty: 4, fillPrice: 60800, fillQty: 2 });
    const done = toOrderEvent(record('real-00-order.json', '00', { '913': '체결', '900': '10', '902': '0', '914': '60700', '915': '10' }));
    expect(done).toMatchObject({ status: 'filled', filledQty: 10, fillPrice: 60700, fillQty: 10 });
    // Without 914/915 the order-level fields stand in.
    const legacy = toOrderEvent(record('real-00-order.json', '00', { '913': '체결', '902': '0', '910': '60700', '911': '1' }));
    expect(legacy).toMatchObject({ fillPrice: 60700, fillQty: 1, filledQty: 1 });
  });

  it.each([
    ['확인', '-매도취소', 'cancelled'],
    ['확인', '+매수정정', 'modified'],
    ['취소', '+매수', 'cancelled'],
    ['거부', '+매수', 'rejected'],
    ['접수', '-매도', 'accepted'],
  ])('00 status %s with order kind %s → %s', (status, kind, expected) => {
    expect(orderStatusOf(record('real-00-order.json', '00', { '913': status, '905': kind }))).toBe(expected);
  });

  it('00 side from 907, else from the order kind; original order id when set', () => {
    const r = toOrderEvent(record('real-00-order.json', '00', { '907': '', '905': '-매도정정', '904': '0000017' }));
    expect(r).toMatchObject({ side: 'sell', originalOrderId: '0000017' });
    expect(toOrderEvent(record('real-00-order.json', '00', { '907': '', '905': '' }))).toBeUndefined();
  });

  it('04 → Position', () => {
    const p = toPosition(record('real-04-balance.json', '04'), NOW);
    expect(p).toMatchObject({
      kind: 'position',
      symbol: '005930',
      qty: 102,
      avgPrice: 154116,
      availableQty: 102,
      lastPrice: 60150,
      account: '1111111111',
      time: '2026-11-20T10:00:00+09:00',
    });
  });

  it('0J → IndexTick with a signed change', () => {
    expect(toIndexTick(record('real-0J-sector-index.json', '0J'))).toMatchObject({
      kind: 'index',
      symbol: '001',
      value: 1762.61,
      change: -189.51,
      direction: 'down',
      time: '2026-11-20T11:04:30+09:00',
    });
  });

  it('0s → MarketStatus', () => {
    expect(toMarketStatus(record('real-0s-market-session.json', '0s'))).toMatchObject({
      kind: 'status',
      symbol: '',
      phase: 'afterHours',
      code: 'b',
      time: '2026-11-20T17:00:00+09:00',
    });
    expect(['0', '3', '2', '4', 'R', 'V', 'x'].map(marketPhaseOf)).toEqual([
      'preOpen',
      'open',
      'preClose',
      'closed',
      'open',
      'closed',
      'unknown',
    ]);
  });

  it('02 and condition snapshots → ConditionEvents', () => {
    expect(toConditionEvent(record('real-02-condition.json', '02', { '843': 'D' }), NOW)).toMatchObject({
      kind: 'condition',
      seq: '4',
      symbol: '005930',
      action: 'leave',
      initial: false,
      time: '2026-11-20T15:20:28+09:00',
    });
    const initial = snapshotEvents({ kind: 'conditionSnapshot', seq: '2', symbols: ['005930', '000660'], rows: [] }, NOW);
    expect(initial.map((e) => [e.symbol, e.action, e.initial])).toEqual([
      ['005930', 'enter', true],
      ['000660', 'enter', true],
    ]);
  });
});

describe('kiwoom encoding (model → REAL entry) round-trips through decoding', () => {
  const at = kstInstant(Date.parse('2026-11-20T09:01:01+09:00'));
  const events: MarketEvent[] = [
    {
      kind: 'trade',
      broker: 'kiwoom',
      symbol: '005930',
      exchange: 'NXT',
      price: 60700,
      size: 500,
      side: 'sell',
      direction: 'up',
      ...at,
      raw: {},
    },
    {
      kind: 'book',
      broker: 'kiwoom',
      symbol: '005930',
      exchange: 'KRX',
      asks: [
        { price: 60800, size: 120 },
        { price: 60900, size: 50 },
      ],
      bids: [{ price: 60700, size: 300 }],
      ...at,
      raw: {},
    },
    {
      kind: 'order',
      broker: 'kiwoom',
      symbol: '005930',
      orderId: '0000123',
      side: 'buy',
      status: 'partiallyFilled',
      orderQty: 10,
      orderPrice: 60700,
      filledQty: 4,
      unfilledQty: 6,
      fillPrice: 60700,
      fillQty: 4,
      account: '5555555555',
      ...at,
      raw: {},
    },
    { kind: 'index', broker: 'kiwoom', symbol: '001', value: 2501.25, change: -3.5, direction: 'down', ...at, raw: {} },
    { kind: 'status', broker: 'kiwoom', symbol: '', phase: 'open', code: '3', ...at, raw: {} },
    // An unsigned FID 15 names no aggressor: the trade survives without a side.
    { kind: 'trade', broker: 'kiwoom', symbol: '005930', exchange: 'KRX', price: 60800, size: 7, direction: 'up', ...at, raw: {} },
  ];

  it.each(events.map((e) => [e.kind, e] as const))('%s', (_kind, event) => {
    const encoded = encodeEvent(event);
    if (!encoded) throw new Error('not encoded');
    const decoded = decodeRecord(tables, encoded.entry.type as RealCode, encoded.entry);
    if ('error' in decoded) throw new Error(decoded.error);
    const r = decoded as AnyRealRecord;
    const back =
      r.type === '0B'
        ? toTrade(r)
        : r.type === '0D'
          ? toOrderBook(r)
          : r.type === '00'
            ? toOrderEvent(r)
            : r.type === '0J'
              ? toIndexTick(r)
              : r.type === '0s'
                ? toMarketStatus(r)
                : undefined;
    const { raw: _a, ...expected } = event;
    // The day's figures and book totals come from the server's tape, not from the event: checked apart.
    const tapeFields =
      r.type === '0B'
        ? ['change', 'changePercent', 'cumulativeVolume', 'cumulativeTurnover']
        : r.type === '0D'
          ? ['totalBidSize', 'totalAskSize']
          : [];
    const { raw: _b, ...rest } = back as MarketEvent & Record<string, unknown>;
    const actual = Object.fromEntries(Object.entries(rest).filter(([k]) => !tapeFields.includes(k)));
    expect(actual).toEqual(expected);
  });

  it('keys: stock types by suffixed item, account types by type', () => {
    expect(encodeEvent(events[0])!.key).toBe('0B|005930_NX');
    expect(encodeEvent(events[2])!.key).toBe('00|');
    expect(
      encodeEvent({ kind: 'position', broker: 'kiwoom', symbol: '000660', qty: 3, avgPrice: 100, ...at, raw: {} })!.entry,
    ).toMatchObject({ type: '04', item: '000660', values: { '9001': '000660', '930': '3', '931': '100' } });
    // Signed against the previous close (here inferred from the bid: unchanged).
    expect(
      encodeEvent({ kind: 'quote', broker: 'kiwoom', symbol: '005930', bestAsk: 101, bestBid: 100, ...at, raw: {} })!.entry.values,
    ).toEqual({
      '27': '+101',
      '28': '100',
    });
  });
});
