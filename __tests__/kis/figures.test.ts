/**
 * The day's figures on KIS trades, quotes and books (issue 15, item 1): PRDY_VRSS / PRDY_CTRT /
 * ACML_VOL / ACML_TR_PBMN on trades, TOTAL_BIDP_RSQN / TOTAL_ASKP_RSQN on books, ACML_VOL on the
 * quote derived from the book; signed by the sign code; absent (never 0) when the wire is empty.
 */
import { FrameEvent } from '../../src/core/protocol';
import { KisMessage } from '../../src/brokers/kis/wire/message';
import { KisTrade } from '../../src/brokers/kis/wire/trade';
import { KisOrderBook } from '../../src/brokers/kis/wire/book';
import { quoteOfBook } from '../../src/brokers/kis/mapping';
import { sessionFigures, withDirection } from '../../src/brokers/kis/wire/figures';
import { makeCodec } from './codec-helpers';
import { frameOf, frames, valuesOf } from './samples';

type Event = FrameEvent<KisMessage>;
const messages = (events: readonly Event[]) => events.flatMap((e) => (e.type === 'data' ? [e.message] : []));
const reports = (events: readonly Event[]) => events.filter((e) => e.type === 'report');

/** The H0STCNT0 sample with some values changed (index → value). */
function trade(changes: Readonly<Record<number, string>>, trId = 'H0STCNT0'): KisTrade {
  const values = valuesOf(frames.H0STCNT0);
  for (const [i, v] of Object.entries(changes)) values[Number(i)] = v;
  const events = makeCodec().decode(frameOf(trId, [values]));
  expect(reports(events)).toEqual([]);
  return messages(events)[0] as KisTrade;
}

describe('KIS session figures', () => {
  it('the official sample: change −100 (sign 5), −0.14 %, cumulative volume and turnover', () => {
    const t = trade({});
    expect([t.change, t.changePercent, t.cumulativeVolume, t.cumulativeTurnover]).toEqual([-100, -0.14, 3052507, 219853241700]);
    expect(t.direction).toBe('down');
  });

  it('the sign code wins over the text: unsigned magnitudes with sign 5 read negative, a stray minus with sign 2 positive', () => {
    expect(trade({ 4: '100', 5: '0.14' })).toMatchObject({ change: -100, changePercent: -0.14, direction: 'down' });
    expect(trade({ 4: '100', 5: '0.14', 3: '4' })).toMatchObject({ change: -100, changePercent: -0.14, direction: 'down' }); // lower limit
    expect(trade({ 3: '2', 4: '-300', 5: '-0.42' })).toMatchObject({ change: 300, changePercent: 0.42, direction: 'up' });
    expect(trade({ 3: '1', 4: '21570', 5: '30.00' })).toMatchObject({ change: 21570, changePercent: 30, direction: 'up' }); // upper limit
    expect(trade({ 3: '3', 4: '0', 5: '0.00' })).toMatchObject({ change: 0, changePercent: 0, direction: 'flat' });
  });

  it('without a sign code the text keeps its own sign', () => {
    const t = trade({ 3: '', 4: '-100', 5: '-0.14' });
    expect([t.change, t.changePercent, t.direction]).toEqual([-100, -0.14, undefined]);
  });

  it('empty figures are absent, not zero; a non-number is left out and the print kept', () => {
    const t = trade({ 4: '', 5: '', 13: '', 14: '' });
    for (const name of ['change', 'changePercent', 'cumulativeVolume', 'cumulativeTurnover']) expect(name in t).toBe(false);
    expect(t.price).toBe(71900);
    const junk = trade({ 13: 'n/a', 14: '1e5' });
    expect('cumulativeVolume' in junk).toBe(false);
    expect('cumulativeTurnover' in junk).toBe(false);
    expect(junk.raw.fields.ACML_VOL).toBe('n/a'); // the wire's text stays in raw
    expect(junk.change).toBe(-100);
  });

  it('the NXT and integrated trade feeds carry the same figures', () => {
    for (const trId of ['H0NXCNT0', 'H0UNCNT0']) {
      expect(trade({}, trId)).toMatchObject({
        change: -100,
        changePercent: -0.14,
        cumulativeVolume: 3052507,
        cumulativeTurnover: 219853241700,
      });
    }
  });

  it('books carry the total resting sizes; the quote derived from a book carries its cumulative volume', () => {
    const [book] = messages(makeCodec().decode(frames.H0STASP0)) as KisOrderBook[];
    expect([book.totalAskSize, book.totalBidSize]).toEqual([1159362, 2095167]);
    const quote = quoteOfBook(book);
    expect(quote).toMatchObject({ kind: 'quote', bestBid: 71800, bestAsk: 71900, cumulativeVolume: 3159115 });
    expect('change' in quote).toBe(false);
    expect('cumulativeTurnover' in quote).toBe(false);
  });

  it('a book without totals has none', () => {
    const values = valuesOf(frames.H0STASP0);
    values[43] = '';
    values[44] = '';
    values[53] = '';
    const [book] = messages(makeCodec().decode(frameOf('H0STASP0', [values]))) as KisOrderBook[];
    expect('totalAskSize' in book || 'totalBidSize' in book).toBe(false);
    expect('cumulativeVolume' in quoteOfBook(book)).toBe(false);
  });

  it('helpers: withDirection and sessionFigures on bare fields', () => {
    expect([withDirection(5, 'down'), withDirection(-5, 'up'), withDirection(-5, 'flat'), withDirection(-5, undefined)]).toEqual([
      -5, 5, -5, -5,
    ]);
    expect(sessionFigures({ PRDY_VRSS: '', ACML_VOL: '0' }, undefined)).toEqual({ cumulativeVolume: 0 });
  });
});
