import { FrameEvent } from '../../src/core/protocol';
import { KisMessage } from '../../src/brokers/kis/wire/message';
import { KisTrade } from '../../src/brokers/kis/wire/trade';
import { KisOrderBook } from '../../src/brokers/kis/wire/book';
import { KisExpectedTrade } from '../../src/brokers/kis/wire/expected';
import { KisMarketStatus } from '../../src/brokers/kis/wire/market-status';
import { KisOrderEvent } from '../../src/brokers/kis/wire/notice';
import { encryptPayload } from '../../src/brokers/kis/wire/cipher';
import { NOW, makeCodec } from './codec-helpers';
import { frameOf, frames, notices, replyOf, subscribeReply, testVector, valuesOf } from './samples';

type Event = FrameEvent<KisMessage>;
const data = (events: readonly Event[]) => events.filter((e): e is Extract<Event, { type: 'data' }> => e.type === 'data');
const reports = (events: readonly Event[]) => events.filter((e): e is Extract<Event, { type: 'report' }> => e.type === 'report');

describe('KIS codec: sample frames of every tr_id', () => {
  it('decodes the H0STCNT0 sample into a Trade', () => {
    const events = makeCodec().decode(frames.H0STCNT0);
    expect(reports(events)).toEqual([]);
    const [event] = data(events);
    expect(event.key).toBe('H0STCNT0|005930');
    const trade = event.message as KisTrade;
    expect(trade).toMatchObject({
      kind: 'trade',
      broker: 'kis',
      symbol: '005930',
      price: 71900,
      size: 1,
      side: 'buy', // CCLD_DVSN 1
      direction: 'down', // PRDY_VRSS_SIGN 5
      exchange: 'KRX',
      time: '2023-06-12T09:33:54+09:00', // BSOP_DATE + STCK_CNTG_HOUR
      // The day's figures: PRDY_VRSS -100 and PRDY_CTRT -0.14 (%), ACML_VOL, ACML_TR_PBMN.
      change: -100,
      changePercent: -0.14,
      cumulativeVolume: 3052507,
      cumulativeTurnover: 219853241700,
    });
    expect(trade.timestamp).toBe(Date.parse('2023-06-12T09:33:54+09:00'));
    expect(trade.raw.fields.CTTR).toBe('84.90');
    expect(trade.raw.fields.VI_STND_PRC).toBe('72100');
    expect(trade.raw.fields.MRKT_TRTM_CLS_CODE).toBe(''); // trailing empty value kept in place
    expect(trade.raw.extra).toEqual([]);
  });

  it('decodes the H0STASP0 sample into a ten-level OrderBook, best first', () => {
    const [event] = data(makeCodec().decode(frames.H0STASP0));
    expect(event.key).toBe('H0STASP0|005930');
    const book = event.message as KisOrderBook;
    expect(book.kind).toBe('book');
    expect(book.asks).toHaveLength(10);
    expect(book.bids).toHaveLength(10);
    expect(book.asks[0]).toEqual({ price: 71900, size: 91918 });
    expect(book.asks[9]).toEqual({ price: 72800, size: 104229 });
    expect(book.bids[0]).toEqual({ price: 71800, size: 95221 });
    expect(book.bids[9]).toEqual({ price: 70900, size: 158171 });
    // Books carry no date: the session clock's KST date is used.
    expect(book.time).toBe('2026-03-05T09:37:30+09:00');
    expect(book.raw.fields.ANTC_CNTG_VRSS).toBe('-72000');
    // TOTAL_BIDP_RSQN / TOTAL_ASKP_RSQN of the sample.
    expect([book.totalBidSize, book.totalAskSize]).toEqual([2095167, 1159362]);
  });

  it('decodes both H0STANC0 samples (45 and 46 values) into the shared ExpectedTrade', () => {
    const [a] = data(makeCodec().decode(frames.H0STANC0_2024));
    expect(a.message as KisExpectedTrade).toEqual({
      kind: 'expectedTrade',
      broker: 'kis',
      symbol: '005930',
      exchange: 'KRX',
      price: 77600,
      size: 64,
      cumulativeVolume: 221986,
      change: 1300,
      changePercent: 1.7,
      direction: 'up',
      timestamp: Date.parse('2024-04-26T08:49:45+09:00'),
      raw: expect.anything(),
      time: '2024-04-26T08:49:45+09:00',
    });
    const events = makeCodec().decode(frames.H0STANC0_2026_2records);
    expect(reports(events)).toEqual([]);
    const two = data(events).map((e) => e.message as KisExpectedTrade);
    expect(two.map((e) => e.time)).toEqual(['2026-07-07T08:51:30+09:00', '2026-07-07T08:51:31+09:00']);
    expect(two[0]).toMatchObject({ price: 308000, change: -10000, changePercent: -3.14, direction: 'down' });
    expect(two[0].raw.fields.VI_STND_PRC).toBe('318000');
  });

  it('decodes the H0STMKO0 sample into a MarketStatus', () => {
    const [event] = data(makeCodec().decode(frames.H0STMKO0));
    expect(event.key).toBe('H0STMKO0|396300');
    expect(event.message as KisMarketStatus).toMatchObject({
      kind: 'status',
      symbol: '396300',
      code: '311', // expected-session code when MKOP_CLS_CODE is empty
      phase: 'preOpen',
      halted: false,
      time: '2026-03-05T10:00:00+09:00',
    });
  });

  it('decodes the live H0UNMKO0 payload, which starts with the stock code', () => {
    const [event] = data(makeCodec().decode(frames.H0UNMKO0));
    expect(event.key).toBe('H0UNMKO0|100840');
    expect(event.message as KisMarketStatus).toMatchObject({ code: 'AB1', phase: 'unknown', halted: false });
    expect((event.message as KisMarketStatus).exchange).toBeUndefined();
  });

  it('reads a doc-style H0UNMKO0 record (no code) for the only registered key', () => {
    const codec = makeCodec();
    codec.subscribe(['H0UNMKO0|005930']);
    const [event] = data(codec.decode('0|H0UNMKO0|001|Y^(null)^164^^^^55^N^N^'));
    expect(event.key).toBe('H0UNMKO0|005930');
    expect(event.message as KisMarketStatus).toMatchObject({ symbol: '005930', phase: 'halted', halted: true, code: '164' });
  });

  it('a refused key no longer counts: a doc-style H0UNMKO0 record goes to the key that is left', () => {
    const codec = makeCodec();
    codec.subscribe(['H0UNMKO0|005930', 'H0UNMKO0|000660']);
    expect(codec.decode(replyOf('H0UNMKO0', '000660', '1', 'OPSP8992', 'SUBSCRIBE ERROR : invalid tr_key'))).toMatchObject([
      { type: 'rejected', keys: ['H0UNMKO0|000660'] },
    ]);
    const [event] = data(codec.decode('0|H0UNMKO0|001|Y^(null)^164^^^^55^N^N^'));
    expect(event.key).toBe('H0UNMKO0|005930');
  });

  it.each([
    ['H0NXCNT0', 'H0STCNT0', 'trade', 'NXT'],
    ['H0UNCNT0', 'H0STCNT0', 'trade', undefined],
    ['H0NXASP0', 'H0STASP0', 'book', 'NXT'],
    ['H0UNASP0', 'H0STASP0', 'book', undefined],
    ['H0NXANC0', 'H0STANC0_2024', 'expectedTrade', 'NXT'],
    ['H0UNANC0', 'H0STANC0_2024', 'expectedTrade', undefined],
    ['H0NXMKO0', 'H0STMKO0', 'status', 'NXT'],
  ] as const)('decodes %s (same layout as the KRX sample) as %s', (trId, sample, kind, exchange) => {
    const frame = frameOf(trId, [valuesOf(frames[sample])]);
    const events = makeCodec().decode(frame);
    expect(reports(events)).toEqual([]);
    const [event] = data(events);
    expect(event.key).toBe(`${trId}|${valuesOf(frames[sample])[0]}`);
    expect(event.message.kind).toBe(kind);
    expect((event.message as { exchange?: string }).exchange).toBe(exchange);
  });

  it('names index 21 CNTG_CLS_CODE on NXT/UN trades and still reads the side from it', () => {
    const values = valuesOf(frames.H0STCNT0);
    values[21] = '5';
    const [event] = data(makeCodec().decode(frameOf('H0UNCNT0', [values])));
    const trade = event.message as KisTrade;
    expect(trade.side).toBe('sell');
    expect(trade.raw.fields.CNTG_CLS_CODE).toBe('5');
    expect('CCLD_DVSN' in trade.raw.fields).toBe(false);
  });

  it.each([
    ['H0STCNI0', 'receipt23'],
    ['H0STCNI9', 'fill23'],
  ] as const)('decodes an encrypted %s notice (%s sample, 23 fields)', (trId, sample) => {
    const codec = makeCodec();
    const cipher = { key: 'abcdefghijklmnopabcdefghijklmnop', iv: '0123456789abcdef' };
    codec.subscribe([`${trId}|HTS ID`]);
    codec.decode(subscribeReply(trId, 'HTS ID', cipher));
    const events = codec.decode(`1|${trId}|001|${encryptPayload(notices[sample].payload, cipher)}`);
    expect(reports(events)).toEqual([]);
    const [event] = data(events);
    expect(event.key).toBe(`${trId}|HTS ID`);
    const order = event.message as KisOrderEvent;
    expect(order).toMatchObject({ kind: 'order', symbol: '136480', orderId: '0000002891', side: 'buy', account: '1234567801' });
    expect(order.time).toBe('2026-03-05T09:49:41+09:00');
    if (sample === 'receipt23') {
      // Receipt: the fill slots carry the order quantity and price (market order: 0).
      expect(order).toMatchObject({ status: 'accepted', orderQty: 1, orderPrice: 0, filledQty: 0, unfilledQty: 1 });
      expect(order.fillQty).toBeUndefined();
    } else {
      expect(order).toMatchObject({ status: 'filled', orderQty: 1, fillQty: 1, fillPrice: 3190, filledQty: 1, unfilledQty: 0 });
    }
    expect(order.raw.fields.CNTG_ISNM).toBe('하림');
  });
});

