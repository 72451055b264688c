/**
 * The KIS fast path agrees with the eager io-ts one, on random valid and invalid records:
 * - `kisNumber` (no regular expression) accepts what `/^[+-]?\d{1,20}(\.\d{1,12})?$/` accepted
 *   after trim(), with the same value;
 * - `readTradeValues` gives io-ts' `TradeValues` result when io-ts accepts, undefined when not;
 * - records named lazily (a Proxy read by position) equal records named eagerly: values, key
 *   order, JSON;
 * - whole frames through the codec: the same events, the same error messages, as with eager names;
 * - records cut out of the payload (`cutRecords`, `Layout.read`: no split) equal the split ones;
 * - the envelope, figure and time readers give what their regular-expression / io-ts / Date.parse
 *   references gave.
 */
import * as fc from 'fast-check';
import { inspect } from 'util';
import { isRight } from 'fp-ts/Either';
import { readFileSync } from 'fs';
import path from 'path';
import { kisNumber } from '../../src/brokers/kis/wire/values';
import { TradeValues, readTradeValues } from '../../src/brokers/kis/wire/trade';
import { decodeFields } from '../../src/brokers/kis/wire/values';
import { Positional, chooseLayout, cutRecords, namedEagerly, positional, splitRecords, valueAt } from '../../src/brokers/kis/wire/record';
import { OptionalKisNumber, describeErrors, kisTime, sideOfTradeClass } from '../../src/brokers/kis/wire/values';
import { optionalFigure, sessionFigures } from '../../src/brokers/kis/wire/figures';
import { KisRecord } from '../../src/brokers/kis/wire/record';
import { Mapped } from '../../src/brokers/kis/mapped';
import { venueOf } from '../../src/brokers/kis/venue';
import { parseEnvelope } from '../../src/brokers/kis/wire/envelope';
import { kstTime } from '../../src/model/time';
import { statusWithoutCode } from '../../src/brokers/kis/wire/fields';
import { toMessage } from '../../src/brokers/kis/wire/message';
import { trIdInfo } from '../../src/brokers/kis/wire/tr-ids';
import { layouts } from '../../src/brokers/kis/wire/fields';
import { KisTrId } from '../../src/brokers/kis/wire/tr-ids';
import { NOW, makeCodec } from './codec-helpers';

const SEED = 20261203;
const pattern = /^[+-]?\d{1,20}(\.\d{1,12})?$/;
const referenceNumber = (u: unknown): number | undefined => (typeof u === 'string' && pattern.test(u.trim()) ? Number(u) : undefined);

const spaces = fc.constantFrom('', ' ', '\t', '\u00a0', '\ufeff', '\u3000', '\n');
const digitRun = (n: number) => fc.array(fc.constantFrom(...'0123456789'), { minLength: n, maxLength: n }).map((d) => d.join(''));
const digits = (min: number, max: number) => {
  const bounds = [0, 1, 12, 13, 15, 16, 20, 21].filter((n) => n >= min && n <= max);
  return (bounds.length > 0 ? fc.oneof(fc.integer({ min, max }), fc.constantFrom(...bounds)) : fc.integer({ min, max })).chain(digitRun);
};
const numberText = fc
  .tuple(
    spaces,
    fc.constantFrom('', '+', '-', '+-'),
    digits(0, 22),
    fc.option(fc.tuple(fc.constantFrom('.', 'e', ','), digits(0, 14)), { nil: undefined }),
    spaces,
  )
  .map(([a, sign, int, frac, b]) => `${a}${sign}${int}${frac ? frac[0] + frac[1] : ''}${b}`);
const wireString = fc.oneof(
  { weight: 5, arbitrary: numberText },
  { weight: 2, arbitrary: digits(5, 9) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '',
      ' ',
      '005930',
      ' 005930 ',
      '1',
      '2',
      '3',
      '4',
      '5',
      '9',
      'constructor',
      '0x10',
      '1e5',
      'Infinity',
      '20260305',
      '093015',
    ),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 10 }) },
);

const kisFrames = JSON.parse(readFileSync(path.join(__dirname, '..', 'fixtures', 'kis', 'samples.json'), 'utf8')).frames as Record<
  string,
  { frame: string }
>;
/** The values of the first record of a sample frame. */
const sampleValues = (name: string): string[] => {
  const { frame } = kisFrames[name];
  const [, , count, payload] = frame.split('|');
  const values = payload.split('^');
  return values.slice(0, values.length / Number(count));
};

