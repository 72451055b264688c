/**
 * The Kiwoom fast path agrees with the eager one: `table.read` (required fields at once, the rest
 * when looked at, no regular expressions) accepts and rejects exactly what io-ts `table.decode`
 * and `table.readEager` do, with the same messages, and yields the same fields, key order and
 * `extra`, on random valid and invalid records of every real-time type. The value pieces (char
 * code scanners) accept exactly what the regular expressions they replaced accepted.
 */
import * as fc from 'fast-check';
import { inspect } from 'util';
import { isLeft } from 'fp-ts/Either';
import { realTables, realCodes, RealCode } from '../../src/brokers/kiwoom/wire/real-types';
import { splitItem } from '../../src/brokers/kiwoom/endpoints';
import { FieldTable, Spec, Values } from '../../src/brokers/kiwoom/wire/fields';
import { INVALID, aggressor, date, direction, duration, price, qty, signedNumber, size, time } from '../../src/brokers/kiwoom/wire/values';
import { KiwoomCodec } from '../../src/brokers/kiwoom/codec';
import { decodeRealEntry, plainRealEntry } from '../../src/brokers/kiwoom/wire/envelope';

const SEED = 20261203;
const tables = realTables(() => '20261120');

// --- the regular expressions the scanners replaced (the reference domain) ----------------------
const numeric = /^\s*[+-]?\d{1,20}(\.\d{1,12})?\s*$/;
const integral = /^\s*[+-]?\d{1,20}\s*$/;
const hhmmss = /^([01]\d|2[0-3])[0-5]\d[0-5]\d$/;
const signOf = (s: string): string => {
  const c = s.charCodeAt(0) === 32 ? s.trimStart()[0] : s[0];
  return c === '+' ? 'up' : c === '-' ? 'down' : 'flat';
};
const reference = {
  price: (s: string) => (numeric.test(s) ? Math.abs(Number(s)) : INVALID),
  direction: (s: string) => (numeric.test(s) ? signOf(s) : INVALID),
  signedNumber: (s: string) => (numeric.test(s) ? Number(s) : INVALID),
  qty: (s: string) => (integral.test(s) && Number(s) >= 0 ? Number(s) : INVALID),
  size: (s: string) => (integral.test(s) ? Math.abs(Number(s)) : INVALID),
  aggressor: (s: string) => {
    if (!integral.test(s)) return INVALID;
    const d = signOf(s);
    return d === 'up' ? 'buy' : d === 'down' ? 'sell' : undefined;
  },
  date: (s: string) => {
    const v = s.trim();
    if (!/^\d{8}$/.test(v)) return INVALID;
    return v === '00000000' ? undefined : `${v.slice(0, 4)}-${v.slice(4, 6)}-${v.slice(6, 8)}`;
  },
  duration: (s: string) => {
    const v = s.trim();
    return /^\d{6}$/.test(v) ? Number(v.slice(0, 2)) * 3600 + Number(v.slice(2, 4)) * 60 + Number(v.slice(4, 6)) : INVALID;
  },
  time: (s: string) => {
    const v = s.trim();
    if (v === '000000') return undefined;
    return hhmmss.test(v) ? `2026-11-20T${v.slice(0, 2)}:${v.slice(2, 4)}:${v.slice(4, 6)}+09:00` : INVALID;
  },
};

// --- wire-like strings, valid and not --------------------------------------------------------
const spaces = fc.constantFrom('', ' ', '  ', '\t', '\u00a0', '\ufeff', '\u3000', '\n', '\u2028');
const digitRun = (length: number) =>
  fc.array(fc.constantFrom(...'0123456789'), { minLength: length, maxLength: length }).map((d) => d.join(''));
/** Digit strings, their lengths biased to the bounds (15/16: exact sums vs Number(); 20/21, 12/13: the limits). */
const digits = (min: number, max: number) =>
  fc
    .oneof(fc.integer({ min, max }), fc.constantFrom(...[0, 1, 12, 13, 15, 16, 20, 21].filter((n) => n >= min && n <= max)))
    .chain(digitRun);
const numberText = fc
  .tuple(
    spaces,
    fc.constantFrom('', '+', '-', '--', '+-'),
    digits(0, 22),
    fc.option(fc.tuple(fc.constantFrom('.', ',', 'e', 'E'), digits(0, 14)), { nil: undefined }),
    spaces,
  )
  .map(([a, sign, int, frac, b]) => `${a}${sign}${int}${frac ? frac[0] + frac[1] : ''}${b}`);