describe('KIS codec: encrypted notices', () => {
  it('decrypts the test vector to the right 26-field fill', () => {
    const codec = makeCodec();
    codec.subscribe(['H0STCNI0|testhts']);
    expect(codec.decode(subscribeReply('H0STCNI0', 'testhts', testVector))).toEqual([{ type: 'subscribed', keys: ['H0STCNI0|testhts'] }]);
    const events = codec.decode(`1|H0STCNI0|001|${testVector.ciphertext}`);
    expect(reports(events)).toEqual([]);
    const [event] = data(events);
    expect(event.key).toBe('H0STCNI0|testhts');
    const order = event.message as KisOrderEvent;
    expect(order).toMatchObject({
      kind: 'order',
      broker: 'kis',
      symbol: '005930',
      orderId: '0000012345',
      side: 'buy',
      status: 'filled',
      orderQty: 10,
      orderPrice: 71000,
      fillQty: 10,
      fillPrice: 71000,
      filledQty: 10,
      unfilledQty: 0,
      account: '1234567801',
      time: '2026-03-05T09:30:15+09:00',
    });
    expect(order.raw.fields.CNTG_ISNM40).toBe('SAMSUNG');
    expect(order.raw.fields.FILLER).toBe('   ');
    expect(order.raw.extra).toEqual([]);
  });

  it('drops (and reports) an encrypted frame that arrives before its key', () => {
    const events = makeCodec().decode(`1|H0STCNI0|001|${testVector.ciphertext}`);
    expect(data(events)).toEqual([]);
    expect(reports(events)[0].error).toMatchObject({ kind: 'decode', message: expect.stringContaining('before its key') });
  });

  it('reports a frame encrypted with another key instead of emitting garbage', () => {
    const codec = makeCodec();
    codec.decode(subscribeReply('H0STCNI0', 'testhts', { key: 'ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ', iv: 'YYYYYYYYYYYYYYYY' }));
    const events = codec.decode(`1|H0STCNI0|001|${testVector.ciphertext}`);
    expect(data(events)).toEqual([]);
    expect(reports(events)).toHaveLength(1);
    expect(reports(events)[0].error.kind).toBe('decode');
  });

  it('reports a notice with an unknown side and emits nothing for it', () => {
    const codec = makeCodec();
    codec.decode(subscribeReply('H0STCNI0', 'testhts', testVector));
    const v = testVector.plaintext.split('^');
    v[4] = '07';
    const events = codec.decode(`1|H0STCNI0|001|${encryptPayload(v.join('^'), testVector)}`);
    expect(data(events)).toEqual([]);
    expect(reports(events)[0].error.message).toMatch(/SELN_BYOV_CLS/);
  });

  it('adds fills up per order: a partial fill, then the rest', () => {
    const codec = makeCodec();
    const cipher = { key: 'abcdefghijklmnopabcdefghijklmnop', iv: '0123456789abcdef' };
    codec.subscribe(['H0STCNI0|testhts']);
    codec.decode(subscribeReply('H0STCNI0', 'testhts', cipher));
    const fill = (qty: string) => {
      const v = testVector.plaintext.split('^');
      v[9] = qty;
      return `1|H0STCNI0|001|${encryptPayload(v.join('^'), cipher)}`;
    };
    const first = data(codec.decode(fill('0000000004')))[0].message as KisOrderEvent;
    const second = data(codec.decode(fill('0000000006')))[0].message as KisOrderEvent;
    expect(first).toMatchObject({ status: 'partiallyFilled', fillQty: 4, filledQty: 4, unfilledQty: 6 });
    expect(second).toMatchObject({ status: 'filled', fillQty: 6, filledQty: 10, unfilledQty: 0 });
  });
});

