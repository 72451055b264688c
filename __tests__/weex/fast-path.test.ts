/**
 * The WEEX fast readers agree with the io-ts codecs on random valid and invalid pushes: where a
 * reader gives a push, the codec accepts the same push (the input, unchanged); where the codec
 * refuses, the reader gives nothing, so the codec's message is the one reported. The decimal
 * scanner accepts exactly what the regular expression it replaced accepts. Trades are mapped to
 * what the spread-built mapping gave (values, key order, JSON), with times formatted as
 * `toISOString` formats them.
 */
import * as fc from 'fast-check';
import { isLeft, isRight } from 'fp-ts/Either';
import { decimalValue, readDepthPush, readTradePush } from '../../src/brokers/weex/wire/fast';
import { DepthPush, TradePush } from '../../src/brokers/weex/wire/public-pushes';
import { createV3Codec, describeErrors } from '../../src/brokers/weex/codec';
import { toTrades } from '../../src/brokers/weex/mapping';
import { utcTime } from '../../src/model/time';

const SEED = 20261203;
const DECIMAL = /^-?\d{1,30}(\.\d{1,30})?([eE][-+]?\d{1,3})?$/;
const referenceDecimal = (u: unknown): number | undefined =>
  typeof u === 'string' && DECIMAL.test(u) && Number.isFinite(Number(u)) ? Number(u) : undefined;

const digitRun = (n: number) => fc.array(fc.constantFrom(...'0123456789'), { minLength: n, maxLength: n }).map((d) => d.join(''));
const digits = (max: number) =>
  fc
    .oneof(
      fc.integer({ min: 0, max }),
      fc.constantFrom(0, 1, 3, 4, 29, 30, 31).filter((n) => n <= max),
    )
    .chain(digitRun);
const decimalText = fc
  .tuple(
    fc.constantFrom('', '-', '+', ' '),
    digits(32),
    fc.option(fc.tuple(fc.constantFrom('.', ','), digits(32)), { nil: undefined }),
    fc.option(fc.tuple(fc.constantFrom('e', 'E', 'x'), fc.constantFrom('', '+', '-'), digits(4)), { nil: undefined }),
    fc.constantFrom('', ' ', '\n'),
  )
  .map(([sign, int, frac, exp, tail]) => `${sign}${int}${frac ? frac.join('') : ''}${exp ? exp.join('') : ''}${tail}`);
const decimalish = fc.oneof(
  { weight: 6, arbitrary: decimalText },
  { weight: 3, arbitrary: fc.constantFrom('65000.1', '0', '0.0', '-0.0196', '1e400', '1e308', '1e-5', 'NaN', 'Infinity', '') },
  { weight: 1, arbitrary: fc.oneof(fc.double(), fc.constant(null), fc.boolean()) },
);
const time = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 2_000_000_000_000 }) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(-1, 8.64e15, 8.64e15 + 1, 1.5, '1747203188148', '-5', null, 2 ** 53) },
);
const id = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 2 ** 40 }) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>('123', 1.5, null, '1e3', 2 ** 53) },
);
const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined, freq: 3 });

const wireTrade = fc.record(
  {
    T: time,
    p: decimalish,
    q: decimalish,
    m: fc.oneof({ weight: 8, arbitrary: fc.boolean() }, { weight: 1, arbitrary: fc.constantFrom<unknown>('true', 1, null) }),
    t: maybe(fc.oneof(fc.string({ maxLength: 4 }), fc.constant<unknown>(7))),
    v: maybe(decimalish),
  },
  { requiredKeys: ['T', 'p', 'q', 'm'] },
);
const tradePush = fc.record({
  e: fc.constantFrom('trade', 'tradeSnapshot'),
  E: time,
  s: fc.oneof({ weight: 8, arbitrary: fc.constantFrom('BTCUSDT', 'ETHUSDT') }, { weight: 1, arbitrary: fc.constantFrom<unknown>(5, null) }),
  d: fc.oneof(
    { weight: 10, arbitrary: fc.array(wireTrade, { maxLength: 4 }) },
    { weight: 1, arbitrary: fc.constantFrom<unknown>(null, {}, 'x') },
  ),
});
const plain = fc.tuple(fc.integer({ min: 1, max: 99999 }), fc.integer({ min: 0, max: 999 })).map(([i, f]) => `${i}.${f}`);
const level = fc.oneof(
  { weight: 30, arbitrary: fc.tuple(plain, plain) },
  { weight: 10, arbitrary: fc.tuple(decimalish, decimalish) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(['1'], ['1', '2', '3'], '1,2', null) },
);
const depthPush = fc.record(
  {
    e: fc.constantFrom('depth', 'depthSnapshot'),
    E: time,
    s: fc.constantFrom('BTCUSDT'),
    U: id,
    u: id,
    b: fc.array(level, { maxLength: 4 }),
    a: fc.array(level, { maxLength: 4 }),
    l: maybe(fc.oneof(fc.constantFrom<unknown>(15, 200, '15'), id)),
    d: maybe(fc.constantFrom<unknown>('CHANGED', 'SNAPSHOT', 3)),
  },
  { requiredKeys: ['e', 'E', 's', 'U', 'u', 'b', 'a'] },
);

