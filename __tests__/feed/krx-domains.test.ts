/**
 * modelProblem over the KRX events (src/model/krx.ts): each kind's valid event is inside the
 * model; a non-finite or out-of-domain value of any field is named.
 */
import { modelProblem } from '../../src/feed/boundary';
import { KrxEvent } from '../../src/model/krx';

const base = { broker: 'kiwoom', time: '2026-11-20T10:57:32+09:00', timestamp: Date.parse('2026-11-20T10:57:32+09:00'), raw: undefined };

const valid: Record<KrxEvent['kind'], KrxEvent> = {
  etfNav: {
    ...base,
    kind: 'etfNav',
    symbol: '069500',
    nav: 7488.27,
    navChange: 9.57,
    navChangePercent: 0.13,
    trackingError: 1.82,
    lastPrice: 7485,
    premiumPercent: -0.04,
  },
  expectedTrade: {
    ...base,
    kind: 'expectedTrade',
    symbol: '005930',
    price: 60_500,
    size: 7_805,
    change: 200,
    changePercent: 0.33,
    cumulativeVolume: 10_000,
  },
  elwGreeks: {
    ...base,
    kind: 'elwGreeks',
    symbol: '57JBHH',
    lastPrice: 450,
    theoreticalPrice: 441.2,
    impliedVolatility: 31.5,
    delta: -0.42,
    gamma: 0.0001,
    theta: -3.1,
    vega: 1.2,
    rho: -0.4,
  },
  elwIndicators: {
    ...base,
    kind: 'elwIndicators',
    symbol: '57JBHH',
    parity: 69.13,
    premium: 44.73,
    gearing: 1037.04,
    breakEvenPercent: 44.73,
    capitalSupportPercent: -12.5,
  },
  programTrading: {
    ...base,
    kind: 'programTrading',
    symbol: '005930',
    buyQty: 8043,
    sellQty: 0,
    netBuyQty: -20,
    buyValue: 483,
    sellValue: 0,
    netBuyValue: -1,
    valueUnit: 'million KRW',
  },
  volatilityInterruption: {
    ...base,
    kind: 'volatilityInterruption',
    symbol: '005930',
    active: true,
    viType: 'static',
    triggerPrice: 4125,
    referencePrice: 3750,
    divergencePercent: 10,
    count: 1,
  },
};

describe('modelProblem: KRX events', () => {
  it.each(Object.values(valid))('a valid $kind is inside the model', (e) => {
    expect(modelProblem(e)).toBeUndefined();
  });

  it('an expected price of 0 (none indicated yet) and absent optional fields are inside', () => {
    expect(modelProblem({ ...valid.expectedTrade, price: 0 } as KrxEvent)).toBeUndefined();
    expect(modelProblem({ ...base, kind: 'volatilityInterruption', symbol: '005930', active: false })).toBeUndefined();
    expect(modelProblem({ ...base, kind: 'elwGreeks', symbol: '57JBHH' })).toBeUndefined();
  });

  it.each([
    ['etfNav', { nav: 0 }, 'ETF NAV 0'],
    ['etfNav', { nav: NaN }, 'ETF NAV NaN'],
    ['etfNav', { lastPrice: -7485 }, 'ETF price -7485'],
    ['etfNav', { premiumPercent: Infinity }, 'premium Infinity'],
    ['expectedTrade', { price: -1 }, 'expected price -1'],
    ['expectedTrade', { price: undefined }, 'expected price undefined'],
    ['expectedTrade', { size: -5 }, 'expected size -5'],
    ['expectedTrade', { changePercent: NaN }, 'change rate NaN'],
    ['elwGreeks', { impliedVolatility: -31.5 }, 'implied volatility -31.5'],
    ['elwGreeks', { gamma: -Infinity }, 'gamma -Infinity'],
    ['elwIndicators', { gearing: NaN }, 'gearing NaN'],
    ['programTrading', { sellValue: -1 }, 'program sell value -1'],
    ['programTrading', { netBuyValue: Infinity }, 'program net buy value Infinity'],
    ['volatilityInterruption', { active: 'yes' }, 'VI state yes'],
    ['volatilityInterruption', { triggerPrice: -4125 }, 'trigger price -4125'],
    ['volatilityInterruption', { divergencePercent: NaN }, 'divergence NaN'],
    ['volatilityInterruption', { count: 1.5 }, 'VI count 1.5'],
    ['volatilityInterruption', { timestamp: 9e15 }, 'time 9000000000000000 outside the Date range'],
  ] as const)('%s with %o is outside: %s', (kind, patch, problem) => {
    expect(modelProblem({ ...valid[kind], ...patch } as unknown as KrxEvent)).toBe(problem);
  });
});