describe('KIS codec: records and layouts', () => {
  it('yields one event per record of a multi-record frame', () => {
    const values = valuesOf(frames.H0STCNT0);
    const records = [1, 2, 3, 4].map((i) => {
      const r = [...values];
      r[1] = `09335${i}`;
      r[2] = String(71900 + i * 100);
      return r;
    });
    const events = makeCodec().decode(frameOf('H0STCNT0', records));
    const trades = data(events).map((e) => e.message as KisTrade);
    expect(trades.map((t) => t.price)).toEqual([72000, 72100, 72200, 72300]);
    expect(trades.map((t) => t.time.slice(11, 19))).toEqual(['09:33:51', '09:33:52', '09:33:53', '09:33:54']);
  });

  it('routes each record of a frame by its own stock code', () => {
    const a = valuesOf(frames.H0STCNT0);
    const b = [...a];
    b[0] = '000660';
    const keys = data(makeCodec().decode(frameOf('H0STCNT0', [a, b]))).map((e) => e.key);
    expect(keys).toEqual(['H0STCNT0|005930', 'H0STCNT0|000660']);
  });

  it.each([
    ['H0STCNT0', 46, false],
    ['H0STCNT0', 47, false],
    ['H0STASP0', 59, false],
    ['H0STASP0', 62, false],
    ['H0STASP0', 63, false],
    ['H0NXASP0', 62, false],
    ['H0NXASP0', 65, false],
    ['H0UNASP0', 65, false],
    ['H0UNASP0', 66, false],
    ['H0STANC0', 45, false],
    ['H0NXANC0', 46, false],
    ['H0UNANC0', 47, false],
    ['H0STMKO0', 10, false],
    ['H0STMKO0', 11, false],
    ['H0STASP0', 64, true],
    ['H0STCNT0', 49, true],
  ] as const)('%s with %i values per record: unknown tail reported = %s', (trId, length, unknownTail) => {
    const base = trId.includes('CNT')
      ? valuesOf(frames.H0STCNT0)
      : trId.includes('ASP')
        ? valuesOf(frames.H0STASP0)
        : trId.includes('ANC')
          ? valuesOf(frames.H0STANC0_2024)
          : valuesOf(frames.H0STMKO0);
    const values = [...base, ...Array.from({ length: length - base.length }, (_, i) => `X${i}`)].slice(0, length);
    const events = makeCodec().decode(frameOf(trId, [values, values]));
    expect(data(events)).toHaveLength(2);
    expect(reports(events)).toHaveLength(unknownTail ? 1 : 0);
    const raw = (data(events)[0].message as KisTrade).raw;
    expect(Object.keys(raw.fields).length + raw.extra.length).toBe(length);
    // Named fields never shift: the code and the time stay where the base layout puts them.
    expect(data(events)[0].message.symbol).toBe(base[0]);
  });

  it('keeps unknown trailing values in raw.extra and reports them once per (tr_id, length)', () => {
    const reported = new Set<string>();
    const values = [...valuesOf(frames.H0STCNT0), 'NEW1', 'NEW2'];
    const first = makeCodec(reported).decode(frameOf('H0STCNT0', [values]));
    const again = makeCodec(reported).decode(frameOf('H0STCNT0', [values])); // even on a new connection
    expect(reports(first)).toHaveLength(1);
    expect(reports(first)[0].error).toMatchObject({ kind: 'notice', message: expect.stringContaining('raw.extra') });
    expect(reports(again)).toHaveLength(0);
    const trade = data(first)[0].message as KisTrade;
    // 48 values: the 47-value layout (MARKET_CLS_CODE appended) names one, one is extra.
    expect(trade.raw.fields.MARKET_CLS_CODE).toBe('NEW1');
    expect(trade.raw.extra).toEqual(['NEW2']);
    expect(trade.price).toBe(71900);
  });

  it('reads a 26-field notice and a 23-field one by their length', () => {
    const codec = makeCodec();
    const cipher = { key: 'abcdefghijklmnopabcdefghijklmnop', iv: '0123456789abcdef' };
    codec.decode(subscribeReply('H0STCNI0', 'HTS ID', cipher));
    const send = (text: string) => data(codec.decode(`1|H0STCNI0|001|${encryptPayload(text, cipher)}`))[0].message as KisOrderEvent;
    expect(Object.keys(send(notices.fill23.payload).raw.fields)).toHaveLength(23);
    expect(Object.keys(send(testVector.plaintext).raw.fields)).toHaveLength(26);
  });
});

