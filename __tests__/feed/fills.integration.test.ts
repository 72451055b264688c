/**
 * Fills exact across reconnects on every broker, against the loopback servers over real sockets:
 * a fill notice sent again after a reconnect (duplicate), one never sent (loss), and both.
 * An order of 10 is filled 3 @ 100, 4 @ 101 and 3 @ 102 (cost 1010).
 */
import { Observable, Subscription } from 'rxjs';
import { FeedError } from '../../src/core/errors';
import { SessionOptions } from '../../src/core/session-types';
import { kiwoomFromEnv } from '../../src/brokers/kiwoom';
import { weex } from '../../src/brokers/weex/feed';
import { startKiwoomServer } from '../../src/app/servers/kiwoom/server';
import { encodeOrderEvent } from '../../src/app/servers/kiwoom/encode';
import { startWeexServer } from '../../src/app/servers/weex/server';
import { KisServer } from '../../src/app/servers/kis/server';
import { OrderEvent, Trade } from '../../src/model';
import { PnL, positionPnL } from '../../src/operators';
import { fill } from '../../src/testing';
import { feedFor } from '../kis/support';

const fast: SessionOptions = {
  backoff: { initialMs: 20, maxMs: 80, random: () => 0.5, healthyAfterMs: 60_000 },
  keyLingerMs: 0,
  connectionLingerMs: 0,
  livenessMs: 5_000,
};

