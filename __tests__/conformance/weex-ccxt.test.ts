/**
 * Conformance: ccxt's `pro.weex`, unmodified — a WEEX client nobody here wrote — pointed at the
 * WEEX simulator. Only configuration changes: its WebSocket URLs, its markets (`setMarkets`, no
 * REST), and no REST snapshots for balances and positions. It must receive what it would from the
 * venue: ticker, trades, candles, a book equal to the simulator's own at every update id, orders of
 * spot and contract markets filed under the right market, balances, fills and positions.
 */
import ccxt from 'ccxt';
import { OrderBook, OrderEvent, Position, Trade } from '../../src/model';
import { startWeexServer, WeexServer } from '../../src/app/servers/weex/server';

const market = (type: 'spot' | 'swap') => ({
  id: 'BTCUSDT',
  symbol: type === 'spot' ? 'BTC/USDT' : 'BTC/USDT:USDT',
  base: 'BTC',
  quote: 'USDT',
  baseId: 'BTC',
  quoteId: 'USDT',
  settle: type === 'spot' ? undefined : 'USDT',
  settleId: type === 'spot' ? undefined : 'USDT',
  type,
  spot: type === 'spot',
  margin: false,
  swap: type === 'swap',
  future: false,
  option: false,
  contract: type === 'swap',
  linear: type === 'swap' ? true : undefined,
  inverse: type === 'swap' ? false : undefined,
  contractSize: type === 'swap' ? 1 : undefined,
  active: true,
  precision: { amount: 0.001, price: 0.1 },
  limits: { amount: { min: 0.001, max: undefined }, price: { min: 0.1, max: undefined }, cost: { min: undefined, max: undefined } },
  info: {},
});

