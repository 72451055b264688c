/** The value pieces Kiwoom's field tables are built from, and the table combinator's encoding. */
import { isRight } from 'fp-ts/Either';
import { opt, req, table } from '../../src/brokers/kiwoom/wire/fields';
import {
  INVALID,
  aggressor,
  changeSign,
  code,
  date,
  direction,
  duration,
  price,
  qty,
  rate,
  signedNumber,
  size,
  time,
} from '../../src/brokers/kiwoom/wire/values';

describe('kiwoom value pieces', () => {
  it('signed prices: magnitude and direction; space or no sign = flat', () => {
    expect(['-60700', '+60700', '60700', ' 67300', '+7488.27'].map(price.parse)).toEqual([60700, 60700, 60700, 67300, 7488.27]);
    expect(['-60700', '+60700', '60700', ' 67300', ' 0.00'].map(direction.parse)).toEqual(['down', 'up', 'flat', 'flat', 'flat']);
  });

  it('rejects what is not a decimal number (hex, exponents, words)', () => {
    for (const bad of ['0x10', '1e5', 'abc', '12a', '--5', 'Infinity']) {
      expect([bad, price.parse(bad)]).toEqual([bad, INVALID]);
      expect([bad, signedNumber.parse(bad)]).toEqual([bad, INVALID]);
    }
    expect(isRight(price.decode('+5'))).toBe(true);
    expect(isRight(price.decode('x'))).toBe(false);
  });

  it('trade volume: size is the magnitude, the sign the aggressor', () => {
    expect(['+82', '-7805', '2800'].map(size.parse)).toEqual([82, 7805, 2800]);
    expect(['+82', '-7805', '2800'].map(aggressor.parse)).toEqual(['buy', 'sell', undefined]);
  });

  it('quantities are non-negative integers; deltas and rates keep their sign', () => {
    expect(qty.parse('30379732')).toBe(30379732);
    expect(qty.parse('-5')).toBe(INVALID);
    expect(qty.parse('1.5')).toBe(INVALID);
    expect(signedNumber.parse('-1036021')).toBe(-1036021);
    expect(rate.parse('-0.24')).toBe(-0.24);
    expect(rate.parse('-00000130')).toBe(-130);
  });

  it('codes: one leading A stripped from 7-character codes only', () => {
    expect(['A005930', '005930', 'A00593', '0004V0', ' A005930 '].map(code.parse)).toEqual([
      '005930',
      '005930',
      'A00593',
      '0004V0',
      '005930',
    ]);
  });

  it('times: HHMMSS on the trading date in KST; 000000 is none; out of range is invalid', () => {
    let day = '20261120';
    const t = time(() => day);
    expect(t.parse('090101')).toBe('2026-11-20T09:01:01+09:00');
    expect(t.parse('000000')).toBeUndefined();
    expect(['240000', '126000', '12000', 'ab0000'].map(t.parse)).toEqual([INVALID, INVALID, INVALID, INVALID]);
    day = '20261121';
    expect(t.parse('090101')).toBe('2026-11-21T09:01:01+09:00');
    expect(t.encode('2026-11-21T15:30:00+09:00')).toBe('153000');
  });

  it('dates, durations and sign codes', () => {
    expect(date.parse('20261120')).toBe('2026-11-20');
    expect(date.parse('00000000')).toBeUndefined();
    expect(duration.parse('012030')).toBe(4830);
    expect(duration.encode(4830)).toBe('012030');
    expect(['1', '2', '3', '4', '5', '9'].map(changeSign.parse)).toEqual(['limitUp', 'up', 'flat', 'limitDown', 'down', '9']);
  });
});

describe('kiwoom field tables', () => {
  const demo = table('XX', {
    last: req('10', price),
    dir: req('10', direction),
    qty: req('15', size),
    side: opt('15', aggressor),
    change: opt('11', signedNumber),
  });

  it('decode through io-ts gives the named record', () => {
    const out = demo.decode({ '10': '-100', '15': '+3', '11': '-2' });
    expect(isRight(out) && out.right).toEqual({ last: 100, dir: 'down', qty: 3, side: 'buy', change: -2 });
    const missing = demo.decode({ '15': '+3' });
    expect(isRight(missing)).toBe(false);
  });

  it('encodes back, putting each sign on its magnitude', () => {
    expect(demo.write({ last: 100, dir: 'down', qty: 3, side: 'sell', change: -2 })).toEqual({ '10': '-100', '15': '-3', '11': '-2' });
    expect(demo.write({ last: 100, dir: 'flat', qty: 3 })).toEqual({ '10': '100', '15': '3' });
    expect(demo.encode({ last: 5, dir: 'up', qty: 1 })).toEqual({ '10': '+5', '15': '1' });
  });

  it('knows its FIDs and keeps the others in extra', () => {
    expect([...demo.fids].sort()).toEqual(['10', '11', '15']);
    const out = demo.read({ '10': '1', '15': '1', '77': 'x' });
    expect('extra' in out && out.extra).toEqual({ '77': 'x' });
  });
});