async function waitFor(what: string, check: () => boolean, ms = 5_000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
const settle = (ms = 150): Promise<void> => new Promise((r) => setTimeout(r, ms));

const T0 = Date.parse('2026-03-05T10:00:00+09:00');
/** The three fills of the order (cumulative 3, 7, 10; value 300, 704, 1010). */
const fills = [
  { qty: 3, price: 100, cum: 3, value: 300, at: T0 },
  { qty: 4, price: 101, cum: 7, value: 704, at: T0 + 1_000 },
  { qty: 3, price: 102, cum: 10, value: 1010, at: T0 + 2_000 },
];
type Fill = (typeof fills)[number];

/** One broker's loopback server and feed, with what the test needs to send and reconnect. */
interface Rig {
  readonly orders$: Observable<OrderEvent>;
  readonly errors$: Observable<FeedError>;
  send(f: Fill): void;
  ready(): boolean;
  drop(): Promise<void>;
  close(): Promise<void>;
  /** Whether the broker's notices carry running totals (a loss can be inferred). */
  readonly totals: boolean;
  /** Whether a notice carries its own fill's size beside the totals (Kiwoom 915; not WEEX). */
  readonly ownFill: boolean;
}

const event = (f: Fill, symbol: string, broker: string): OrderEvent =>
  fill({
    broker,
    symbol,
    orderId: '0000042',
    side: 'buy',
    price: f.price,
    qty: f.qty,
    orderQty: 10,
    filledQty: f.cum,
    orderPrice: 102,
    timestamp: f.at,
  });

async function kiwoomRig(): Promise<Rig> {
  const server = await startKiwoomServer({ pingIntervalMs: 0 });
  const feed = kiwoomFromEnv(server.env, fast);
  const logins = () => server.counters.logins;
  return {
    totals: true,
    ownFill: true,
    orders$: feed.orders$(),
    errors$: feed.errors$,
    send: (f) => {
      const { entry } = encodeOrderEvent(event(f, '005930', 'kiwoom'));
      // 903: cumulative filled value; 909: fill number.
      const values = { ...entry.values, '903': String(f.value), '909': String(f.cum) };
      server.broadcastRaw(JSON.stringify({ trnm: 'REAL', data: [{ ...entry, values }] }));
    },
    ready: () => server.registrations().includes('00|'),
    drop: async () => {
      const before = logins();
      server.dropConnections();
      await server.waitFor(() => logins() > before && server.registrations().includes('00|'));
    },
    close: () => server.close(),
  };
}

async function weexRig(): Promise<Rig> {
  const server = await startWeexServer();
  const feed = weex(
    {
      apiKey: server.env.WEEX_API_KEY,
      secretKey: server.env.WEEX_SECRET_KEY,
      passphrase: server.env.WEEX_PASSPHRASE,
      privateUrl: server.privateUrl,
    },
    fast,
  );
  let version = 0;
  const upgrades = () => server.upgrades.filter((u) => u.path === '/v3/ws/private').length;
  return {
    totals: true,
    ownFill: false,
    orders$: feed.orders$(),
    errors$: feed.errors$,
    send: (f) => {
      version += 1;
      const record = {
        id: '0000042',
        coin: 'USDT',
        symbol: 'BTCUSDT',
        orderSide: 'BUY',
        price: '102',
        size: '10',
        type: 'LIMIT',
        status: f.cum === 10 ? 'FILLED' : 'PENDING',
        cumFillSize: String(f.cum),
        cumFillValue: String(f.value),
        latestFillPrice: String(f.price),
        createdTime: String(T0),
        updatedTime: String(f.at),
      };
      server.broadcastRaw(JSON.stringify({ e: 'orders', E: f.at, v: version, msgEvent: 'OrderUpdate', d: [record] }));
    },
    ready: () => server.subscribedStreams('private').includes('orders'),
    drop: async () => {
      const before = upgrades();
      server.dropConnections();
      await waitFor('private resubscribed', () => upgrades() > before && server.subscribedStreams('private').includes('orders'));
    },
    close: () => server.close(),
  };
}

async function kisRig(): Promise<Rig> {
  const server = await KisServer.start();
  const feed = feedFor(server, {}, fast);
  const notice = () => server.registrations().some((keys) => keys.some((k) => k.startsWith('H0STCNI')));
  return {
    totals: false,
    ownFill: true,
    orders$: feed.orders$(),
    errors$: feed.errors$,
    // The server encrypts each notice with the connection's own key: the same fill sent again
    // after a reconnect is the same notice, as KIS would re-send it.
    send: (f) => server.publish(event(f, '005930', 'kis')),
    ready: notice,
    drop: async () => {
      const before = server.counters.connections;
      server.dropConnections();
      await waitFor('notice re-registered', () => server.counters.connections > before && notice());
    },
    close: () => server.close(),
  };
}

const rigs: [string, () => Promise<Rig>][] = [
  ['kiwoom', kiwoomRig],
  ['weex', weexRig],
  ['kis', kisRig],
];

describe.each(rigs)('%s fills across reconnects', (_broker, makeRig) => {
  let rig: Rig;
  let subs: Subscription;
  let orders: OrderEvent[];
  let pnl: PnL[];
  let errors: FeedError[];

  beforeEach(async () => {
    rig = await makeRig();
    subs = new Subscription();
    orders = [];
    pnl = [];
    errors = [];
    // One subscription feeds both: orders$ is the feed's normalized stream.
    const shared = new Observable<OrderEvent>((s) => rig.orders$.subscribe(s));
    subs.add(rig.errors$.subscribe((e) => errors.push(e)));
    const orders$ = new Observable<OrderEvent>((s) => {
      const sub = shared.subscribe({ next: (o) => (orders.push(o), s.next(o)), error: (e) => s.error(e) });
      return sub;
    });
    subs.add(positionPnL(new Observable<Trade>(), orders$).subscribe((p) => pnl.push(p)));
    await waitFor('account registered', () => rig.ready());
  });

  afterEach(async () => {
    subs.unsubscribe();
    await rig.close();
  });

  const last = (): PnL => pnl[pnl.length - 1];
  const fillsOf = () => orders.map((o) => [o.fillQty, o.fillPrice, o.filledQty, o.inferred ?? false]);
  /**
   * What a loss of fills[1] shows: on Kiwoom an inferred fill of 4 @ 101 before the next one; on
   * WEEX (totals without the fill's own size) one fill of 7 at the average the totals give.
   */
  const afterLoss = () =>
    rig.ownFill
      ? [
          [4, 101, 7, true],
          [3, 102, 10, false],
        ]
      : [[7, 710 / 7, 10, false]];

  it('a fill sent again after a reconnect counts once', async () => {
    rig.send(fills[0]);
    rig.send(fills[1]);
    await waitFor('two fills', () => orders.length === 2);
    await rig.drop();
    rig.send(fills[1]); // re-sent
    rig.send(fills[2]);
    await waitFor('final fill', () => orders.some((o) => o.filledQty === 10));
    await settle();
    expect(fillsOf()).toEqual([
      [3, 100, 3, false],
      [4, 101, 7, false],
      [3, 102, 10, false],
    ]);
    expect(orders[2].status).toBe('filled');
    expect(last()).toMatchObject({ qty: 10, avgPrice: 101, realized: 0 });
    expect(errors.filter((e) => e.kind === 'decode')).toEqual([]);
  });

  it('a fill lost in a reconnect: inferred from the totals where the broker sends them, never invented otherwise', async () => {
    rig.send(fills[0]);
    await waitFor('first fill', () => orders.length === 1);
    await rig.drop(); // fills[1] happens while disconnected: never sent
    rig.send(fills[2]);
    if (rig.totals) {
      await waitFor('final fill', () => orders.some((o) => o.filledQty === 10));
      await settle();
      expect(fillsOf()).toEqual([[3, 100, 3, false], ...afterLoss()]);
      expect(last()).toMatchObject({ qty: 10, avgPrice: 101 });
    } else {
      await waitFor('second fill', () => orders.length === 2);
      await settle();
      // KIS sends single fills only: what was not sent is unknown, and nothing pretends otherwise.
      expect(fillsOf()).toEqual([
        [3, 100, 3, false],
        [3, 102, 6, false],
      ]);
      expect(orders[1].status).toBe('partiallyFilled');
      expect(last()).toMatchObject({ qty: 6, avgPrice: 101 });
    }
  });

  it('a duplicate and a loss together', async () => {
    rig.send(fills[0]);
    await waitFor('first fill', () => orders.length === 1);
    await rig.drop();
    rig.send(fills[0]); // re-sent
    rig.send(fills[2]); // fills[1] lost
    await waitFor('last fill', () => orders.some((o) => o.filledQty === (rig.totals ? 10 : 6)));
    await settle();
    if (rig.totals) {
      expect(fillsOf()).toEqual([[3, 100, 3, false], ...afterLoss()]);
      expect(last()).toMatchObject({ qty: 10, avgPrice: 101 });
    } else {
      expect(fillsOf()).toEqual([
        [3, 100, 3, false],
        [3, 102, 6, false],
      ]);
      expect(last()).toMatchObject({ qty: 6, avgPrice: 101 });
    }
  });

  it('a negative fill quantity is rejected to errors$ and the stream goes on', async () => {
    rig.send(fills[0]);
    await waitFor('first fill', () => orders.length === 1);
    rig.send({ ...fills[1], qty: -4, cum: rig.totals ? -1 : 7 });
    rig.send(fills[1]);
    await waitFor('second fill', () => orders.length === 2);
    await settle();
    expect(fillsOf()).toEqual([
      [3, 100, 3, false],
      [4, 101, 7, false],
    ]);
    expect(errors.some((e) => e.kind === 'decode')).toBe(true);
  });
});
