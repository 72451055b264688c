/**
 * Deterministic wire frames for the CLI golden test: built from the official samples in
 * __tests__/fixtures, varied (prices, sizes, signs, times, symbols, several records per frame)
 * so the NDJSON output exercises every field the normalized events carry.
 */
import { readFileSync } from 'fs';
import { join } from 'path';

const fixtures = join(__dirname, '..', 'fixtures');
const json = (path: string): any => JSON.parse(readFileSync(join(fixtures, path), 'utf8'));

interface KiwoomEntry {
  type: string;
  name?: string;
  item: string;
  values: Record<string, string>;
}

const kiwoomEntry = (file: string): KiwoomEntry => json(`kiwoom/${file}`).data[0] as KiwoomEntry;
const real = (entries: KiwoomEntry[]): string => JSON.stringify({ trnm: 'REAL', data: entries });

const pad = (n: number, w: number): string => String(n).padStart(w, '0');
const signed = (n: number, sign: string): string => `${sign}${n}`;

export const kiwoomSymbols = ['005930', '000660', '035720'];

/** 0B trades over three symbols; every fourth frame carries two records. */
export function kiwoomTrades(): string[] {
  const base = kiwoomEntry('real-0B-trade.json');
  const frames: string[] = [];
  for (let i = 0; i < 24; i++) {
    const entry = (j: number): KiwoomEntry => {
      const k = i * 2 + j;
      const values = { ...base.values };
      const sign = k % 3 === 0 ? '-' : k % 3 === 1 ? '+' : '';
      values['10'] = signed(20800 + ((k * 37) % 400), sign);
      values['15'] = signed(1 + ((k * 13) % 900), k % 2 === 0 ? '+' : '-');
      values['20'] = `09${pad(Math.floor(k / 60) % 60, 2)}${pad(k % 60, 2)}`;
      values['13'] = String(30379732 + k * 10);
      values['9081'] = k % 5 === 0 ? '2' : '1';
      return { ...base, item: kiwoomSymbols[k % 3], values };
    };
    frames.push(real(i % 4 === 3 ? [entry(0), entry(1)] : [entry(0)]));
  }
  const production = kiwoomEntry('real-0B-trade-production.json');
  frames.push(real([{ ...production, item: '005930' }]));
  return frames;
}

/** 0D books for one symbol: the sample, then levels moved and sizes changed. */
export function kiwoomBooks(): string[] {
  const base = kiwoomEntry('real-0D-order-book.json');
  const frames: string[] = [real([base])];
  for (let i = 1; i < 6; i++) {
    const values = { ...base.values };
    for (let level = 0; level < 10; level++) {
      const sizeFid = String(61 + level); // ask sizes 61..70
      if (values[sizeFid] !== undefined && values[sizeFid] !== '') values[sizeFid] = String(100 * i + level);
    }
    values['21'] = `0930${pad(i, 2)}`;
    frames.push(real([{ ...base, values }]));
  }
  return frames;
}

/** 0C best quotes. */
export function kiwoomQuotes(): string[] {
  const base = kiwoomEntry('real-0C-best-quote.json');
  return [0, 1, 2, 3].map((i) => {
    const values = { ...base.values };
    for (const fid of Object.keys(values)) {
      const v = values[fid];
      const m = /^([+-]?)(\d+)$/.exec(v);
      if (m) values[fid] = `${m[1]}${Number(m[2]) + i * 100}`;
    }
    return real([{ ...base, values }]);
  });
}

const kisFrames = json('kis/samples.json').frames as Record<string, { frame: string }>;

/** Replaces record fields of a KIS data frame `0|TR|NNN|a^b^...` (one record per frame). */
function kisVariant(frame: string, change: (fields: string[]) => void): string {
  const [enc, tr, , body] = frame.split('|');
  const fields = body.split('^');
  change(fields);
  return [enc, tr, '001', fields.join('^')].join('|');
}

/** H0STCNT0 trades (prices, sizes, aggressor and time varied), one frame of several records. */
export function kisTrades(): string[] {
  const base = kisFrames.H0STCNT0.frame;
  const frames: string[] = [];
  for (let i = 0; i < 12; i++) {
    frames.push(
      kisVariant(base, (f) => {
        f[1] = `0933${pad(i, 2)}`;
        f[2] = String(71900 + ((i * 300) % 1000));
        f[12] = String(1 + ((i * 7) % 50));
        f[21] = i % 2 === 0 ? '1' : '5';
      }),
    );
  }
  // Three records in one frame: the count field says 003 and the fields follow one another.
  const [enc, tr, , body] = base.split('|');
  frames.push([enc, tr, '003', [body, body, body].join('^')].join('|'));
  return frames;
}

/** H0STASP0 books. */
export function kisBooks(): string[] {
  const base = kisFrames.H0STASP0.frame;
  const frames = [base];
  for (let i = 1; i < 4; i++) {
    frames.push(
      kisVariant(base, (f) => {
        f[1] = `0937${pad(30 + i, 2)}`;
        f[23] = String(91918 + i * 11);
        f[33] = String(95221 - i * 7);
      }),
    );
  }
  return frames;
}

const weexFrames = json('weex/v3-frames.json') as Record<string, string>;

/** WEEX trade pushes (one snapshot, then single and multi-trade pushes). */
export function weexTrades(): string[] {
  const frames = [weexFrames.tradeSnapshot];
  for (let i = 0; i < 10; i++) {
    const push = JSON.parse(weexFrames.trade) as { E: number; d: Record<string, unknown>[] };
    const one = (j: number): Record<string, unknown> => ({
      ...push.d[0],
      T: 1775121040002 + i * 10 + j,
      t: `t-${i}-${j}`,
      p: (65000.3 + i * 0.1 - j * 0.2).toFixed(1),
      q: (0.02 + j * 0.005).toFixed(3),
      m: (i + j) % 2 === 0,
    });
    frames.push(JSON.stringify({ ...push, E: push.E + i * 10, d: i % 3 === 2 ? [one(0), one(1)] : [one(0)] }));
  }
  return frames;
}

/** WEEX depth15: a snapshot then deltas that chain on its update id. */
export function weexBooks(): string[] {
  const snap = JSON.parse(weexFrames.depthSnapshot) as Record<string, unknown>;
  const last = snap.u as number;
  const frames = [
    JSON.stringify({
      ...snap,
      b: [
        ['65000.1', '0.4'],
        ['65000.0', '1.5'],
        ['64999.9', '2'],
      ],
      a: [
        ['65000.5', '1.2'],
        ['65000.6', '0.7'],
        ['65000.9', '3.25'],
      ],
    }),
  ];
  const delta = JSON.parse(weexFrames.depth) as Record<string, unknown>;
  for (let i = 0; i < 6; i++) {
    frames.push(
      JSON.stringify({
        ...delta,
        E: (delta.E as number) + i,
        U: last + 1 + i,
        u: last + 1 + i,
        b: [[(65000.1 - (i % 2) * 0.1).toFixed(1), i === 3 ? '0' : (0.5 + i).toFixed(1)]],
        a: [[(65000.6 + i * 0.1).toFixed(1), (2 + i).toFixed(1)]],
      }),
    );
  }
  return frames;
}