/** A record of `trId` from a sample: some values replaced by random ones, maybe a longer tail. */
function recordOf(base: readonly string[]): fc.Arbitrary<string[]> {
  return fc
    .tuple(
      fc.array(fc.tuple(fc.nat({ max: base.length - 1 }), wireString), { maxLength: 6 }),
      fc.array(fc.constantFrom('', 'x', '7'), { maxLength: 2 }),
    )
    .map(([changes, tail]) => {
      const out = [...base];
      for (const [i, v] of changes) out[i] = v.replace(/[\^|]/g, '');
      return [...out, ...tail];
    });
}

/** The trade mapping as it was built before (spreads), the reference of key order and values. */
function spreadTrade(record: KisRecord): Mapped<unknown> {
  const fields = record.fields as Record<string, string | undefined>;
  const decoded = decodeFields(TradeValues, fields as Record<string, string>);
  if (!isRight(decoded)) return { ok: false, reason: describeErrors(decoded.left) };
  const v = decoded.right;
  const side = sideOfTradeClass(fields.CCLD_DVSN ?? fields.CNTG_CLS_CODE ?? '');
  const when = kisTime(v.STCK_CNTG_HOUR, v.BSOP_DATE, NOW);
  if (when === undefined) return { ok: false, reason: `STCK_CNTG_HOUR: not a valid time (${JSON.stringify(v.STCK_CNTG_HOUR)})` };
  const exchange = venueOf(record.trId);
  return {
    ok: true,
    event: {
      kind: 'trade',
      broker: 'kis',
      symbol: v.MKSC_SHRN_ISCD,
      price: v.STCK_PRPR,
      size: v.CNTG_VOL,
      ...(side !== undefined ? { side } : {}),
      ...(v.PRDY_VRSS_SIGN !== undefined ? { direction: v.PRDY_VRSS_SIGN } : {}),
      ...(exchange !== undefined ? { exchange } : {}),
      ...sessionFigures(fields, v.PRDY_VRSS_SIGN),
      time: when.time,
      timestamp: when.timestamp,
      raw: record,
    },
  };
}