describe('KIS codec: malformed frames are reported and skipped', () => {
  it.each([
    ['a record count that does not divide the values', frames.H0STCNT0.replace('|001|', '|002|')],
    ['too few values for any layout', '0|H0STCNT0|001|005930^093354^71900'],
    ['no envelope', '0|H0STCNT0'],
    ['a zero record count', frames.H0STCNT0.replace('|001|', '|000|')],
    ['a non-numeric record count', frames.H0STCNT0.replace('|001|', '|0x1|')],
    ['an unknown tr_id', frameOf('H0ZZZZZ0', [valuesOf(frames.H0STCNT0)])],
    ['a non-numeric price', frames.H0STCNT0.replace('^71900^5^', '^7I900^5^')],
    ['a bad time', frames.H0STCNT0.replace('^093354^', '^99xx54^')],
    ['text that is not JSON', 'hello'],
    ['JSON that is not a control message', '{"foo":1}'],
  ])('%s', (_label, frame) => {
    const events = makeCodec().decode(frame);
    expect(data(events)).toEqual([]);
    expect(reports(events).length).toBeGreaterThan(0);
    expect(reports(events)[0].error.kind).toBe('decode');
    expect(reports(events)[0].error.raw).toBe(frame);
  });

  it('skips only the bad record of a multi-record frame', () => {
    const good = valuesOf(frames.H0STCNT0);
    const bad = [...good];
    bad[2] = 'oops';
    const events = makeCodec().decode(frameOf('H0STCNT0', [good, bad, good]));
    expect(data(events)).toHaveLength(2);
    expect(reports(events)).toHaveLength(1);
  });

  it('keeps the payload intact after a fourth |', () => {
    const events = makeCodec().decode(`${frames.H0STMKO0.replace('(null)', 'a|b')}`);
    const status = data(events)[0].message as KisMarketStatus;
    expect(status.raw.fields.TR_SUSP_REAS_CNTT).toBe('a|b');
  });
});

