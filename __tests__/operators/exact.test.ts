import fc from 'fast-check';
import { add, compare, div, exact, limitPlaces, mul, sub, toNumber, toString } from '../../src/operators/exact';

describe('exact arithmetic', () => {
  it('reads a number as the decimal it prints as, and gives the same number back', () => {
    expect(toString(exact(0.1))).toBe('0.1');
    expect(toString(exact(1e-7))).toBe('0.0000001');
    expect(toString(exact(-2.5e21))).toBe('-2500000000000000000000');
    fc.assert(fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => expect(toNumber(exact(x))).toBe(x === 0 ? 0 : x)));
  });

  it('adds, subtracts and multiplies decimals without float error', () => {
    expect(toNumber(add(exact(0.1), exact(0.2)))).toBe(0.3);
    expect(toNumber(sub(exact(0.3), exact(0.1)))).toBe(0.2);
    expect(toNumber(mul(exact(64000.1), exact(0.1)))).toBe(6400.01);
    expect(toString(add(exact(1.05), exact(0.0005)))).toBe('1.0505');
  });

  it('agrees with scaled-integer arithmetic', () => {
    const dec = fc.record({ units: fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }), places: fc.integer({ min: 0, max: 8 }) });
    const num = (d: { units: bigint; places: number }) => Number(`${d.units}e-${d.places}`);
    fc.assert(
      fc.property(dec, dec, (a, b) => {
        const p = Math.max(a.places, b.places);
        const sum = a.units * 10n ** BigInt(p - a.places) + b.units * 10n ** BigInt(p - b.places);
        expect(toNumber(add(exact(num(a)), exact(num(b))))).toBe(Number(`${sum}e-${p}`));
        expect(toNumber(mul(exact(num(a)), exact(num(b))))).toBe(Number(`${a.units * b.units}e-${a.places + b.places}`));
        expect(compare(exact(num(a)), exact(num(b)))).toBe(Math.sign(num(a) - num(b)));
      }),
    );
  });

  it('divides exactly and rounds once on output', () => {
    expect(toString(div(exact(302), exact(3)))).toBe('302/3');
    expect(toNumber(mul(div(exact(302), exact(3)), exact(3)))).toBe(302);
    expect(toNumber(div(exact(1), exact(3)))).toBe(1 / 3);
    expect(() => div(exact(1), exact(0))).toThrow('division by zero');
  });

  it('converts huge fractions to the nearest double', () => {
    const big = div(exact(10 ** 20 + 2 ** 20), exact(3 * 2 ** 40));
    expect(toNumber(big)).toBe((10 ** 20 + 2 ** 20) / (3 * 2 ** 40));
  });

  it('limits the places of a repeating fraction, leaving short ones alone', () => {
    expect(limitPlaces(exact(0.125), 30)).toEqual(exact(0.125));
    expect(toString(limitPlaces(div(exact(2), exact(3)), 5))).toBe('2/3');
    // 2000000 / 3000001 = 0.6666664444…: its denominator is past 10^5, so 5 places, rounded.
    expect(toString(limitPlaces(div(exact(2_000_000), exact(3_000_001)), 5))).toBe('0.66667');
    expect(toString(limitPlaces(div(exact(-2_000_000), exact(3_000_001)), 5))).toBe('-0.66667');
    expect(toString(limitPlaces(div(exact(1), exact(3_000_001)), 5))).toBe('0');
  });

  it('refuses NaN and infinities', () => {
    expect(() => exact(NaN)).toThrow('not a finite number: NaN');
    expect(() => exact(Infinity)).toThrow('not a finite number: Infinity');
  });
});
