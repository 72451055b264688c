/**
 * Every real-time type decodes from its official sample frame, with every FID of the sample named
 * (nothing left in `extra`) and values in the library's conventions.
 */
import * as fs from 'fs';
import { RealCode, realCodes } from '../../src/brokers/kiwoom/wire/real-types';
import { AnyRealRecord, RealRecord } from '../../src/brokers/kiwoom/wire/record';
import { sampleEntries } from '../../src/app/servers/kiwoom/samples';
import { dataOf, fixture, fixtureDir, fixtureText, makeCodec } from './support';

function decodeOne<C extends RealCode>(file: string, code: C): RealRecord<C> {
  const events = makeCodec().decode(fixtureText(file));
  expect(events.filter((e) => e.type !== 'data')).toEqual([]);
  const data = dataOf(events);
  expect(data).toHaveLength(1);
  const record = data[0].message as AnyRealRecord;
  expect(record.type).toBe(code);
  return record as RealRecord<C>;
}

const officialSamples = fs.readdirSync(fixtureDir).filter((f) => f.startsWith('real-') && !f.includes('production'));

describe('kiwoom: official samples', () => {
  it('there is a sample fixture for every decoded type', () => {
    const codes = officialSamples.map((f) => f.split('-')[1]).sort();
    expect(codes).toEqual([...realCodes].sort());
  });

  it.each(officialSamples)('%s: every FID is named (nothing left in extra)', (file) => {
    const record = decodeOne(file, file.split('-')[1] as RealCode);
    expect(record.extra).toEqual({});
  });

  it('the server ships the same sample entries as the fixtures', () => {
    for (const file of officialSamples) {
      const entry = fixture<{ data: unknown[] }>(file).data[0];
      const code = file.split('-')[1] as RealCode;
      expect(sampleEntries[code]).toEqual(entry);
    }
  });
});

