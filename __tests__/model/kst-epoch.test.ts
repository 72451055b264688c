/**
 * kstEpoch reads KST ISO times without Date.parse for each print; it must give exactly what
 * Date.parse gives, for the shape it reads and for every other text (which it hands over).
 */
import * as fc from 'fast-check';
import { kstEpoch } from '../../src/model';

const two = (n: number): string => String(n).padStart(2, '0');

describe('kstEpoch', () => {
  it('equals Date.parse on KST times, valid or not (months, days, hours out of range)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1990, max: 2100 }),
        fc.integer({ min: 0, max: 13 }),
        fc.integer({ min: 0, max: 32 }),
        fc.integer({ min: 0, max: 25 }),
        fc.integer({ min: 0, max: 61 }),
        fc.integer({ min: 0, max: 61 }),
        (y, mo, d, h, mi, s) => {
          const iso = `${y}-${two(mo)}-${two(d)}T${two(h)}:${two(mi)}:${two(s)}+09:00`;
          expect(Object.is(kstEpoch(iso), Date.parse(iso))).toBe(true);
        },
      ),
      { seed: 1303, numRuns: 5000 },
    );
  });

  it('equals Date.parse on other texts of the same length and on other shapes', () => {
    const base = '2026-11-20T09:00:01+09:00';
    fc.assert(
      fc.property(fc.integer({ min: 0, max: base.length - 1 }), fc.string({ minLength: 1, maxLength: 1 }), (i, c) => {
        const text = base.slice(0, i) + c + base.slice(i + 1);
        expect(Object.is(kstEpoch(text), Date.parse(text))).toBe(true);
      }),
      { seed: 1304, numRuns: 3000 },
    );
    for (const text of ['2026-11-20T09:00:01Z', '2026-11-20T09:00:01.5+09:00', '', 'x', '2026-11-20T24:00:00+09:00']) {
      expect(Object.is(kstEpoch(text), Date.parse(text))).toBe(true);
    }
  });

  it('gives the instant of the KST time (09:00:01 KST is 00:00:01 UTC)', () => {
    expect(new Date(kstEpoch('2026-11-20T09:00:01+09:00')).toISOString()).toBe('2026-11-20T00:00:01.000Z');
    expect(new Date(kstEpoch('2026-11-21T08:59:59+09:00')).toISOString()).toBe('2026-11-20T23:59:59.000Z');
  });
});