const until = async (ok: () => boolean, what: string, ms = 8_000): Promise<void> => {
  const started = Date.now();
  while (!ok()) {
    if (Date.now() - started > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('ccxt pro.weex against the WEEX simulator', () => {
  let server: WeexServer;
  let exchange: InstanceType<typeof ccxt.pro.weex>;
  let clock = Date.parse('2026-11-20T10:00:00Z');
  const at = () => ({ time: new Date(clock).toISOString(), timestamp: (clock += 250), broker: 'weex', raw: {} });

  beforeAll(async () => {
    server = await startWeexServer({ pingIntervalMs: 60_000 });
    exchange = new ccxt.pro.weex({
      apiKey: server.env.WEEX_API_KEY,
      secret: server.env.WEEX_SECRET_KEY,
      password: server.env.WEEX_PASSPHRASE,
      options: { watchBalance: { fetchBalanceSnapshot: false }, watchPositions: { fetchPositionsSnapshot: false } },
    });
    exchange.urls.api = { ...exchange.urls.api, ws: server.ccxtUrls };
    exchange.setMarkets([market('spot'), market('swap')]);
    // ccxt's own requirement for plain ws:// URLs (the loopback server has no TLS).
    await exchange.loadHttpProxyAgent();
    const book: OrderBook = {
      kind: 'book',
      symbol: 'BTCUSDT',
      ...at(),
      bids: [
        { price: 65000.1, size: 0.4 },
        { price: 65000, size: 1.2 },
      ],
      asks: [
        { price: 65000.2, size: 0.145 },
        { price: 65000.5, size: 2 },
      ],
    };
    server.publish(book);
    server.publish({ kind: 'trade', symbol: 'BTCUSDT', ...at(), price: 65000.2, size: 0.145, side: 'buy', tradeId: 'a1' } as Trade);
  });

  afterAll(async () => {
    await exchange?.close();
    await server?.close();
  });

  it('watchTicker resolves with the venue ticker (no hang), exact decimal figures', async () => {
    const ticker = await exchange.watchTicker('BTC/USDT:USDT');
    expect(ticker.symbol).toBe('BTC/USDT:USDT');
    expect(ticker.last).toBe(65000.2);
    expect(ticker.info).toMatchObject({ c: '65000.2', v: '0.145', q: '9425.029', n: 1, m: '65000.2' });
    const next = exchange.watchTicker('BTC/USDT:USDT');
    server.publish({ kind: 'trade', symbol: 'BTCUSDT', ...at(), price: 65000.1, size: 0.3, side: 'sell', tradeId: 'a2' } as Trade);
    const after = await next;
    expect(after.info).toMatchObject({ c: '65000.1', v: '0.445', q: '28925.059', o: '65000.2', p: '-0.1' });
  });

  it('watchTrades: the trade value is price × size exactly', async () => {
    const first = exchange.watchTrades('BTC/USDT:USDT');
    const trades = await first;
    expect(trades.length).toBeGreaterThan(0);
    const pending = exchange.watchTrades('BTC/USDT:USDT');
    await until(() => server.subscribedStreams('public').includes('BTCUSDT@trade'), 'the trade subscription');
    server.publish({ kind: 'trade', symbol: 'BTCUSDT', ...at(), price: 65000.2, size: 0.145, side: 'buy', tradeId: 'a3' } as Trade);
    const latest = (await pending).at(-1)!;
    expect(latest).toMatchObject({ symbol: 'BTC/USDT:USDT', id: 'a3', price: 65000.2, amount: 0.145, side: 'buy' });
    expect(latest.info.v).toBe('9425.029');
  });

  it('watchOHLCV: candles from the tape', async () => {
    const candles = await exchange.watchOHLCV('BTC/USDT:USDT', '1m');
    const [t, o, h, l, c, v] = candles.at(-1)!;
    expect(t! % 60_000).toBe(0);
    expect([o, h, l, c]).toEqual([65000.2, 65000.2, 65000.1, 65000.2]);
    expect(v).toBeCloseTo(0.59, 9);
  });

  it('watchOrderBook: 200 levels, equal to the simulator book at every update id', async () => {
    let book = await exchange.watchOrderBook('BTC/USDT:USDT');
    expect(book.bids).toHaveLength(200);
    expect(book.asks).toHaveLength(200);
    const compare = (b: typeof book) => {
      const view = server.bookAt('BTCUSDT', 200, b.nonce!);
      expect(view).toBeDefined();
      expect(b.bids.map(([p, s]) => [p, s])).toEqual(view!.bids.map((l) => [l.price, l.size]));
      expect(b.asks.map(([p, s]) => [p, s])).toEqual(view!.asks.map((l) => [l.price, l.size]));
    };
    compare(book);
    let bid = 65000.1;
    for (let i = 0; i < 20; i++) {
      const next = exchange.watchOrderBook('BTC/USDT:USDT');
      bid = Math.round((bid + (i % 3 === 0 ? -0.1 : 0.1)) * 10) / 10;
      server.publish({
        kind: 'book',
        symbol: 'BTCUSDT',
        ...at(),
        bids: [
          { price: bid, size: 0.1 + i / 1000 },
          { price: Math.round((bid - 0.3) * 10) / 10, size: 1 },
        ],
        asks: [
          { price: Math.round((bid + 0.2) * 10) / 10, size: 0.5 },
          { price: Math.round((bid + 0.4) * 10) / 10, size: 0.25 + i / 100 },
        ],
      } as OrderBook);
      book = await next;
      compare(book);
    }
  });

  it('watchOrders: contract orders under the swap market, spot orders under spot', async () => {
    const order = (id: string, spot: boolean, patch: Partial<OrderEvent> = {}): OrderEvent => ({
      kind: 'order',
      symbol: 'BTCUSDT',
      ...at(),
      raw: spot ? { market: 'spot' } : {},
      orderId: id,
      side: 'buy',
      status: 'accepted',
      orderQty: 0.145,
      orderPrice: 65000.2,
      filledQty: 0,
      unfilledQty: 0.145,
      ...patch,
    });
    const contract = exchange.watchOrders('BTC/USDT:USDT');
    await until(() => server.subscribedStreams('private').includes('orders'), 'the contract order subscription');
    server.publish(order('700000000000000001', false));
    const [swapOrder] = await contract;
    expect(swapOrder).toMatchObject({ id: '700000000000000001', symbol: 'BTC/USDT:USDT', side: 'buy', amount: 0.145, price: 65000.2 });
    // The venue's PENDING, as ccxt reports it from the real venue too.
    expect(swapOrder.status).toBe('pending');
    expect(swapOrder.info).toMatchObject({ positionSide: 'LONG', marginMode: 'CROSSED' });

    const spot = exchange.watchOrders('BTC/USDT');
    await until(() => server.connections('private') === 2, 'the spot private socket');
    await new Promise((r) => setTimeout(r, 50));
    server.publish(order('700000000000000002', true));
    const spotOrders = await spot;
    expect(spotOrders.at(-1)).toMatchObject({ id: '700000000000000002', symbol: 'BTC/USDT', amount: 0.145 });
    expect(spotOrders.at(-1)!.info.positionSide).toBeUndefined();
  });

  it('watchBalance, watchMyTrades and watchPositions follow a fill', async () => {
    const balance = exchange.watchBalance({ type: 'swap' });
    const fills = exchange.watchMyTrades('BTC/USDT:USDT');
    const positions = exchange.watchPositions(['BTC/USDT:USDT']);
    await until(
      () => ['account', 'fill', 'positions'].every((c) => server.subscribedStreams('private').includes(c)),
      'the private subscriptions',
    );
    await new Promise((r) => setTimeout(r, 50));
    const filled: OrderEvent = {
      kind: 'order',
      symbol: 'BTCUSDT',
      ...at(),
      orderId: '700000000000000001',
      side: 'buy',
      status: 'filled',
      orderQty: 0.145,
      orderPrice: 65000.2,
      filledQty: 0.145,
      unfilledQty: 0,
      fillPrice: 65000.2,
      fillQty: 0.145,
    };
    server.publish(filled);
    server.publish({ kind: 'position', symbol: 'BTCUSDT', ...at(), qty: 0.145, avgPrice: 65000.2 } as Position);
    const [myTrade] = await fills;
    expect(myTrade).toMatchObject({ symbol: 'BTC/USDT:USDT', order: '700000000000000001', side: 'buy', amount: 0.145, cost: 9425.029 });
    const usdt = (await balance).USDT;
    // 100 000 USDT collateral less the 0.06 % fee on 9 425.029.
    expect(usdt.total).toBeCloseTo(100000 - 5.6550174, 6);
    expect(server.balances('contract').USDT).toBe('99994.3449826');
    const [position] = await positions;
    expect(position).toMatchObject({ symbol: 'BTC/USDT:USDT', side: 'long', contracts: 0.145 });
    expect(position.info).toMatchObject({ openValue: '9425.029', marginMode: 'CROSSED' });
  });
});
