/**
 * Conformance of the Kiwoom and KIS simulators with the venues' official sample frames (copied as
 * data into __tests__/fixtures from the protocol notes): each sample is read as the market event it
 * describes, published through the simulator's encoder, and the frame that comes out must carry
 * the sample's fields, field for field — the same FIDs (Kiwoom) or positions (KIS), numbers with
 * the same decimals, prices signed where the sample signs them.
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import { IndexTick, MarketStatus, OrderBook, OrderEvent, Position, Quote, Trade } from '../../src/model';
import { encodeEvents } from '../../src/app/servers/kiwoom/encode';
import { bookRecord, noticeRecord, statusRecord, tradeRecord } from '../../src/app/servers/kis/encode';
import { KrxTapes } from '../../src/app/servers/krx-tape';
import { layouts } from '../../src/brokers/kis/wire/fields';
import { frames as kisFrames, testVector, valuesOf } from '../kis/samples';

type Values = Record<string, string>;
const fixture = (name: string): { type: string; item: string; values: Values } =>
  JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'kiwoom', name), 'utf8')).data[0];

const num = (v: string): number => Math.abs(Number(v.trim()));
const at = (hhmmss: string) => {
  const iso = `2026-11-20T${hhmmss.slice(0, 2)}:${hhmmss.slice(2, 4)}:${hhmmss.slice(4, 6)}+09:00`;
  return { time: iso, timestamp: Date.parse(iso), raw: {} };
};

/** What a value looks like: empty, or a number with its decimals and whether it may carry a sign. */
function shape(v: string): string {
  if (v === '') return 'empty';
  const m = /^([+-]?)(\d+)(?:\.(\d+))?$/.exec(v.trim());
  if (!m) return 'text';
  return `number/${(m[3] ?? '').length}dp`;
}

/** Fields whose shapes differ between sample and simulator (only where the sample's is blank). */
function shapeMismatches(sample: Values, ours: Values): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(sample)) {
    if (v === '' || ours[k] === '') continue; // the sample leaves it blank, or the simulator has nothing to say
    if (shape(v) !== shape(ours[k])) out.push(`${k}: sample ${JSON.stringify(v)} vs ${JSON.stringify(ours[k])}`);
  }
  return out;
}

/** Signed prices: where the sample signs a price field against the previous close, so does the simulator. */
function unsignedWhereSampleSigns(sample: Values, ours: Values, fields: readonly string[]): string[] {
  return fields.filter((f) => /^[+-]/.test(sample[f] ?? '') && ours[f] !== undefined && !/^[+-]/.test(ours[f]) && num(ours[f]) !== 0);
}

