/**
 * Value domains: each broker's codec reports what the model cannot hold as a decode error
 * (over-long numbers, `1e999`, non-positive prices, negative sizes, times beyond the Date range)
 * and never throws; the operators never throw on a value that passed decoding.
 */
import fc from 'fast-check';
import { from, lastValueFrom, toArray } from 'rxjs';
import { createV3Codec } from '../../src/brokers/weex/codec';
import { FrameEvent } from '../../src/core/protocol';
import { Trade } from '../../src/model';
import { bars, ema, vwap } from '../../src/operators';
import { trade } from '../../src/testing';
import { makeCodec as kiwoomCodec } from '../kiwoom/support';
import { makeCodec as kisCodec } from '../kis/codec-helpers';
import { frameOf, frames as kisFrames, valuesOf } from '../kis/samples';

const kinds = (events: readonly FrameEvent<unknown>[]) => events.map((e) => (e.type === 'report' ? `report:${e.error.kind}` : e.type));

describe('WEEX codec value domains', () => {
  const push = (d: Record<string, unknown>, E: unknown = 1_775_121_040_002) =>
    JSON.stringify({ e: 'trade', E, s: 'BTCUSDT', d: [{ T: 1_775_121_040_002, t: '1', p: '65000.1', q: '0.5', m: true, ...d }] });
  const decode = (frame: string) => {
    const codec = createV3Codec();
    codec.subscribe(['BTCUSDT@trade']);
    return kinds(codec.decode(frame));
  };

  it.each([
    ['a 400-digit price', { p: '9'.repeat(400) }],
    ['1e999', { p: '1e999' }],
    ['a price of 0', { p: '0' }],
    ['a negative price', { p: '-1' }],
    ['a negative size', { q: '-0.5' }],
    ['a time beyond the Date range', { T: 8.64e15 + 1 }],
    ['a negative time', { T: -1 }],
    ['a toString-shaped value', { p: { toString: 0 } }],
  ])('reports %s as a decode error', (_what, d) => {
    expect(decode(push(d))).toEqual(['report:decode']);
  });

  it('passes a valid push, and an event time beyond the Date range is a decode error', () => {
    expect(decode(push({}))).toEqual(['data']);
    expect(decode(push({}, 9e15))).toEqual(['report:decode']);
  });

  it('never throws on deep nesting inside a push', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    const codec = createV3Codec();
    codec.subscribe(['BTCUSDT@trade']);
    expect(kinds(codec.decode(`{"e":"trade","E":1,"s":"BTCUSDT","d":${deep}}`))).toEqual(['report:decode']);
  });
});

describe('Kiwoom codec value domains', () => {
  const frame = (values: Record<string, unknown>) =>
    JSON.stringify({
      trnm: 'REAL',
      data: [{ type: '0B', name: '주식체결', item: '005930', values: { '10': '+61000', '15': '+3', '20': '090000', ...values } }],
    });
  const decode = (f: string) => {
    const codec = kiwoomCodec();
    codec.decode('{"trnm":"LOGIN","return_code":0}');
    codec.subscribe(['0B|005930']);
    return kinds(codec.decode(f));
  };

  it('passes a valid trade', () => expect(decode(frame({}))).toEqual(['data']));
  it.each([
    ['a 400-digit price', { '10': `+${'9'.repeat(400)}` }],
    ['1e999', { '10': '1e999' }],
    ['a 400-digit size', { '15': `+${'9'.repeat(400)}` }],
  ])('reports %s as a decode error', (_what, values) => {
    expect(decode(frame(values))).toEqual(['report:decode']);
  });
  it('never throws on toString-shaped or deeply nested values', () => {
    expect(() => decode(frame({ '999': { toString: 0 } }))).not.toThrow();
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    const nested = frame({ '999': 'x' }).replace('"x"', deep);
    expect(() => decode(nested)).not.toThrow();
    expect(decode(nested)).toEqual(['data']);
  });
});

describe('KIS codec value domains', () => {
  it('reports a 400-digit price as a decode error, and passes the sample', () => {
    const values = valuesOf(kisFrames.H0STCNT0);
    expect(kinds(kisCodec().decode(kisFrames.H0STCNT0))).toEqual(['data']);
    const bad = [...values];
    bad[2] = '9'.repeat(400);
    expect(kinds(kisCodec().decode(frameOf('H0STCNT0', [bad])))).toEqual(['report:decode']);
  });
});

describe('operators on any value that passes decoding', () => {
  const price = fc.double({ min: Number.MIN_VALUE, max: Number.MAX_VALUE, noNaN: true });
  const size = fc.oneof(fc.constant(0), fc.double({ min: Number.MIN_VALUE, max: Number.MAX_VALUE, noNaN: true }));
  const trades = fc
    .array(fc.tuple(price, size), { minLength: 1, maxLength: 8 })
    .map((xs) => xs.map(([p, s], i): Trade => trade({ price: p, size: s, timestamp: i })));

  it('vwap, bars and ema never error on huge or tiny prices and sizes', async () => {
    await fc.assert(
      fc.asyncProperty(trades, async (ts) => {
        const v = await lastValueFrom(from(ts).pipe(vwap({ trades: 3 }), toArray()));
        for (const x of v) expect(Number.isFinite(x)).toBe(true);
        await lastValueFrom(from(ts).pipe(bars(1_000), toArray()));
        const e = await lastValueFrom(from(ts.map((t) => t.price)).pipe(ema(3), toArray()));
        for (const x of e) expect(Number.isFinite(x)).toBe(true);
      }),
      { numRuns: 200, seed: 7 },
    );
  });
});