describe('KIS codec: control messages', () => {
  it('sends one register message per key with the approval key, and tr_type 2 to release', () => {
    const codec = makeCodec();
    const frames = codec.subscribe(['H0STCNT0|005930', 'H0STASP0|000660']).map((f) => JSON.parse(f));
    expect(frames).toEqual([
      {
        header: { approval_key: 'approval-123456', custtype: 'P', tr_type: '1', 'content-type': 'utf-8' },
        body: { input: { tr_id: 'H0STCNT0', tr_key: '005930' } },
      },
      {
        header: { approval_key: 'approval-123456', custtype: 'P', tr_type: '1', 'content-type': 'utf-8' },
        body: { input: { tr_id: 'H0STASP0', tr_key: '000660' } },
      },
    ]);
    const release = codec.release(['H0STCNT0|005930']).map((f) => JSON.parse(f));
    expect(release).toHaveLength(1);
    expect(release[0].header.tr_type).toBe('2');
    expect(release[0].body.input).toEqual({ tr_id: 'H0STCNT0', tr_key: '005930' });
  });

  it('echoes PINGPONG verbatim', () => {
    expect(makeCodec().decode(frames.PINGPONG)).toEqual([{ type: 'reply', frame: frames.PINGPONG }]);
  });

  it('maps the reply codes to key fates', () => {
    const codec = makeCodec();
    codec.subscribe(['H0STCNT0|005930', 'H0STCNT0|000660']);
    expect(codec.decode(frames.OPSP0000)).toEqual([{ type: 'subscribed', keys: ['H0STCNT0|005930'] }]);
    expect(codec.decode(replyOf('H0STCNT0', '005930', '1', 'OPSP0002', 'ALREADY IN SUBSCRIBE'))).toEqual([
      { type: 'subscribed', keys: ['H0STCNT0|005930'] },
    ]);
    expect(codec.decode(replyOf('H0STCNT0', '005930', '0', 'OPSP0001', 'UNSUBSCRIBE SUCCESS'))).toEqual([
      { type: 'released', keys: ['H0STCNT0|005930'] },
    ]);
    expect(codec.decode(replyOf('H0STCNT0', '005930', '1', 'OPSP0003', 'UNSUBSCRIBE ERROR(not found!)'))).toEqual([
      { type: 'released', keys: ['H0STCNT0|005930'] },
    ]);
    const [over] = codec.decode(replyOf('H0STCNT0', '000660', '1', 'OPSP0008', 'MAX SUBSCRIBE OVER'));
    expect(over).toMatchObject({ type: 'rejected', keys: ['H0STCNT0|000660'] });
    expect((over as Extract<Event, { type: 'rejected' }>).error).toMatchObject({
      kind: 'rejected',
      code: 'OPSP0008',
      key: 'H0STCNT0|000660',
      message: expect.stringContaining('MAX SUBSCRIBE OVER'),
    });
  });

  it('fails the connection (not fatally) on OPSP0011 so a new approval key is issued', () => {
    const [event] = makeCodec().decode(frames.OPSP0011);
    expect(event.type).toBe('failed');
    expect((event as Extract<Event, { type: 'failed' }>).error).toMatchObject({ kind: 'auth', code: 'OPSP0011', fatal: false });
  });

  it('fails fatally with a clear message on OPSP8996', () => {
    const [event] = makeCodec().decode(frames.OPSP8996);
    const error = (event as Extract<Event, { type: 'failed' }>).error;
    expect(event.type).toBe('failed');
    expect(error).toMatchObject({ kind: 'auth', code: 'OPSP8996', fatal: true });
    expect(error.message).toMatch(/already in use by another session/);
  });

  it('reports server errors not tied to a registered key without failing anything', () => {
    const events = makeCodec().decode(replyOf('(null)', '', '9', 'OPSP9999', 'JSON PARSING ERROR : invalid json format'));
    expect(events).toHaveLength(1);
    expect(events[0].type).toBe('report');
  });

  it('stamps records without a date with the KST date of its clock', () => {
    const [event] = data(makeCodec().decode(frames.H0STASP0));
    expect(event.message.time.slice(0, 10)).toBe(new Date(NOW + 9 * 3_600_000).toISOString().slice(0, 10));
  });
});
