/**
 * Account catch-up against the loopback servers: the socket goes down for a few seconds (the server
 * drops it and the client's backoff holds it down 4 s), the simulator fills orders meanwhile (one placed and completely filled
 * inside the gap), and after the reconnect every fill appears exactly once, in order, the
 * missed ones marked `source: 'rest'`, and positionPnL equals the simulator's own position.
 */
import { Subscription } from 'rxjs';
import { kiwoom } from '../../src/brokers/kiwoom';
import { kis } from '../../src/brokers/kis';
import { weex } from '../../src/brokers/weex';
import { startWeexServer } from '../../src/app/servers/weex/server';
import { KisServer } from '../../src/app/servers/kis/server';
import { startKiwoomServer } from '../../src/app/servers/kiwoom/server';
import { FeedError } from '../../src/core/errors';
import { OrderEvent, OrderStatus, Side } from '../../src/model';
import { positionPnL, PnL } from '../../src/operators/position-pnl';
import { RestState } from '../../src/app/servers/rest-state';
import { BrokerServer } from '../../src/app/broker-module';
import { Observable } from 'rxjs';
import { Trade } from '../../src/model';

jest.setTimeout(30_000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A dropped socket comes back after exactly 4 s: the outage the simulator fills orders in. */
const OUTAGE = { initialMs: 4_000, maxMs: 4_000, random: () => 1 };

interface Harness {
  readonly server: BrokerServer & { readonly rest: RestState };
  readonly feed: {
    readonly broker: string;
    readonly errors$: Observable<FeedError>;
    orders$(): Observable<OrderEvent>;
    trades$(symbol: string): Observable<Trade>;
  };
  /** The account stream is registered on a live connection. */
  accountLive(): boolean;
  readonly symbol: string;
  readonly account?: string;
  orderId(n: number): string;
  /** The n an order id was made from. */
  seq(orderId: string): number;
  /** Whether the broker's REST has single fills (else one total per order: KIS). */
  readonly perFill: boolean;
}

function order(
  h: Harness,
  n: number,
  side: Side,
  qty: number,
  price: number,
  status: OrderStatus,
  filled: number,
  fill?: number,
): OrderEvent {
  const now = Date.now();
  return {
    kind: 'order',
    broker: h.feed.broker,
    symbol: h.symbol,
    orderId: h.orderId(n),
    side,
    status,
    orderQty: qty,
    orderPrice: price,
    filledQty: filled,
    unfilledQty: qty - filled,
    ...(fill !== undefined ? { fillQty: fill, fillPrice: price } : {}),
    ...(h.account ? { account: h.account } : {}),
    time: new Date(now).toISOString(),
    timestamp: now,
    raw: {},
  };
}

async function until(predicate: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const started = Date.now();
  while (!predicate()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

const cases: readonly [string, () => Promise<Harness>][] = [
  [
    'kiwoom',
    async () => {
      const PERFILL = true;
      const server = await startKiwoomServer({ pingIntervalMs: 0 });
      const feed = kiwoom(
        {
          appKey: server.env.KIWOOM_APPKEY,
          secretKey: server.env.KIWOOM_SECRETKEY,
          restUrl: server.restUrl,
          wsUrl: server.wsUrl,
          restBudget: undefined,
          rest: { catchUp: true },
        },
        { backoff: OUTAGE },
      );
      return {
        server,
        feed,
        accountLive: () => server.registrations().includes('00|'),
        symbol: '005930',
        orderId: (n) => String(n).padStart(7, '0'),
        seq: (id) => Number(id),
        perFill: PERFILL,
      };
    },
  ],
  [
    'kis',
    async () => {
      const PERFILL = false;
      const server = await KisServer.start();
      const feed = kis(
        {
          appKey: server.env.KIS_APPKEY,
          appSecret: server.env.KIS_APPSECRET,
          htsId: server.env.KIS_HTS_ID,
          restUrl: server.restUrl,
          wsUrl: server.wsUrl,
          account: '12345678-01',
          rest: { catchUp: true },
        },
        { backoff: OUTAGE },
      );
      return {
        server,
        feed,
        accountLive: () => server.registrations().some((keys) => keys.some((k) => k.includes('CNI'))),
        symbol: '005930',
        orderId: (n) => String(n).padStart(7, '0'),
        seq: (id) => Number(id),
        perFill: PERFILL,
      };
    },
  ],
  [
    'weex',
    async () => {
      // Ids above 2^53, as WEEX's are: the REST side must read them losslessly (the simulator sends them as JSON numbers).
      const BASE = 737185556881998100n;
      const server = await startWeexServer({ pingIntervalMs: 60_000 });
      const feed = weex(
        {
          apiKey: server.env.WEEX_API_KEY,
          secretKey: server.env.WEEX_SECRET_KEY,
          passphrase: server.env.WEEX_PASSPHRASE,
          publicUrl: server.publicUrl,
          privateUrl: server.privateUrl,
          restUrl: server.restUrl,
        },
        { backoff: OUTAGE },
      );
      return {
        server,
        feed,
        accountLive: () => server.subscribedStreams('private').includes('orders'),
        symbol: 'BTCUSDT',
        orderId: (n) => (BASE + BigInt(n)).toString(),
        seq: (id) => Number(BigInt(id) - BASE),
        perFill: true,
      };
    },
  ],
];

describe.each(cases)('%s: account catch-up after an outage', (_name, start) => {
  let h: Harness;
  const subs = new Subscription();
  afterEach(async () => {
    subs.unsubscribe();
    (h.feed as { close?: () => void }).close?.();
    await h.server.close();
  });

  it('every fill exactly once, in order, the missed ones marked rest; positionPnL equals the simulator', async () => {
    h = await start();
    const events: OrderEvent[] = [];
    const errors: FeedError[] = [];
    let pnl: PnL | undefined;
    const orders$ = h.feed.orders$();
    subs.add(h.feed.errors$.subscribe((e) => errors.push(e)));
    subs.add(orders$.subscribe((e) => events.push(e)));
    subs.add(positionPnL(h.feed.trades$(h.symbol), orders$).subscribe((p) => (pnl = p)));
    await until(h.accountLive, 'the account stream');
    // Let the baseline query land before the first notice.
    await until(() => h.server.rest.requests.length > 0, 'the baseline query');
    await sleep(300);

    // Live: order 1 (buy 10) accepted, 3 filled.
    h.server.publish(order(h, 1, 'buy', 10, 70000, 'accepted', 0));
    h.server.publish(order(h, 1, 'buy', 10, 70000, 'partiallyFilled', 3, 3));
    await until(() => events.length === 2, 'the live notices');

    // Outage: the socket drops and stays down 4 s while the simulator keeps filling.
    h.server.dropConnections();
    await until(() => !h.accountLive(), 'the disconnect');
    h.server.publish(order(h, 1, 'buy', 10, 70000, 'partiallyFilled', 7, 4));
    // A second apart: KRX REST times are whole seconds.
    await sleep(1_100);
    h.server.publish(order(h, 2, 'sell', 5, 70100, 'accepted', 0));
    h.server.publish(order(h, 2, 'sell', 5, 70100, 'filled', 5, 5)); // placed and filled inside the gap
    await sleep(1_100);
    const last = order(h, 1, 'buy', 10, 70000, 'filled', 10, 3);
    h.server.publish(last);
    expect(h.accountLive()).toBe(false); // all three inside the gap

    const restFills = h.perFill ? 3 : 2;
    await until(() => events.filter((e) => e.source === 'rest' && e.fillQty !== undefined).length >= restFills, 'the caught-up fills');
    await until(h.accountLive, 'the account stream again');
    // The broker re-sends the last fill (as it was) after the reconnect: it must not count twice.
    h.server.publish(last);
    // A new live fill after the reconnect.
    h.server.publish(order(h, 3, 'buy', 2, 69900, 'accepted', 0));
    h.server.publish(order(h, 3, 'buy', 2, 69900, 'filled', 2, 2));
    await until(() => events.some((e) => h.seq(e.orderId) === 3 && e.fillQty !== undefined), 'the live fill after the reconnect');
    await sleep(300);

    const fills = events.filter((e) => e.fillQty !== undefined);
    const key = (e: OrderEvent) => `${h.seq(e.orderId)}:${e.filledQty}`;
    if (h.perFill) {
      expect(fills.map(key)).toEqual(['1:3', '1:7', '2:5', '1:10', '3:2']);
      expect(fills.map((e) => e.fillQty)).toEqual([3, 4, 5, 3, 2]);
      expect(fills.map((e) => e.source ?? 'ws')).toEqual(['ws', 'rest', 'rest', 'rest', 'ws']);
    } else {
      // One total per order on REST (KIS): the gap's 4 + 3 of order 1 come as one fill of 7.
      expect(fills.map(key)).toEqual(['1:3', '2:5', '1:10', '3:2']);
      expect(fills.map((e) => e.fillQty)).toEqual([3, 5, 7, 2]);
      expect(fills.map((e) => e.source ?? 'ws')).toEqual(['ws', 'rest', 'rest', 'ws']);
      expect(fills[2].fillPrice).toBe(70000);
    }
    // The order placed inside the gap appears, accepted then filled, both by REST.
    const second = events.filter((e) => h.seq(e.orderId) === 2);
    expect(second.map((e) => [e.status, e.source])).toEqual([
      ['accepted', 'rest'],
      ['filled', 'rest'],
    ]);
    // REST events in time order.
    const rest = events.filter((e) => e.source === 'rest');
    for (let i = 1; i < rest.length; i++) expect(rest[i].timestamp).toBeGreaterThanOrEqual(rest[i - 1].timestamp);
    // Nothing counted twice: the position is the simulator's own.
    expect(h.server.rest.position(h.symbol)).toBe(10 - 5 + 2);
    expect(pnl?.qty).toBe(h.server.rest.position(h.symbol));
    expect(errors.filter((e) => e.kind !== 'connection' && e.kind !== 'timeout')).toEqual([]);
  });
});
