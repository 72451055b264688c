/**
 * Frame generators for the real-path benchmark: official layouts (the samples in
 * __tests__/fixtures), each frame distinct (price, size, time, cumulative volume, trade id move)
 * so de-duplication by identity never drops one. `frame(i)` is cheap: string pieces around
 * the varying values, precomputed once.
 */
import { readFileSync } from 'fs';
import { join } from 'path';

const fixtures = join(__dirname, '..', '..', '__tests__', 'fixtures');
const json = (p: string): any => JSON.parse(readFileSync(join(fixtures, p), 'utf8'));

export type FrameKind = 'kiwoom-0B' | 'kiwoom-0D' | 'kis-H0STCNT0' | 'kis-H0STASP0' | 'weex-trade' | 'weex-depth';

export interface Frames {
  /** Frames sent once before the data (a depth snapshot). */
  readonly prelude: (symbols: readonly string[]) => string[];
  /** The i-th data frame (i counts from 0 in every run; ids that must chain on the prelude use it). */
  readonly frame: (i: number, symbols: readonly string[]) => string;
  /** Whether `i` must restart at 0 after each prelude (chained update ids). */
  readonly chained?: boolean;
}

/** A template with `@name@` markers, filled by position. */
function template(text: string, names: readonly string[]): (values: Record<string, string>) => string {
  const re = new RegExp(`@(${names.join('|')})@`, 'g');
  const pieces: string[] = [];
  const order: string[] = [];
  let last = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    pieces.push(text.slice(last, m.index));
    order.push(m[1]);
    last = m.index + m[0].length;
  }
  pieces.push(text.slice(last));
  return (values) => {
    let out = pieces[0];
    for (let k = 0; k < order.length; k++) out += values[order[k]] + pieces[k + 1];
    return out;
  };
}

const two = (n: number): string => (n < 10 ? `0${n}` : String(n));
const hhmmss = (i: number): string => `09${two(Math.floor(i / 60) % 60)}${two(i % 60)}`;

function kiwoom0B(): Frames {
  const entry = json('kiwoom/real-0B-trade.json').data[0];
  const values = { ...entry.values, '10': '@P@', '15': '@Q@', '20': '@T@', '13': '@V@' };
  const fill = template(JSON.stringify({ trnm: 'REAL', data: [{ ...entry, item: '@S@', values }] }), ['P', 'Q', 'T', 'V', 'S']);
  return {
    prelude: () => [],
    frame: (i, symbols) =>
      fill({
        P: `${i % 3 === 0 ? '-' : '+'}${20800 + (i % 400)}`,
        Q: `${i % 2 === 0 ? '+' : '-'}${1 + (i % 900)}`,
        T: hhmmss(i),
        V: String(30379732 + i),
        S: symbols[i % symbols.length],
      }),
  };
}

function kiwoom0D(): Frames {
  const entry = json('kiwoom/real-0D-order-book.json').data[0];
  const values = { ...entry.values, '61': '@A@', '71': '@B@', '21': '@T@' };
  const fill = template(JSON.stringify({ trnm: 'REAL', data: [{ ...entry, item: '@S@', values }] }), ['A', 'B', 'T', 'S']);
  return {
    prelude: () => [],
    frame: (i, symbols) => fill({ A: String(100 + (i % 5000)), B: String(200 + (i % 7000)), T: hhmmss(i), S: symbols[i % symbols.length] }),
  };
}

function kisFrame(tr: string, change: Record<number, (i: number) => string>): Frames {
  const sample: string = json('kis/samples.json').frames[tr].frame;
  const [enc, id, , body] = sample.split('|');
  const fields = body.split('^');
  const names: string[] = ['S'];
  fields[0] = '@S@';
  for (const k of Object.keys(change)) {
    fields[Number(k)] = `@F${k}@`;
    names.push(`F${k}`);
  }
  const fill = template(`${enc}|${id}|001|${fields.join('^')}`, names);
  return {
    prelude: () => [],
    frame: (i, symbols) => {
      const values: Record<string, string> = { S: symbols[i % symbols.length] };
      for (const [k, f] of Object.entries(change)) values[`F${k}`] = f(i);
      return fill(values);
    },
  };
}

