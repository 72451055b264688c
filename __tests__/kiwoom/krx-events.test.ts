/** Kiwoom's KRX-specific types (0G, 0H, 0m, 0u, 0w, 1h) → the model's KRX events, from the official samples. */
import { decodeRecord, RealRecord } from '../../src/brokers/kiwoom/wire/record';
import { RealCode } from '../../src/brokers/kiwoom/wire/real-types';
import {
  toElwGreeks,
  toElwIndicators,
  toEtfNav,
  toExpectedTrade,
  toProgramTrading,
  toVolatilityInterruption,
} from '../../src/brokers/kiwoom/mapping';
import { NOW, fixture, tables } from './support';

function record<C extends RealCode>(file: string, code: C, patch: Record<string, string | undefined> = {}): RealRecord<C> {
  const entry = fixture<{ data: { type: string; item: string; name?: string; values: Record<string, string> }[] }>(file).data[0];
  const values: Record<string, string> = { ...entry.values };
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) delete values[k];
    else values[k] = v;
  }
  const out = decodeRecord(tables, code, { ...entry, values });
  if ('error' in out) throw new Error(out.error);
  return out;
}

const at = (iso: string) => ({ time: iso, timestamp: Date.parse(iso) });

describe('KRX events from Kiwoom', () => {
  it('0G → EtfNav: NAV, its change, tracking error and the premium to NAV', () => {
    const r = record('real-0G-etf-nav.json', '0G');
    expect(toEtfNav(r)).toEqual({
      kind: 'etfNav',
      broker: 'kiwoom',
      symbol: '069500',
      nav: 7488.27,
      navChange: 9.57,
      navChangePercent: 0.13,
      trackingError: 1.82,
      lastPrice: 7485,
      premiumPercent: -0.04,
      ...at('2026-11-20T10:57:32+09:00'),
      raw: r,
    });
  });

  it('0H → ExpectedTrade: indicative price and size, change vs the previous close', () => {
    const r = record('real-0H-expected-match.json', '0H');
    expect(toExpectedTrade(r)).toEqual({
      kind: 'expectedTrade',
      broker: 'kiwoom',
      symbol: '005930',
      exchange: 'KRX',
      price: 60500,
      size: 7805,
      direction: 'up',
      change: 200,
      changePercent: 0.33,
      cumulativeVolume: 768293,
      ...at('2026-11-20T11:02:06+09:00'),
      raw: r,
    });
  });

  it('0m → ElwGreeks and 0u → ElwIndicators', () => {
    const g = record('real-0m-elw-theoretical.json', '0m', { '672': '0.5321', '671': '23.10' });
    expect(toElwGreeks(g)).toMatchObject({
      kind: 'elwGreeks',
      symbol: g.symbol,
      lastPrice: 450,
      delta: 0.5321,
      impliedVolatility: 23.1,
      theoreticalPrice: 0,
    });
    const i = record('real-0u-elw-indicators.json', '0u');
    expect(toElwIndicators(i)).toMatchObject({
      kind: 'elwIndicators',
      parity: 69.13,
      gearing: 1037.04,
      breakEvenPercent: 44.73,
      capitalSupportPercent: 44.78,
    });
  });

  it('0w → ProgramTrading in the unit Kiwoom sends', () => {
    const r = record('real-0w-program-trading.json', '0w');
    expect(toProgramTrading(r)).toMatchObject({
      kind: 'programTrading',
      symbol: '005930',
      buyQty: 8043,
      sellQty: 0,
      netBuyQty: 8043,
      buyValue: 483,
      netBuyValue: 483,
      valueUnit: 'million KRW',
      ...at('2026-11-20T11:34:42+09:00'),
    });
  });

  it('1h → VolatilityInterruption: triggered, kind, trigger and reference prices; released when 9068 says 2', () => {
    const r = record('real-1h-volatility-interruption.json', '1h');
    expect(toVolatilityInterruption(r, NOW)).toEqual({
      kind: 'volatilityInterruption',
      broker: 'kiwoom',
      symbol: '005930',
      active: true,
      viType: 'static',
      triggerPrice: 4125,
      referencePrice: 3750,
      divergencePercent: 10,
      triggeredAt: '2026-11-20T11:14:54+09:00',
      releasedAt: '2026-11-20T11:17:03+09:00',
      count: 1,
      ...at('2026-11-20T11:14:54+09:00'),
      raw: r,
    });
    const released = toVolatilityInterruption(record('real-1h-volatility-interruption.json', '1h', { '9068': '2' }), NOW);
    expect(released).toMatchObject({ active: false, time: '2026-11-20T11:17:03+09:00' });
    const bare = toVolatilityInterruption(
      record('real-1h-volatility-interruption.json', '1h', { '1223': undefined, '1224': undefined, '1225': '동적' }),
      NOW,
    );
    expect(bare).toMatchObject({ active: true, viType: 'dynamic', referencePrice: 0, timestamp: NOW });
    expect(bare).not.toHaveProperty('triggeredAt');
  });
});