describe('Kiwoom: the official REAL samples through the simulator encoder, field for field', () => {
  const check = (sample: { values: Values }, events: readonly { entry: { values: Values } }[], signed: readonly string[] = []) => {
    expect(events.length).toBeGreaterThan(0);
    const ours = events[0].entry.values;
    expect(Object.keys(ours).sort()).toEqual(Object.keys(sample.values).sort());
    expect(shapeMismatches(sample.values, ours)).toEqual([]);
    expect(unsignedWhereSampleSigns(sample.values, ours, signed)).toEqual([]);
  };

  it('0B 주식체결', () => {
    const s = fixture('real-0B-trade.json');
    const v = s.values;
    const tapes = new KrxTapes();
    tapes.setPreviousClose('005930', num(v['10']) - Number(v['11']));
    const book: OrderBook = {
      kind: 'book',
      broker: 'kiwoom',
      symbol: '005930',
      ...at(v['20']),
      asks: [{ price: num(v['27']), size: 100 }],
      bids: [{ price: num(v['28']), size: 100 }],
    };
    encodeEvents(book, tapes);
    const trade: Trade = {
      kind: 'trade',
      broker: 'kiwoom',
      symbol: '005930',
      ...at(v['20']),
      price: num(v['10']),
      size: num(v['15']),
      side: v['15'].startsWith('+') ? 'buy' : 'sell',
    };
    const out = encodeEvents(trade, tapes);
    check(s, out, ['10', '27', '28', '17', '18']);
    expect(out[0].entry.values).toMatchObject({
      '10': v['10'],
      '11': v['11'],
      '12': v['12'],
      '15': v['15'],
      '20': v['20'],
      '25': v['25'],
      '27': v['27'],
      '28': v['28'],
    });
  });

  it('0D 주식호가잔량 (full sample, book prices signed against the previous close)', () => {
    const s = fixture('real-0D-order-book.json');
    const v = s.values;
    const tapes = new KrxTapes();
    tapes.setPreviousClose('005930', 20_850);
    const side = (price: number, size: number) =>
      Array.from({ length: 10 }, (_, i) => ({ price: num(v[String(price + i)]), size: num(v[String(size + i)]) }));
    const book: OrderBook = { kind: 'book', broker: 'kiwoom', symbol: '005930', ...at(v['21']), asks: side(41, 61), bids: side(51, 71) };
    const out = encodeEvents(book, tapes);
    check(s, out, ['41', '42', '50', '51', '52', '60']);
    const ours = out[0].entry.values;
    for (let f = 41; f <= 80; f++) expect([f, ours[String(f)]]).toEqual([f, v[String(f)]]);
    expect({
      '121': ours['121'],
      '125': ours['125'],
      '128': ours['128'],
      '129': ours['129'],
      '138': ours['138'],
      '139': ours['139'],
    }).toEqual({
      '121': v['121'],
      '125': v['125'],
      '128': v['128'],
      '129': v['129'],
      '138': v['138'],
      '139': v['139'],
    });
  });

  it('0C 주식우선호가', () => {
    const s = fixture('real-0C-best-quote.json');
    const tapes = new KrxTapes();
    tapes.setPreviousClose('005930', 20_850);
    const quote: Quote = {
      kind: 'quote',
      broker: 'kiwoom',
      symbol: '005930',
      ...at('090000'),
      bestAsk: num(s.values['27']),
      bestBid: num(s.values['28']),
    };
    const out = encodeEvents(quote, tapes);
    check(s, out, ['27', '28']);
    expect(out[0].entry.values).toEqual(s.values);
  });

  it('00 주문체결', () => {
    const s = fixture('real-00-order.json');
    const v = s.values;
    const order: OrderEvent = {
      kind: 'order',
      broker: 'kiwoom',
      symbol: '005930',
      ...at(v['908']),
      orderId: v['9203'],
      side: 'buy',
      status: 'accepted',
      orderQty: num(v['900']),
      orderPrice: num(v['901']),
      filledQty: 0,
      unfilledQty: num(v['902']),
      account: v['9201'],
    };
    check(s, encodeEvents(order, new KrxTapes()));
  });

  it('04 잔고', () => {
    const s = fixture('real-04-balance.json');
    const v = s.values;
    const position: Position = {
      kind: 'position',
      broker: 'kiwoom',
      symbol: '005930',
      ...at('090000'),
      qty: num(v['930']),
      avgPrice: num(v['931']),
      lastPrice: num(v['10']),
      account: v['9201'],
    };
    const tapes = new KrxTapes();
    tapes.setPreviousClose('005930', num(v['307']));
    check(s, encodeEvents(position, tapes), ['10']);
  });

  it('0J 업종지수', () => {
    const s = fixture('real-0J-sector-index.json');
    const v = s.values;
    const index: IndexTick = {
      kind: 'index',
      broker: 'kiwoom',
      symbol: '001',
      ...at(v['20']),
      value: num(v['10']),
      change: Number(v['11']),
    };
    check(s, encodeEvents(index, new KrxTapes()), ['10', '11']);
  });

  it('0s 장시작시간', () => {
    const s = fixture('real-0s-market-session.json');
    const status: MarketStatus = {
      kind: 'status',
      broker: 'kiwoom',
      symbol: '',
      ...at(s.values['20']),
      phase: 'afterHours',
      code: s.values['215'],
    };
    check(s, encodeEvents(status, new KrxTapes()));
  });

  it('1h VI발동/해제', () => {
    const s = fixture('real-1h-volatility-interruption.json');
    const status: MarketStatus = {
      kind: 'status',
      broker: 'kiwoom',
      symbol: '005930',
      ...at(s.values['1223']),
      phase: 'halted',
      code: 'VI',
      halted: true,
    };
    const out = encodeEvents(status, new KrxTapes());
    expect(Object.keys(out[0].entry.values).sort()).toEqual(Object.keys(s.values).sort());
  });
});

