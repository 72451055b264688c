/**
 * Every type the Kiwoom simulator pushes beyond 0B/0D/0C/00/04/0J/0s/1h (0A, 0E, 0F, 0G, 0H, 0I,
 * 0U, 0g, 0m, 0u, 0w), checked against the official field list: the FIDs of the official sample
 * (__tests__/fixtures/kiwoom, copied from the protocol notes; 0F's sample is partial, so its full
 * table of five ranks a side), each value readable by the library's field table (nothing left
 * over in `extra`), numbers shaped as the sample shapes them, and values that agree with the tape.
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import { IndexTick, MarketEvent, MarketStatus, OrderBook, Trade } from '../../src/model';
import { encodeEvents, EncodedEntry } from '../../src/app/servers/kiwoom/encode';
import { KiwoomVenue, Registrations, blackScholes } from '../../src/app/servers/kiwoom/venue';
import { KrxTapes } from '../../src/app/servers/krx-tape';
import { RealCode, realTables } from '../../src/brokers/kiwoom/wire/real-types';
import { decodeRecord } from '../../src/brokers/kiwoom/wire/record';

type Values = Record<string, string>;
const files: Readonly<Record<string, string>> = {
  '0A': 'real-0A-price-without-trade.json',
  '0E': 'real-0E-after-hours-book.json',
  '0F': 'real-0F-member-firms.json',
  '0G': 'real-0G-etf-nav.json',
  '0H': 'real-0H-expected-match.json',
  '0I': 'real-0I-gold.json',
  '0U': 'real-0U-sector-breadth.json',
  '0g': 'real-0g-stock-info.json',
  '0m': 'real-0m-elw-theoretical.json',
  '0u': 'real-0u-elw-indicators.json',
  '0w': 'real-0w-program-trading.json',
};
const sample = (code: string): Values =>
  JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'kiwoom', files[code]), 'utf8')).data[0].values;
const tables = realTables(() => '20261120');

/** A number's shape (decimals), or 'text'/'empty'; signs are not compared (they follow the direction). */
function shape(v: string): string {
  if (v.trim() === '') return 'empty';
  const m = /^[+-]?(\d+)(?:\.(\d+))?$/.exec(v.trim());
  return m ? `number/${(m[2] ?? '').length}dp` : 'text';
}

const BASE = Date.parse('2026-11-20T09:00:00+09:00');
const at = (second: number) => ({
  time: new Date(BASE + second * 1000).toISOString(),
  timestamp: BASE + second * 1000,
  raw: { previousClose: 60_000 },
});

/** Every key registered: the venue pushes whatever it can. */
const everything = (items: Record<string, readonly string[]>): Registrations => ({ has: () => true, items: (type) => items[type] ?? [] });

/** A short KRX day: the pre-open notice, a call auction with expected prices, the opening uncross, trades, index ticks, after-hours books. */
function day(): { entries: EncodedEntry[]; trades: Trade[] } {
  const tapes = new KrxTapes();
  const venue = new KiwoomVenue(tapes);
  const registered = everything({
    '0G': ['069500', '005930'],
    '0m': ['57JBHH'],
    '0u': ['57JBHH'],
    '0I': ['MGD', 'MGU'],
    '0U': ['001'],
    '0g': ['005930'],
  });
  const entries: EncodedEntry[] = [];
  const trades: Trade[] = [];
  const publish = (e: MarketEvent): void => {
    entries.push(...encodeEvents(e, tapes), ...venue.after(e, registered));
    if (e.kind === 'trade') trades.push(e);
  };
  const book = (second: number, bid: number, extra: object = {}): OrderBook => ({
    kind: 'book',
    broker: 'kiwoom',
    symbol: '005930',
    ...at(second),
    raw: { previousClose: 60_000, ...extra },
    asks: Array.from({ length: 10 }, (_, i) => ({ price: bid + 100 * (i + 1), size: 100 + i })),
    bids: Array.from({ length: 10 }, (_, i) => ({ price: bid - 100 * i, size: 200 + i })),
  });
  const status = (second: number, code: string, symbol = '', halted?: boolean): MarketStatus => ({
    kind: 'status',
    broker: 'kiwoom',
    symbol,
    ...at(second),
    phase: 'open',
    code,
    ...(halted === undefined ? {} : { halted }),
  });
  const index = (second: number, value: number): IndexTick => ({
    kind: 'index',
    broker: 'kiwoom',
    symbol: '001',
    ...at(second),
    value,
    change: Math.round((value - 2650) * 100) / 100,
    direction: value >= 2650 ? 'up' : 'down',
  });
  const trade = (second: number, price: number, size: number, side?: 'buy' | 'sell', auction = false): Trade => ({
    kind: 'trade',
    broker: 'kiwoom',
    symbol: '005930',
    ...at(second),
    raw: { previousClose: 60_000, ...(auction ? { auction: true } : {}) },
    price,
    size,
    ...(side ? { side } : {}),
  });

  // As the simulator's first step: the books, then the notice in force.
  publish(book(-1800, 60_000));
  publish(status(-1800, '0'));
  publish(book(-10, 60_100, { auction: true, expected: { price: 60_100, size: 5_000 } }));
  publish(status(0, '3'));
  publish(trade(0, 60_100, 5_000, undefined, true));
  for (let i = 1; i <= 40; i++) {
    publish(trade(i, 60_000 + 100 * (i % 5), 10 + i, i % 3 === 0 ? 'sell' : 'buy'));
    publish(book(i, 60_000 + 100 * (i % 5)));
    if (i % 10 === 0) publish(index(i, 2650 + i / 10));
  }
  publish(status(41, 'VI', '005930', true));
  publish(status(60, 'VI_END', '005930', false));
  publish(status(24_000, 'c'));
  publish(book(24_001, 60_200));
  publish(book(24_002, 60_300));
  return { entries, trades };
}

