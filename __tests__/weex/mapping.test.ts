import { createV3Codec, WeexPush } from '../../src/brokers/weex/codec';
import {
  orderStatus,
  percentOfFraction,
  toBalances,
  toBookMessage,
  toCandles,
  toFills,
  toOrders,
  toPositions,
  toQuote,
  toTickers,
  toTrades,
} from '../../src/brokers/weex/mapping';
import { frames } from './frames';

function push<E extends WeexPush['e']>(name: string, _e: E): Extract<WeexPush, { e: E }> {
  const [event] = createV3Codec().decode(frames[name]);
  if (event.type !== 'data') throw new Error(`${name} did not decode`);
  return event.message as Extract<WeexPush, { e: E }>;
}

describe('V3 → model', () => {
  it('depth: ids and parsed levels, wire strings kept', () => {
    expect(toBookMessage(push('depth', 'depth'))).toEqual({
      kind: 'delta',
      firstId: 14104794689,
      lastId: 14104794703,
      bids: [{ price: 65000.1, size: 0, raw: ['65000.1', '0'] }],
      asks: [{ price: 65000.6, size: 2, raw: ['65000.6', '2.0'] }],
      timestamp: 1775120521971,
    });
    expect(toBookMessage(push('depthSnapshot', 'depthSnapshot')).kind).toBe('snapshot');
  });

  it('trade snapshot: every trade, buyer-maker means a sell', () => {
    const trades = toTrades(push('tradeSnapshot', 'tradeSnapshot'));
    expect(trades.map((t) => [t.tradeId, t.price, t.size, t.side, t.timestamp])).toEqual([
      ['a1', 65000.1, 0.5, 'sell', 1775121039002],
      ['a2', 65000.3, 0.02, 'buy', 1775121040002],
    ]);
  });

  it('ticker', () => {
    const [t] = toTickers(push('ticker', 'ticker'));
    expect(t).toMatchObject({
      kind: 'ticker',
      symbol: 'BTCUSDT',
      last: 65000.3,
      open: 65093.5,
      high: 66000,
      low: 64000,
      change: -93.2,
      changePercent: -4.36,
      changeRatio: -0.0436,
      cumulativeVolume: 150000.1,
      cumulativeTurnover: 9800000000,
      volume: 150000.1,
      turnover: 9800000000,
      trades: 535239,
      markPrice: 65000.2,
      indexPrice: 65001,
    });
    expect(t.raw.c).toBe('65000.3');
  });

  it('ticker change in percent: the fraction with the decimal point moved, exactly', () => {
    expect(['-0.0436', '0.5', '0', '-0.0018', '1.23456', '12', '-0.000001', '0.1', '0.07', '1e-3'].map(percentOfFraction)).toEqual([
      -4.36, 50, 0, -0.18, 123.456, 1200, -0.0001, 10, 7, 0.1,
    ]);
    // What arithmetic would give instead: 0.07 * 100 = 7.000000000000001.
    expect(0.07 * 100).not.toBe(7);
  });

  it('kline and bookTicker', () => {
    expect(toCandles(push('kline', 'kline'))[0]).toMatchObject({
      kind: 'candle',
      interval: '1m',
      open: 64995,
      close: 65000.3,
      volume: 12.5,
      openTime: 1775121000000,
    });
    expect(toQuote(push('bookTicker', 'bookTicker'))).toMatchObject({
      kind: 'quote',
      bestBid: 65000.1,
      bestBidSize: 0.4,
      bestAsk: 65000.5,
      bestAskSize: 1.2,
    });
  });

  it('positions: signed size, average price from open value', () => {
    const [p] = toPositions(push('positions', 'positions'));
    expect(p).toMatchObject({ kind: 'position', symbol: 'DOGEUSDT', qty: 100, avgPrice: 0.185, timestamp: 1776192398399 });
    expect(p.raw.leverage).toBe('20');
  });

  it('orders, fills and balances', () => {
    expect(toOrders(push('orders', 'orders'))[0]).toMatchObject({
      orderId: '617414920861909658',
      side: 'buy',
      status: 'accepted',
      orderQty: 0.1,
      orderPrice: 0,
      filledQty: 0,
      unfilledQty: 0.1,
    });
    expect(toFills(push('fill', 'fill'))[0]).toMatchObject({
      orderId: '617414920861909658',
      price: 103812.7,
      size: 0.1,
      fee: 6.23,
      liquidity: 'taker',
    });
    expect(toBalances(push('accountSpot', 'account'))[0]).toMatchObject({
      kind: 'balance',
      asset: 'USDT',
      total: 1000.5,
      available: 900.25,
      locked: 100.25,
    });
  });

  it.each([
    ['PENDING', 5, 0, 'accepted'],
    ['PENDING', 5, 2, 'partiallyFilled'],
    ['FILLED', 5, 5, 'filled'],
    ['CANCELED', 5, 2, 'cancelled'],
    ['REJECTED', 5, 0, 'rejected'],
    ['UNTRIGGERED', 5, 0, 'accepted'],
  ] as const)('order status %s with %i/%i filled is %s', (wire, size, filled, status) => {
    expect(orderStatus(wire, size, filled)).toBe(status);
  });
});