describe('kiwoom: named values', () => {
  it('00 order: status, quantities, side, time on the trading date', () => {
    const r = decodeOne('real-00-order.json', '00');
    expect(r.symbol).toBe('005930');
    expect(r.fields).toMatchObject({
      account: '1111111111',
      orderId: '0000018',
      symbol: '005930',
      status: 'accepted',
      name: '삼성전자',
      orderQty: 1,
      orderPrice: 0,
      unfilledQty: 1,
      filledAmount: 0,
      originalOrderId: '0000000',
      orderKind: '+매수',
      priceType: '시장가',
      side: 'buy',
      time: '2026-11-20T09:40:22+09:00',
      lastPrice: 60700,
      direction: 'up',
      bestAsk: 60700,
      bestBid: 60000,
      terminalNo: '0701002',
      venue: 'KRX',
      venueName: 'KRX',
      sor: true,
    });
    // Blank values are absent, '00000000' dates are "none".
    expect(r.fields.executionPrice).toBeUndefined();
    expect(r.fields.unitFillQty).toBeUndefined();
    expect(r.fields.loanDate).toBeUndefined();
  });

  it('04 balance: holding, average price, sellable quantity', () => {
    const r = decodeOne('real-04-balance.json', '04');
    expect(r.fields).toMatchObject({
      account: '1111111111',
      symbol: '005930',
      lastPrice: 60150,
      direction: 'down',
      qty: 102,
      avgPrice: 154116,
      totalCost: 15719834,
      availableQty: 102,
      netBoughtToday: 4,
      lastSide: 'buy',
      bestAsk: 60200,
      bestBid: 60100,
      basePrice: 60300,
      pnlRate: 0,
    });
  });

  it('0A: a leading space is an unchanged price', () => {
    const r = decodeOne('real-0A-price-without-trade.json', '0A');
    expect(r.fields).toMatchObject({
      lastPrice: 86800,
      direction: 'up',
      change: 19500,
      changeRate: 28.97,
      low: 67300,
      changeSign: 'up',
      valueChange: 15843118000,
      marketCap: 5181771,
      limitUpTime: '2026-11-20T15:49:12+09:00',
    });
    expect(r.fields.limitDownTime).toBeUndefined(); // 000000 = none
  });

  it('0B trade: signed price → magnitude + direction, FID 15 sign → aggressor', () => {
    const r = decodeOne('real-0B-trade.json', '0B');
    expect(r.fields).toMatchObject({
      time: '2026-11-20T16:52:08+09:00',
      lastPrice: 20800,
      direction: 'down',
      change: -50,
      changeRate: -0.24,
      bestAsk: 20800,
      bestBid: 20700,
      size: 82,
      side: 'buy',
      cumulativeVolume: 30379732,
      cumulativeValue: 632640,
      open: 20850,
      high: 21150,
      low: 20450,
      changeSign: 'down',
      volumeChange: -1057122,
      tradeStrength: 98.92,
      session: 'regular',
      venue: 'KRX',
    });
  });

  it('0B production capture: fewer FIDs, space-padded zero', () => {
    const r = decodeOne('real-0B-trade-production.json', '0B');
    expect(r.item).toBe('000080');
    expect(r.fields).toMatchObject({ lastPrice: 15560, size: 356, side: 'buy', sellSize: 0, time: '2026-11-20T09:19:02+09:00' });
    expect(r.fields.change).toBeUndefined();
  });

  it('0C best quote', () => {
    const r = decodeOne('real-0C-best-quote.json', '0C');
    expect(r.fields).toEqual({ bestAsk: 20800, askDirection: 'down', bestBid: 20700, bidDirection: 'down' });
  });

  it('0D book: ten levels a side and the totals', () => {
    const r = decodeOne('real-0D-order-book.json', '0D');
    expect(r.fields).toMatchObject({
      time: '2026-11-20T16:52:07+09:00',
      askPrice1: 20800,
      askSize1: 82,
      askPrice10: 21350,
      askSize10: 1242991,
      bidPrice1: 20700,
      bidSize1: 23847,
      bidPrice10: 20250,
      bidSize10: 1062405,
      askSizeChange1: 0,
      totalAskSize: 12622527,
      totalAskSizeChange: -1036021,
      totalBidSize: 14453430,
      totalBidSizeChange: 1062126,
      netBidSize: 1830903,
      bidRatio: 114.51,
      netAskSize: -1830903,
      askRatio: 87.33,
      expectedPrice: 20850,
      expectedSize: 332941,
      expectedChangeSign: 'flat',
      cumulativeVolume: 30379650,
      expectedVolumeRate: -1.06,
    });
    expect(r.fields.marketOperation).toBeUndefined(); // '' = absent
  });

  it('0E after-hours totals', () => {
    const r = decodeOne('real-0E-after-hours-book.json', '0E');
    expect(r.fields).toEqual({
      time: '2026-11-20T16:52:08+09:00',
      afterHoursAskSize: 43955,
      afterHoursAskSizeChange: 156,
      afterHoursBidSize: 0,
      afterHoursBidSizeChange: 0,
    });
  });

  it('0F member firms', () => {
    const r = decodeOne('real-0F-member-firms.json', '0F');
    expect(r.fields).toMatchObject({
      sellBroker1: '미래에셋',
      sellBrokerCode1: '005',
      buyBrokerCode1: '993',
      sellBrokerColor1: '!!!!',
      exchangeCode: '2',
    });
    expect(r.fields.buyBroker1).toBeUndefined();
  });

  it('0G ETF NAV', () => {
    const r = decodeOne('real-0G-etf-nav.json', '0G');
    expect(r.fields).toMatchObject({
      nav: 7488.27,
      navDirection: 'up',
      navChange: 9.57,
      trackingError: 1.82,
      lastPrice: 7485,
      navPriceDivergence: -0.04,
    });
  });

  it('0H expected match: sell-side quantity', () => {
    const r = decodeOne('real-0H-expected-match.json', '0H');
    expect(r.fields).toMatchObject({ expectedPrice: 60500, direction: 'up', size: 7805, side: 'sell', cumulativeVolume: 768293 });
  });

  it('0I gold', () => {
    const r = decodeOne('real-0I-gold.json', '0I');
    expect(r.item).toBe('MGU');
    expect(r.fields).toEqual({ lastPrice: 337782, direction: 'down', changeSign: 'down', change: -1674, changeRate: -0.49 });
  });

  it('0J sector index: decimal levels, unsigned tick volume has no side', () => {
    const r = decodeOne('real-0J-sector-index.json', '0J');
    expect(r.symbol).toBe('001');
    expect(r.fields).toMatchObject({ value: 1762.61, direction: 'down', change: -189.51, size: 2800, open: 1949.04, high: 1961.28 });
    expect(r.fields.side).toBeUndefined();
  });

  it('0U breadth', () => {
    const r = decodeOne('real-0U-sector-breadth.json', '0U');
    expect(r.fields).toMatchObject({
      advancing: 46,
      limitUp: 1,
      unchanged: 166,
      declining: 204,
      limitDown: 16,
      value: 1757.42,
      tradedRatio: 43.2,
    });
  });

  it('0g stock info: blank-space text is absent', () => {
    const r = decodeOne('real-0g-stock-info.json', '0g');
    expect(r.fields).toEqual({ extension: '동정적VI', upperLimit: 78300, lowerLimit: 42300, basePrice: 60300 });
  });

  it('0m ELW theoretical', () => {
    const r = decodeOne('real-0m-elw-theoretical.json', '0m');
    expect(r.fields).toMatchObject({
      time: '2026-11-20T14:00:00+09:00',
      lastPrice: 450,
      direction: 'flat',
      impliedVolatility: 0,
      lpImpliedVolatility: 0,
    });
  });

  it('0s market session', () => {
    const r = decodeOne('real-0s-market-session.json', '0s');
    expect(r.symbol).toBe('');
    expect(r.fields).toEqual({ operation: 'b', time: '2026-11-20T17:00:00+09:00', timeToOpen: 0 });
  });

  it('0u ELW indicators', () => {
    const r = decodeOne('real-0u-elw-indicators.json', '0u');
    expect(r.fields).toEqual({
      time: '2026-11-20T11:18:47+09:00',
      parity: 69.13,
      premium: 0,
      gearing: 1037.04,
      breakEvenRate: 44.73,
      capitalSupportPoint: 44.78,
    });
  });

  it('0w program trading', () => {
    const r = decodeOne('real-0w-program-trading.json', '0w');
    expect(r.fields).toMatchObject({
      lastPrice: 60200,
      direction: 'down',
      programBuyQty: 8043,
      programBuyValue: 483,
      programNetBuyQty: 8043,
    });
  });

  it('1h volatility interruption', () => {
    const r = decodeOne('real-1h-volatility-interruption.json', '1h');
    expect(r.fields).toMatchObject({
      symbol: '005930',
      triggerPrice: 4125,
      triggerTime: '2026-11-20T11:14:54+09:00',
      releaseTime: '2026-11-20T11:17:03+09:00',
      viKind: 'static',
      staticDivergenceRate: 10,
      viCount: 1,
      viLabel: '+정적',
    });
  });

  it('02 condition push, with and without FID 907', () => {
    expect(decodeOne('real-02-condition.json', '02').fields).toEqual({
      conditionSeq: '4',
      symbol: '005930',
      action: 'enter',
      time: '2026-11-20T15:20:28+09:00',
      side: 'buy',
    });
    const prod = decodeOne('real-02-condition-production.json', '02');
    expect(prod.fields).toEqual({ conditionSeq: '3', symbol: '079650', action: 'enter', time: '2026-11-20T10:06:21+09:00' });
  });
});