const timeText = fc
  .tuple(spaces, fc.integer({ min: 0, max: 29 }), fc.integer({ min: 0, max: 69 }), fc.integer({ min: 0, max: 69 }), spaces)
  .map(([a, h, m, s, b]) => `${a}${String(h).padStart(2, '0')}${String(m).padStart(2, '0')}${String(s).padStart(2, '0')}${b}`);
const odd = fc.constantFrom(
  '0x10',
  '1e5',
  'Infinity',
  'NaN',
  '-',
  '.',
  '.5',
  '5.',
  '1_000',
  '١٢',
  'Y',
  'n',
  'A005930',
  '00000000',
  '000000',
  'constructor',
  'toString',
  '접수',
);
const wireString = fc.oneof(
  { weight: 5, arbitrary: numberText },
  { weight: 2, arbitrary: timeText },
  { weight: 2, arbitrary: digits(1, 10) },
  { weight: 2, arbitrary: odd },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
);
/** What a JSON `values` object may hold for one FID. */
const wireValue = fc.oneof(
  { weight: 12, arbitrary: wireString },
  { weight: 1, arbitrary: fc.constantFrom<unknown>('', '   ', null, true, { a: 1 }, [1]) },
  { weight: 1, arbitrary: fc.oneof(fc.integer({ min: -1e6, max: 1e9 }), fc.double({ noNaN: true })) },
);

/** A values object for a table: most FIDs present, a few unknown ones. */
function valuesFor(table: FieldTable<Spec>): fc.Arbitrary<Values> {
  const fids = [...table.fids];
  return fc
    .tuple(
      fc.array(fc.tuple(fc.constantFrom(...fids), wireValue), { minLength: Math.min(3, fids.length), maxLength: fids.length + 4 }),
      fc.array(fc.tuple(fc.constantFrom('9999', '77', '1'), wireString), { maxLength: 2 }),
      fc.boolean(),
    )
    .map(([known, unknown, wellFormed]) => {
      const values: Record<string, unknown> = {};
      // Half the records start from a well-formed one so that acceptance is exercised too.
      if (wellFormed) Object.assign(values, table.write(sample(table)));
      for (const [fid, v] of [...known.slice(0, wellFormed ? 3 : known.length), ...unknown]) values[fid] = v;
      return values as Values;
    });
}

/** A plausible full record of a table, for write(). */
function sample(table: FieldTable<Spec>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, s] of Object.entries(table.spec)) {
    const n = s.piece.name;
    out[name] =
      n === 'HHMMSS time'
        ? '2026-11-20T09:30:15+09:00'
        : n === 'direction'
          ? 'down'
          : n === 'aggressor side'
            ? 'buy'
            : n === 'date'
              ? '2026-11-20'
              : n === 'flag'
                ? true
                : n === 'duration'
                  ? 3600
                  : ['price', 'quantity', 'size', 'signed number', 'number', 'rate', 'signed quantity'].includes(n)
                    ? 1234
                    : '1';
  }
  return out;
}