describe('Kiwoom simulator: every pushed type against the official field list', () => {
  const { entries, trades } = day();
  const of = (code: string) => entries.filter((e) => e.entry.type === code);

  it.each(Object.keys(files))('%s: pushed, the official FIDs, every value readable, shaped like the sample', (code) => {
    const pushed = of(code);
    expect(pushed.length).toBeGreaterThan(0);
    const table = tables[code as RealCode];
    const official = code === '0F' ? [...table.fids].sort() : Object.keys(sample(code)).sort();
    for (const e of pushed) {
      expect(Object.keys(e.entry.values).sort()).toEqual(official);
      const record = decodeRecord(tables, code as RealCode, e.entry);
      if ('error' in record) throw new Error(record.error);
      expect(record.extra).toEqual({});
    }
    // Shapes: where the sample gives a number, ours is a number with as many decimals (samples of
    // instruments that did not trade give integers for rates: those only need to be numbers).
    const ours = pushed[pushed.length - 1].entry.values;
    const mismatched = Object.entries(sample(code)).filter(([fid, v]) => {
      const a = shape(v);
      const b = shape(ours[fid]);
      if (a === 'empty' || b === 'empty' || a === b) return false;
      return !(a.startsWith('number') && b.startsWith('number') && Number(v) === 0);
    });
    expect(mismatched).toEqual([]);
  });

  it('0H during the call auction: the expected price is the book’s indicative one', () => {
    expect(of('0H').map((e) => [e.entry.values['10'], e.entry.values['15']])).toEqual([['+60100', '5000']]);
  });

  it('0A: the opening uncross price, with the cumulative volume of the tape', () => {
    expect(of('0A').map((e) => [e.entry.values['10'], e.entry.values['13']])).toEqual([['+60100', '5000']]);
  });

  it('0w: program totals only grow, net = buy − sell, values in million KRW', () => {
    const rows = of('0w').map((e) => e.entry.values);
    expect(rows.length).toBeGreaterThan(3);
    expect(rows.length).toBeLessThan(30);
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i];
      expect(Number(r['210'])).toBe(Number(r['206']) - Number(r['202']));
      if (i > 0) {
        expect(Number(r['206'])).toBeGreaterThanOrEqual(Number(rows[i - 1]['206']));
        expect(Number(r['211'])).toBe(Number(r['210']) - Number(rows[i - 1]['210']));
      }
      expect(Math.abs(Number(r['208']) - Math.round((Number(r['206']) * 60_200) / 1e6))).toBeLessThanOrEqual(2);
    }
  });

  it('0F: at most one a second; the top firms hold no more than was traded', () => {
    const rows = of('0F');
    expect(rows.length).toBeLessThanOrEqual(41);
    const last = rows[rows.length - 1].entry.values;
    const traded = trades.filter((t) => t.side).reduce((s, t) => s + t.size, 0);
    const top = [161, 162, 163, 164, 165].reduce((s, f) => s + Number(last[String(f)]), 0);
    expect(top).toBeLessThanOrEqual(traded);
    expect(Number(last['161'])).toBeGreaterThanOrEqual(Number(last['162']));
  });

  it('0G: NAV near the ETF price (a simulated one: its tape; one not simulated: the index)', () => {
    for (const e of of('0G')) {
      const nav = Math.abs(Number(e.entry.values['36']));
      const price = Math.abs(Number(e.entry.values['10']));
      expect(Math.abs(price / nav - 1)).toBeLessThan(0.005);
      expect(Number(e.entry.values['266'])).toBeCloseTo(((price - nav) / nav) * 100, 1);
    }
  });

  it('0g: price limits ±30 % of the base price; the VI text while a VI runs', () => {
    const rows = of('0g').map((e) => e.entry.values);
    expect(rows.map((r) => r['297'])).toEqual([' ', ' ', '동적VI', ' ']);
    expect(rows[0]).toMatchObject({ '305': '+78000', '306': '-42000', '307': '60000' });
  });

  it('0E only during the after-hours sessions', () => {
    expect(of('0E').map((e) => [e.entry.values['21'], e.entry.values['131'], e.entry.values['135']])).toEqual([
      ['154001', '1045', '2045'],
      ['154002', '1045', '2045'],
    ]);
  });

  it('1h counts the VIs of each stock today (1490)', () => {
    const tapes = new KrxTapes();
    const vi = (symbol: string, halted: boolean): string =>
      encodeEvents(
        { kind: 'status', broker: 'kiwoom', symbol, ...at(1), phase: halted ? 'halted' : 'open', code: halted ? 'VI' : 'VI_END', halted },
        tapes,
      )[0].entry.values['1490'];
    expect([vi('005930', true), vi('005930', false), vi('005930', true), vi('000660', true)]).toEqual(['1', '1', '2', '1']);
  });

  it('0m/0u: Black-Scholes values an ELW can trade at', () => {
    const g = of('0m')[0].entry.values;
    expect(Number(g['10'].trim().replace(/^[+-]/, ''))).toBeGreaterThanOrEqual(5);
    expect(Math.abs(Number(g['672']))).toBeLessThanOrEqual(1);
    const call = blackScholes(true, 100, 100, 1, 0.2, 0);
    expect(call.price).toBeCloseTo(7.97, 2); // the textbook at-the-money value
    expect(call.delta).toBeCloseTo(0.5398, 3);
  });
});