describe('KIS: the official sample records through the simulator encoder, position for position', () => {
  const named = (trId: keyof typeof layouts, values: readonly string[], layout = 0): Values =>
    Object.fromEntries(layouts[trId][layout].map((n, i) => [n, values[i]]));

  it('H0STCNT0 (46 values)', () => {
    const sample = valuesOf(kisFrames.H0STCNT0);
    const v = named('H0STCNT0', sample);
    const tapes = new KrxTapes();
    tapes.setPreviousClose('005930', Number(v.STCK_PRPR) - Number(v.PRDY_VRSS));
    const tape = tapes.of('005930');
    const trade: Trade = {
      kind: 'trade',
      broker: 'kis',
      symbol: '005930',
      ...at(v.STCK_CNTG_HOUR),
      price: Number(v.STCK_PRPR),
      size: Number(v.CNTG_VOL),
      side: 'buy',
    };
    const ours = tradeRecord('H0STCNT0', trade, tape);
    expect(ours).toHaveLength(sample.length);
    expect(shapeMismatches(v, named('H0STCNT0', ours))).toEqual([]);
    expect(named('H0STCNT0', ours)).toMatchObject({
      STCK_PRPR: '71900',
      PRDY_VRSS_SIGN: '5',
      PRDY_VRSS: '-100',
      PRDY_CTRT: '-0.14',
      CNTG_VOL: '1',
      CCLD_DVSN: '1',
    });
  });

  it('H0STASP0 (59 values)', () => {
    const sample = valuesOf(kisFrames.H0STASP0);
    const v = named('H0STASP0', sample);
    const side = (p: string, q: string) =>
      Array.from({ length: 10 }, (_, i) => ({ price: Number(v[`${p}${i + 1}`]), size: Number(v[`${q}${i + 1}`]) }));
    const book: OrderBook = {
      kind: 'book',
      broker: 'kis',
      symbol: '005930',
      ...at(v.BSOP_HOUR),
      asks: side('ASKP', 'ASKP_RSQN'),
      bids: side('BIDP', 'BIDP_RSQN'),
    };
    const ours = bookRecord('H0STASP0', book, new KrxTapes().of('005930'));
    expect(ours).toHaveLength(sample.length);
    // Auction fields (expected price, signs) are blank-ish outside an auction; the rest match in shape.
    const mismatches = shapeMismatches(v, named('H0STASP0', ours)).filter((m) => !/^ANTC_/.test(m));
    expect(mismatches).toEqual([]);
    expect(ours.slice(3, 43)).toEqual(sample.slice(3, 43));
    expect(named('H0STASP0', ours)).toMatchObject({ TOTAL_ASKP_RSQN: v.TOTAL_ASKP_RSQN, TOTAL_BIDP_RSQN: v.TOTAL_BIDP_RSQN });
  });

  it('H0STMKO0 (10 values, as on the wire)', () => {
    const sample = valuesOf(kisFrames.H0STMKO0);
    // The sample announces the pre-open expected session; the simulator's pre-open call notice (Kiwoom 0s '0').
    const status: MarketStatus = { kind: 'status', broker: 'kis', symbol: sample[0], ...at('083000'), phase: 'preOpen', code: '0' };
    const ours = statusRecord('H0STMKO0', status);
    expect(ours).toHaveLength(sample.length);
    expect([ours[0], ours[1], ours[2], ours[7], ours[8], ours[9]]).toEqual([
      sample[0],
      sample[1],
      sample[2],
      sample[7],
      sample[8],
      sample[9],
    ]);
    expect(ours[3]).toBe('110');
  });

  it('H0STCNI0 notice (26-field layout)', () => {
    const sample = testVector.plaintext;
    const ours = noticeRecord(
      'H0STCNI0',
      {
        kind: 'order',
        broker: 'kis',
        symbol: '005930',
        ...at('093015'),
        orderId: '0000012345',
        side: 'buy',
        status: 'filled',
        orderQty: 10,
        orderPrice: 71000,
        filledQty: 10,
        unfilledQty: 0,
        fillPrice: 71000,
        fillQty: 10,
      },
      'testhts',
    );
    expect(ours).toHaveLength(26);
    expect(
      shapeMismatches(Object.fromEntries(sample.split('^').map((x, i) => [i, x])), Object.fromEntries(ours.map((x, i) => [i, x]))),
    ).toEqual([]);
  });
});