describe('kiwoom: tolerant and strict', () => {
  const frame = (type: string, values: Record<string, unknown>, item = '005930'): string =>
    JSON.stringify({ trnm: 'REAL', data: [{ type, item, values }] });

  it('keeps added FIDs in extra instead of failing', () => {
    const events = makeCodec().decode(frame('0C', { '27': '-100', '28': '-90', '9999': 'new' }));
    const r = dataOf(events)[0].message as RealRecord<'0C'>;
    expect(r.fields.bestAsk).toBe(100);
    expect(r.extra).toEqual({ '9999': 'new' });
  });

  it('keeps an unreadable optional value in extra and decodes the rest', () => {
    const events = makeCodec().decode(frame('0B', { '20': '090000', '10': '+100', '15': '-5', '13': 'n/a' }));
    const r = dataOf(events)[0].message as RealRecord<'0B'>;
    expect(r.fields.cumulativeVolume).toBeUndefined();
    expect(r.extra).toEqual({ '13': 'n/a' });
    expect(r.fields.side).toBe('sell');
  });

  it.each([
    ['no price', { '20': '090000', '15': '+1' }, /FID 10 \(lastPrice\) is missing/],
    ['a bad price', { '20': '090000', '10': 'abc', '15': '+1' }, /FID 10 \(lastPrice\)/],
  ])('a 0B with %s is a decode failure, reported with the frame', (_what, values, message) => {
    const text = frame('0B', values);
    const events = makeCodec().decode(text);
    expect(events).toHaveLength(1);
    const e = events[0];
    expect(e.type).toBe('report');
    if (e.type !== 'report') return;
    expect(e.error.kind).toBe('decode');
    expect(e.error.message).toMatch(message);
    expect(e.error.raw).toBe(text);
  });

  it('a 0B without a time decodes (the mapping stamps it on receipt); an unreadable time is kept in extra', () => {
    const none = dataOf(makeCodec().decode(frame('0B', { '10': '+100', '15': '+1' })))[0].message as RealRecord<'0B'>;
    expect([none.fields.time, none.fields.lastPrice, none.extra]).toEqual([undefined, 100, {}]);
    const bad = dataOf(makeCodec().decode(frame('0B', { '20': '250000', '10': '+100', '15': '+1' })))[0].message as RealRecord<'0B'>;
    expect([bad.fields.time, bad.extra]).toEqual([undefined, { '20': '250000' }]);
  });

  it('one bad entry spares the other entries of its frame', () => {
    const text = JSON.stringify({
      trnm: 'REAL',
      data: [
        { type: '0B', item: '005930', values: { '10': '+100' } },
        { type: '0C', item: '005930', values: { '27': '+101', '28': '+100' } },
        { type: 'ZZ', item: '005930', values: {} },
        { type: '0C' },
      ],
    });
    const events = makeCodec().decode(text);
    expect(events.map((e) => e.type)).toEqual(['report', 'data', 'report', 'report']);
  });

  it('accepts values as a one-element list and numbers as values', () => {
    const text = JSON.stringify({ trnm: 'REAL', data: [{ type: '0C', item: '005930', values: [{ '27': 101, '28': '+100' }] }] });
    const r = dataOf(makeCodec().decode(text))[0].message as RealRecord<'0C'>;
    expect(r.fields).toMatchObject({ bestAsk: 101, bestBid: 100 });
  });

  it.each(['not json', '{"trnm":"WHAT"}', '[]', 'null'])('reports %s as a decode failure', (text) => {
    const events = makeCodec().decode(text);
    expect(events).toHaveLength(1);
    expect(events[0].type).toBe('report');
  });

  it('reads a venue suffix from the item', () => {
    const text = JSON.stringify({ trnm: 'REAL', data: [{ type: '0C', item: '005930_AL', values: { '27': '+101', '28': '+100' } }] });
    const [d] = dataOf(makeCodec().decode(text));
    expect(d.key).toBe('0C|005930_AL');
    expect(d.message).toMatchObject({ symbol: '005930', exchange: 'SOR', item: '005930_AL' });
  });
});