function weexTrade(): Frames {
  const push = JSON.parse(json('weex/v3-frames.json').trade);
  const fill = template(
    JSON.stringify({ ...push, E: '@E@', s: '@S@', d: [{ ...push.d[0], T: '@T@', t: '@I@', p: '@P@', q: '@Q@', m: '@M@' }] }).replace(
      /"@(E|T|M)@"/g,
      '@$1@',
    ),
    ['E', 'S', 'T', 'I', 'P', 'Q', 'M'],
  );
  return {
    prelude: () => [],
    frame: (i, symbols) => {
      const t = String(1775121040002 + i);
      return fill({
        E: t,
        S: symbols[i % symbols.length],
        T: t,
        I: `b${i}`,
        P: (65000 + (i % 1000) / 10).toFixed(1),
        Q: (0.001 * (1 + (i % 500))).toFixed(3),
        M: i % 2 === 0 ? 'true' : 'false',
      });
    },
  };
}

const WEEX_FIRST_ID = 1_000_000;

/** depth15: a 15-level snapshot, then one-level changes chained on the update id (one symbol). */
function weexDepth(): Frames {
  const frames = json('weex/v3-frames.json');
  const snap = JSON.parse(frames.depthSnapshot);
  const delta = JSON.parse(frames.depth);
  const level = (p: number): string[] => [p.toFixed(1), (1 + (p % 7)).toFixed(3)];
  const fill = template(
    JSON.stringify({ ...delta, E: '@E@', s: '@S@', U: '@U@', u: '@U@', b: [['@BP@', '@BQ@']], a: [['@AP@', '@AQ@']] }).replace(
      /"@(E|U)@"/g,
      '@$1@',
    ),
    ['E', 'S', 'U', 'BP', 'BQ', 'AP', 'AQ'],
  );
  return {
    prelude: (symbols) => [
      JSON.stringify({
        ...snap,
        s: symbols[0],
        U: WEEX_FIRST_ID,
        u: WEEX_FIRST_ID,
        b: Array.from({ length: 15 }, (_, k) => level(65000 - k * 0.5)),
        a: Array.from({ length: 15 }, (_, k) => level(65000.5 + k * 0.5)),
      }),
    ],
    frame: (i, symbols) =>
      fill({
        E: String(1775120521971 + i),
        S: symbols[0],
        U: String(WEEX_FIRST_ID + 1 + i),
        BP: (65000 - (i % 15) * 0.5).toFixed(1),
        BQ: (0.001 * (1 + (i % 997))).toFixed(3),
        AP: (65000.5 + (i % 15) * 0.5).toFixed(1),
        AQ: (0.001 * (1 + (i % 991))).toFixed(3),
      }),
    chained: true,
  };
}

export function framesOf(kind: FrameKind): Frames {
  switch (kind) {
    case 'kiwoom-0B':
      return kiwoom0B();
    case 'kiwoom-0D':
      return kiwoom0D();
    case 'kis-H0STCNT0':
      return kisFrame('H0STCNT0', {
        1: hhmmss,
        2: (i) => String(71900 + (i % 300) * 100),
        12: (i) => String(1 + (i % 900)),
        13: (i) => String(3052507 + i),
        21: (i) => (i % 2 === 0 ? '1' : '5'),
      });
    case 'kis-H0STASP0':
      return kisFrame('H0STASP0', { 1: hhmmss, 23: (i) => String(91918 + (i % 5000)), 33: (i) => String(95221 + (i % 7000)) });
    case 'weex-trade':
      return weexTrade();
    case 'weex-depth':
      return weexDepth();
  }
}