describe('kiwoom fast path = eager path', () => {
  it('the scanners accept exactly what the regular expressions did, with the same values', () => {
    const pieces = { price, direction, signedNumber, qty, size, aggressor, date, duration, time: time(() => '20261120') };
    fc.assert(
      fc.property(wireString, (s) => {
        for (const [name, p] of Object.entries(pieces)) {
          expect([name, s, p.parse(s)]).toEqual([name, s, reference[name as keyof typeof reference](s)]);
        }
      }),
      { seed: SEED, numRuns: 3000 },
    );
  });

  for (const code of realCodes) {
    it(`${code}: lazy read, eager read and io-ts decode agree`, () => {
      const table = tables[code] as unknown as FieldTable<Spec>;
      let accepted = 0;
      let rejected = 0;
      fc.assert(
        fc.property(valuesFor(table), fc.array(fc.constantFrom(...Object.keys(table.spec)), { maxLength: 6 }), (values, peek) => {
          const lazy = table.read(values);
          const eager = table.readEager(values);
          const viaIoTs = table.decode(values);
          if ('error' in eager) {
            rejected++;
            expect(lazy).toEqual(eager);
            expect(isLeft(viaIoTs) && viaIoTs.left[0].message).toBe(eager.error);
            return;
          }
          accepted++;
          expect('error' in lazy).toBe(false);
          if ('error' in lazy || isLeft(viaIoTs)) return;
          // Fields looked at one by one before anything forces the whole record.
          const f = lazy.fields as Record<string, unknown>;
          for (const name of peek) expect([name, f[name]]).toEqual([name, (eager.fields as Record<string, unknown>)[name]]);
          // console.log shows the whole record, not the Proxy's half-filled target.
          expect(inspect(lazy.fields)).toBe(inspect(eager.fields));
          expect(JSON.stringify(lazy.fields)).toBe(JSON.stringify(eager.fields));
          expect(JSON.stringify(lazy.fields)).toBe(JSON.stringify(viaIoTs.right));
          expect(lazy.fields).toEqual(eager.fields);
          expect(lazy.extra).toEqual(eager.extra);
          expect(Object.keys(lazy.extra)).toEqual(Object.keys(eager.extra));
        }),
        { seed: SEED, numRuns: 300 },
      );
      // Both outcomes were exercised (types without required fields accept everything).
      expect(accepted).toBeGreaterThan(30);
      if (Object.values(table.spec).some((s) => s.required)) expect(rejected).toBeGreaterThan(30);
    });
  }

  it('whole frames: the codec gives the records an eager decode gives, or the same error', () => {
    const codec = new KiwoomCodec({ token: 't', freshToken: true, onTokenRejected: () => undefined, tables });
    const codes = realCodes.filter((c) => c !== '02');
    fc.assert(
      fc.property(
        fc
          .constantFrom<RealCode>(...codes)
          .chain((code) =>
            fc.tuple(
              fc.constant(code),
              valuesFor(tables[code] as unknown as FieldTable<Spec>),
              fc.constantFrom('005930', '005930_NX', '005930_AL', ''),
              fc.option(fc.constantFrom('주식체결', 'x'), { nil: undefined }),
            ),
          ),
        ([code, values, item, name]) => {
          const frame = JSON.stringify({ trnm: 'REAL', data: [{ type: code, item, ...(name === undefined ? {} : { name }), values }] });
          const [event] = codec.decode(frame);
          const table = tables[code] as unknown as FieldTable<Spec>;
          const eager = table.readEager(JSON.parse(frame).data[0].values);
          if ('error' in eager) {
            expect(event.type).toBe('report');
            expect(event.type === 'report' && event.error.message).toBe(`kiwoom: ${eager.error}; frame skipped`);
            return;
          }
          expect(event.type).toBe('data');
          if (event.type !== 'data') return;
          // The record an eager decode builds, key for key.
          const { symbol, exchange } = splitItem(item);
          const named = (eager.fields as { symbol?: string }).symbol;
          const expected = {
            type: code,
            item,
            symbol: named ?? symbol,
            exchange,
            ...(name === undefined ? {} : { name }),
            fields: eager.fields,
            extra: eager.extra,
          };
          expect(JSON.stringify(event.message)).toBe(JSON.stringify(expected));
          expect(event.message).toEqual(expected);
        },
      ),
      { seed: SEED, numRuns: 500 },
    );
  });
});

describe('REAL entries: the copy-free path takes only what the codec gives unchanged', () => {
  const anyValue = fc.oneof(
    fc.constant(undefined),
    fc.constant(null),
    fc.string({ maxLength: 3 }),
    fc.integer(),
    fc.constant([]),
    fc.object({ maxDepth: 1 }),
  );
  const entry = fc.record(
    {
      type: fc.oneof(fc.constantFrom('0B', '0D', 'zz'), anyValue),
      item: fc.oneof(fc.constantFrom('005930', '005930_NX', ''), anyValue),
      name: fc.oneof(fc.constant('주식체결'), anyValue),
      values: fc.oneof(fc.constant({ '10': '+1' }), fc.constant([{ '10': '+1' }]), anyValue),
    },
    { requiredKeys: [] },
  );

  it('agrees with RealEntryCodec on every entry', () => {
    fc.assert(
      fc.property(fc.oneof(entry, anyValue), (raw) => {
        const slow = decodeRealEntry(raw);
        const fast = plainRealEntry(raw);
        // Taken as is only where the codec accepts it and reads it the same.
        if (fast !== undefined) {
          expect(slow).toBeDefined();
          expect({ ...fast, name: fast.name ?? undefined }).toEqual({ ...slow, name: slow?.name ?? undefined });
        }
        const either = fast ?? slow;
        expect(either === undefined).toBe(slow === undefined);
      }),
      { seed: 1306, numRuns: 5000 },
    );
  });
});