describe('weex fast readers = io-ts codecs', () => {
  it('decimalValue accepts exactly what the regular expression did', () => {
    fc.assert(
      fc.property(decimalish, (s) => {
        expect([s, decimalValue(s)]).toEqual([s, referenceDecimal(s)]);
      }),
      { seed: SEED, numRuns: 5000 },
    );
  });

  for (const [name, arbitrary, read, codec] of [
    ['trade', tradePush, readTradePush, TradePush],
    ['depth', depthPush, readDepthPush, DepthPush],
  ] as const) {
    it(`${name} pushes: the reader gives the codec's push, or leaves the verdict to the codec`, () => {
      let fast = 0;
      let refused = 0;
      const v3 = createV3Codec();
      fc.assert(
        fc.property(arbitrary, (push) => {
          const value = JSON.parse(JSON.stringify(push)) as unknown;
          const mine = read(value);
          const theirs = (codec as typeof TradePush).decode(value);
          if (mine !== undefined) {
            fast++;
            expect(isRight(theirs)).toBe(true);
            if (isRight(theirs)) expect(theirs.right).toBe(mine);
          }
          if (isLeft(theirs)) {
            refused++;
            expect(mine).toBeUndefined();
            // Through the codec: the io-ts message, as before.
            const [event] = v3.decode(JSON.stringify(push));
            expect(event.type === 'report' && event.error.message).toBe(
              `weex: malformed ${(push as { e: string }).e} push: ${describeErrors(theirs.left)}`,
            );
          }
        }),
        { seed: SEED, numRuns: 1500 },
      );
      expect(fast).toBeGreaterThan(100);
      expect(refused).toBeGreaterThan(100);
    });
  }

  it('utcTime formats what toISOString formats (and throws where it throws)', () => {
    const instant = fc.oneof(
      { weight: 6, arbitrary: fc.integer({ min: 1_700_000_000_000, max: 1_800_000_000_000 }) },
      { weight: 2, arbitrary: fc.integer({ min: -8.64e15 - 2, max: 8.64e15 + 2 }) },
      {
        weight: 2,
        arbitrary: fc.constantFrom(8.64e15, 8.64e15 - 1, 8.64e15 + 1, -8.64e15, -8.64e15 - 1, 0, -0, -1, 253402300800000, 1.5, -1.5, NaN),
      },
    );
    const shown = (f: () => { time: string; timestamp: number }): string => {
      try {
        const { time, timestamp } = f();
        return `${time} ${timestamp}`;
      } catch (e) {
        return `throws ${(e as Error).name}`;
      }
    };
    // Runs of instants close together exercise the day the formatter keeps.
    fc.assert(
      fc.property(fc.array(fc.tuple(instant, fc.integer({ min: -90_000_000, max: 90_000_000 })), { maxLength: 8 }), (runs) => {
        for (const [at, step] of runs)
          for (const ms of [at, at + step, at - (step % 1000)])
            expect([ms, shown(() => utcTime(ms))]).toEqual([ms, shown(() => ({ time: new Date(ms).toISOString(), timestamp: ms }))]);
      }),
      { seed: SEED, numRuns: 400 },
    );
  });

  it('trades map to what the spread-built mapping gave: values, key order, JSON', () => {
    const reference = (push: TradePush) =>
      push.d.map((d) => ({
        kind: 'trade',
        broker: 'weex',
        symbol: push.s,
        ...{ time: new Date(d.T).toISOString(), timestamp: d.T },
        price: Number(d.p),
        size: Number(d.q),
        side: d.m ? 'sell' : 'buy',
        tradeId: d.t,
        ...(push.e === 'tradeSnapshot' ? { snapshot: true as const } : {}),
        raw: d,
      }));
    const validTrade = fc.record(
      {
        T: fc.oneof(fc.integer({ min: 1_700_000_000_000, max: 1_800_000_000_000 }), fc.integer({ min: 0, max: 8.64e15 })),
        p: plain,
        q: plain,
        m: fc.boolean(),
        t: fc.string({ maxLength: 4 }),
        v: plain,
      },
      { requiredKeys: ['T', 'p', 'q', 'm'] },
    );
    const validPush = fc.record({
      e: fc.constantFrom('trade', 'tradeSnapshot'),
      E: fc.integer({ min: 0, max: 2_000_000_000_000 }),
      s: fc.constantFrom('BTCUSDT', 'ETHUSDT'),
      d: fc.array(validTrade, { maxLength: 4 }),
    });
    let mapped = 0;
    fc.assert(
      fc.property(fc.oneof(validPush, tradePush), (push) => {
        const value = readTradePush(JSON.parse(JSON.stringify(push)));
        if (value === undefined) return;
        mapped += value.d.length;
        const mine = toTrades(value);
        const theirs = reference(value);
        expect(JSON.stringify(mine)).toBe(JSON.stringify(theirs));
        expect(mine.map((t) => Object.keys(t))).toEqual(theirs.map((t) => Object.keys(t)));
        expect(mine).toStrictEqual(theirs);
      }),
      { seed: SEED, numRuns: 1500 },
    );
    expect(mapped).toBeGreaterThan(100);
  });

  it('an event named like an Object property is an unknown push, not a crash', () => {
    const [event] = createV3Codec().decode('{"e":"constructor","E":1,"s":"BTCUSDT"}');
    expect(event.type === 'report' && event.error.message).toBe('weex: unknown push "constructor"');
  });
});