describe('kis fast path = eager path', () => {
  it('kisNumber accepts exactly what the regular expression did, with the same value', () => {
    fc.assert(
      fc.property(wireString, (s) => {
        expect([s, kisNumber(s)]).toEqual([s, referenceNumber(s)]);
      }),
      { seed: SEED, numRuns: 5000 },
    );
  });

  it('trade values: the fast reader gives what io-ts gives, or nothing where io-ts refuses', () => {
    const names = ['MKSC_SHRN_ISCD', 'STCK_CNTG_HOUR', 'STCK_PRPR', 'CNTG_VOL', 'PRDY_VRSS_SIGN', 'BSOP_DATE'];
    let accepted = 0;
    let refused = 0;
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...names), fc.option(wireString, { nil: undefined })), { maxLength: 3 }), (changes) => {
        const fields: Record<string, string | undefined> = {
          MKSC_SHRN_ISCD: '005930',
          STCK_CNTG_HOUR: '093354',
          STCK_PRPR: '71900',
          CNTG_VOL: '1',
          PRDY_VRSS_SIGN: '5',
          BSOP_DATE: '20230612',
        };
        for (const [name, value] of changes) fields[name] = value;
        const fast = readTradeValues(fields);
        const slow = decodeFields(TradeValues, fields as Record<string, string>);
        if (isRight(slow)) {
          accepted++;
          expect(fast).toEqual(slow.right);
        } else {
          refused++;
          expect(fast).toBeUndefined();
        }
      }),
      { seed: SEED, numRuns: 3000 },
    );
    expect(accepted).toBeGreaterThan(50);
    expect(refused).toBeGreaterThan(50);
  });

  it('lazily named records equal eagerly named ones', () => {
    const trIds = Object.keys(layouts) as KisTrId[];
    fc.assert(
      fc.property(
        fc.constantFrom(...trIds).chain((trId) => fc.tuple(fc.constant(trId), fc.constantFrom(...layouts[trId]))),
        fc.array(fc.string({ maxLength: 6 }), { minLength: 0, maxLength: 70 }),
        fc.array(fc.string({ maxLength: 20 }), { maxLength: 5 }),
        ([trId, names], values, peek) => {
          const lazy = positional(trId, names).decode(values);
          const eager = positional(trId, names, true).decode(values);
          expect(lazy._tag).toBe(eager._tag);
          if (!isRight(lazy) || !isRight(eager)) return;
          const f = lazy.right.fields as Record<string, string>;
          const e = eager.right.fields as Record<string, string>;
          for (const name of [...peek, ...names.slice(0, 3)]) expect([name, f[name]]).toEqual([name, e[name]]);
          expect(inspect(lazy.right)).toBe(inspect(eager.right));
          expect(JSON.stringify(lazy.right)).toBe(JSON.stringify(eager.right));
          expect(lazy.right).toEqual(eager.right);
          expect(Object.keys(f)).toEqual(Object.keys(e));
          expect(e).toEqual(namedEagerly(names, values));
        },
      ),
      { seed: SEED, numRuns: 1000 },
    );
  });

  for (const [trId, sample] of [
    ['H0STCNT0', 'H0STCNT0'],
    ['H0STASP0', 'H0STASP0'],
    ['H0STANC0', 'H0STANC0_2024'],
    ['H0STMKO0', 'H0STMKO0'],
  ] as const) {
    it(`${trId}: the mapping of a lazily named record equals that of an eagerly named one; frames decode to them`, () => {
      const base = sampleValues(sample);
      const info = trIdInfo(trId)!;
      let mapped = 0;
      let refused = 0;
      fc.assert(
        fc.property(recordOf(base), (values) => {
          const choice = chooseLayout(trId, values.length, values[0]);
          if (!choice.ok) return;
          const names = layouts[trId].find((l) => l.length === choice.layout.length) ?? statusWithoutCode;
          const lazy = { trId, ...(positional(trId, names).decode(values) as { right: Positional<string> }).right };
          const eager = { trId, ...(positional(trId, names, true).decode(values) as { right: Positional<string> }).right };
          const a = toMessage(info.kind, lazy, { now: NOW });
          const b = toMessage(info.kind, eager, { now: NOW });
          expect(JSON.stringify(a)).toBe(JSON.stringify(b));
          // Trades: what the spread-built mapping gave (values, key order), figures present or not.
          if (info.kind === 'trade') expect(JSON.stringify(a)).toBe(JSON.stringify(spreadTrade(eager)));
          if (a.ok) mapped++;
          else refused++;
          // Through the codec (records cut out of the payload): the same verdict, the event and the
          // record as eager naming gives them, in frames of one to three records.
          const copies = 1 + (values.length % 3);
          const frame = `0|${trId}|00${copies}|${Array.from({ length: copies }, () => values.join('^')).join('^')}`;
          const events = makeCodec().decode(frame);
          const data = events.filter((e) => e.type === 'data');
          expect(data.length).toBe(a.ok ? copies : 0);
          for (const event of data)
            if (a.ok && event.type === 'data') {
              expect(JSON.stringify(event.message)).toBe(JSON.stringify(a.event));
              expect(JSON.stringify((event.message as { raw: unknown }).raw)).toBe(JSON.stringify(eager));
              expect(inspect((event.message as { raw: unknown }).raw)).toBe(inspect(eager));
            }
          if (!a.ok) expect(events.map((e) => e.type === 'report' && e.error.message)).toContain(`${trId}: ${a.reason}`);
        }),
        { seed: SEED, numRuns: 600 },
      );
      expect(mapped).toBeGreaterThan(50);
      if (trId !== 'H0STMKO0') expect(refused).toBeGreaterThan(20);
    });
  }

  it('records cut out of a payload equal the split ones: verdicts, reasons, values, names, extra', () => {
    const trIds = Object.keys(layouts) as KisTrId[];
    const value = fc.oneof(fc.string({ maxLength: 4 }), fc.constantFrom('', ' ', '005930', 'Y'));
    fc.assert(
      fc.property(
        fc.constantFrom(...trIds),
        fc.array(value, { maxLength: 140 }),
        fc.oneof(fc.integer({ min: 1, max: 3 }), fc.constantFrom(0, -1, 1.5, NaN)),
        (trId, list, count) => {
          const payload = list.map((v) => v.replace(/\^/g, '')).join('^');
          const split = splitRecords(payload, count);
          const cut = cutRecords(payload, count);
          expect(cut.ok).toBe(split.ok);
          if (!split.ok || !cut.ok) {
            expect(cut).toEqual(split);
            return;
          }
          expect(cut.values).toBe(split.records[0].length);
          const choice = chooseLayout(trId, cut.values, valueAt(payload, cut.ends, 0));
          expect(choice).toEqual(chooseLayout(trId, split.records[0].length, split.records[0][0]));
          split.records.forEach((values, r) => {
            expect(Array.from({ length: cut.values }, (_, i) => valueAt(payload, cut.ends, r * cut.values + i))).toEqual(values);
            if (!choice.ok) return;
            const read = choice.layout.read(payload, cut.ends, r * cut.values, cut.values);
            const decoded = choice.layout.codec.decode(values);
            expect(isRight(decoded)).toBe(true);
            if (!isRight(decoded)) return;
            expect(JSON.stringify(read)).toBe(JSON.stringify(decoded.right));
            expect(inspect(read)).toBe(inspect(decoded.right));
            expect(read).toEqual(decoded.right);
            expect(Object.keys(read.fields)).toEqual(Object.keys(decoded.right.fields));
          });
        },
      ),
      { seed: SEED, numRuns: 1500 },
    );
  });

  it('optionalFigure reads what OptionalKisNumber decodes from the trimmed text', () => {
    fc.assert(
      fc.property(fc.option(wireString, { nil: undefined }), (s) => {
        const decoded = s === undefined ? undefined : OptionalKisNumber.decode(s.trim());
        const reference = decoded === undefined || !isRight(decoded) ? undefined : decoded.right;
        expect([s, optionalFigure(s)]).toEqual([s, reference]);
      }),
      { seed: SEED, numRuns: 5000 },
    );
  });

  it('the envelope reader accepts and refuses what the regular expressions did, with the same reasons', () => {
    const reference = (frame: string): unknown => {
      const c0 = frame.charCodeAt(0);
      if (c0 !== 48 && c0 !== 49) return { type: 'control', text: frame };
      const [flag, trId, countText] = frame.split('|');
      if (frame.split('|').length < 4) return { type: 'malformed', reason: 'data frame without the E|TR_ID|NNN| envelope' };
      if (flag !== '0' && flag !== '1') return { type: 'malformed', reason: `unknown encryption flag ${JSON.stringify(flag)}` };
      if (!/^[A-Z0-9]+$/.test(trId)) return { type: 'malformed', reason: `invalid tr_id ${JSON.stringify(trId)}` };
      if (!/^\d{1,4}$/.test(countText) || Number(countText) === 0) {
        return { type: 'malformed', reason: `invalid record count ${JSON.stringify(countText)}` };
      }
      const payload = frame.slice(flag.length + trId.length + countText.length + 3);
      return { type: 'data', envelope: { encrypted: flag === '1', trId, count: Number(countText), payload } };
    };
    const part = (...common: string[]) => fc.oneof(fc.constantFrom(...common), fc.string({ maxLength: 6 }));
    fc.assert(
      fc.property(
        part('0', '1', '01', '2', ''),
        part('H0STCNT0', 'h0stcnt0', 'H0ST-CNT0', '', 'É1'),
        part('001', '1', '0000', '00000', '', ' 1', '١', '9999', '0x1'),
        fc.string({ maxLength: 8 }),
        fc.integer({ min: 1, max: 4 }),
        (flag, trId, count, payload, bars) => {
          const frame = [flag, trId, count, payload].slice(0, bars).join('|');
          expect([frame, parseEnvelope(frame)]).toEqual([frame, reference(frame)]);
        },
      ),
      { seed: SEED, numRuns: 5000 },
    );
  });

  it('kstTime gives what Date.parse of the ISO text gave, over runs of one date', () => {
    const reference = (date: string, hhmmss: string) => {
      if (!/^\d{8}$/.test(date) || !/^\d{6}$/.test(hhmmss)) return undefined;
      const [y, mo, d] = [date.slice(0, 4), date.slice(4, 6), date.slice(6, 8)];
      const [h, mi, s] = [hhmmss.slice(0, 2), hhmmss.slice(2, 4), hhmmss.slice(4, 6)];
      if (+h > 23 || +mi > 59 || +s > 59 || +mo < 1 || +mo > 12 || +d < 1 || +d > 31) return undefined;
      const time = `${y}-${mo}-${d}T${h}:${mi}:${s}+09:00`;
      return { time, timestamp: Date.parse(time) };
    };
    const two = (max: number) => fc.integer({ min: 0, max }).map((n) => String(n).padStart(2, '0'));
    const date = fc.oneof(
      fc.tuple(fc.integer({ min: 0, max: 9999 }), two(13), two(32)).map(([y, m, d]) => `${String(y).padStart(4, '0')}${m}${d}`),
      fc.constantFrom('20260305', '20260231', '20260431', '00000101', '99991231', '2026030', '2026O305', '202603051'),
    );
    const time = fc.oneof(
      fc.tuple(two(24), two(60), two(60)).map((p) => p.join('')),
      fc.constantFrom('093015', '235959', '240000', '09301', '0930150', '09a015', '+93015', ' 93015'),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(date, fc.array(time, { minLength: 1, maxLength: 4 })), { maxLength: 4 }), (runs) => {
        for (const [d, times] of runs) for (const t of times) expect([d, t, kstTime(d, t)]).toEqual([d, t, reference(d, t)]);
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });
});
