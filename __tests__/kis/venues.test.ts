/**
 * KRX, NXT and the integrated feed carry different records (issue 11, KIS venues): each venue's
 * prints and figures are its own, the integrated feed has both, its book sums both venues' books.
 * Against the loopback server and the simulator, through the project's own client.
 */
import { Subscription } from 'rxjs';
import { OrderBook, Trade } from '../../src/model';
import { KisServer } from '../../src/app/servers/kis/server';
import { integratedBook } from '../../src/app/servers/kis/venues';
import { kisModule } from '../../src/app/brokers/kis';
import { startSimulator, RunningSimulator } from '../../src/app/sim/simulator';
import { kisFromEnv } from '../../src/brokers/kis';
import { feedFor, registered } from './support';

const at = (iso: string) => ({ time: iso, timestamp: Date.parse(iso) });
const trade = (price: number, size: number, exchange: string, iso: string): Trade => ({
  kind: 'trade',
  broker: 'sim',
  symbol: '005930',
  price,
  size,
  side: 'buy',
  direction: 'up',
  exchange,
  ...at(iso),
  raw: { previousClose: 99 },
});
const book = (exchange: string, asks: [number, number][], bids: [number, number][], iso = '2026-03-05T10:00:05+09:00'): OrderBook => ({
  kind: 'book',
  broker: 'sim',
  symbol: '005930',
  exchange,
  asks: asks.map(([price, size]) => ({ price, size })),
  bids: bids.map(([price, size]) => ({ price, size })),
  ...at(iso),
  raw: { previousClose: 99 },
});

async function until(what: string, check: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('KIS venues on the loopback server', () => {
  let server: KisServer;
  let subs: Subscription;
  beforeEach(() => {
    subs = new Subscription();
  });
  afterEach(async () => {
    subs.unsubscribe();
    await server.waitFor((s) => s.clientCount === 0, 3_000);
    await server.close();
  });

  it('each venue counts its own prints; the integrated feed counts both', async () => {
    server = await KisServer.start({ pingIntervalMs: 0 });
    const feed = feedFor(server);
    const got: Record<string, Trade[]> = { KRX: [], NXT: [], UN: [] };
    for (const exchange of ['KRX', 'NXT', 'UN'] as const)
      subs.add(feed.trades$('005930', { exchange }).subscribe((t) => got[exchange].push(t)));
    await server.waitFor(registered('H0STCNT0|005930', 'H0NXCNT0|005930', 'H0UNCNT0|005930'));
    server.publish(trade(100, 10, 'KRX', '2026-03-05T10:00:01+09:00'));
    server.publish(trade(101, 3, 'NXT', '2026-03-05T10:00:02+09:00'));
    server.publish(trade(100, 5, 'KRX', '2026-03-05T10:00:03+09:00'));
    await until('the prints', () => got.KRX.length === 2 && got.NXT.length === 1 && got.UN.length === 3);
    const figures = (ts: Trade[]) => ts.map((t) => [t.price, t.size, t.cumulativeVolume, t.cumulativeTurnover, t.change]);
    expect(figures(got.KRX)).toEqual([
      [100, 10, 10, 1000, 1],
      [100, 5, 15, 1500, 1],
    ]);
    expect(figures(got.NXT)).toEqual([[101, 3, 3, 303, 2]]);
    expect(figures(got.UN)).toEqual([
      [100, 10, 10, 1000, 1],
      [101, 3, 13, 1303, 2],
      [100, 5, 18, 1803, 1],
    ]);
    expect(got.UN.map((t) => t.exchange)).toEqual([undefined, undefined, undefined]); // the integrated feed does not say
  });

  it('the integrated book sums both venues by price, and the venue that moved last wins a cross', async () => {
    server = await KisServer.start({ pingIntervalMs: 0 });
    const feed = feedFor(server);
    const got: Record<string, OrderBook[]> = { KRX: [], NXT: [], UN: [] };
    for (const exchange of ['KRX', 'NXT', 'UN'] as const)
      subs.add(feed.orderBook$('005930', { exchange }).subscribe((b) => got[exchange].push(b)));
    await server.waitFor(registered('H0STASP0|005930', 'H0NXASP0|005930', 'H0UNASP0|005930'));
    server.publish(
      book(
        'KRX',
        [
          [100, 5],
          [101, 7],
        ],
        [
          [99, 4],
          [98, 1],
        ],
      ),
    );
    server.publish(
      book(
        'NXT',
        [
          [100, 2],
          [102, 1],
        ],
        [
          [99, 1],
          [97, 3],
        ],
      ),
    );
    await until('the books', () => got.UN.length === 2 && got.NXT.length === 1 && got.KRX.length === 1);
    const levels = (b: OrderBook) => [b.asks.map((l) => [l.price, l.size]), b.bids.map((l) => [l.price, l.size])];
    expect(levels(got.KRX[0])).toEqual([
      [
        [100, 5],
        [101, 7],
      ],
      [
        [99, 4],
        [98, 1],
      ],
    ]);
    expect(levels(got.NXT[0])).toEqual([
      [
        [100, 2],
        [102, 1],
      ],
      [
        [99, 1],
        [97, 3],
      ],
    ]);
    expect(levels(got.UN[1])).toEqual([
      [
        [100, 7],
        [101, 7],
        [102, 1],
      ],
      [
        [99, 5],
        [98, 1],
        [97, 3],
      ],
    ]);
    expect([got.UN[1].totalAskSize, got.UN[1].totalBidSize]).toEqual([15, 9]);
    // NXT moves up through KRX's ask: KRX's crossing asks are left out of the integrated book.
    server.publish(book('NXT', [[102, 2]], [[101, 1]]));
    await until('the crossed update', () => got.UN.length === 3);
    expect(levels(got.UN[2])).toEqual([
      [[102, 2]],
      [
        [101, 1],
        [99, 4],
        [98, 1],
      ],
    ]);
  });

  it('integratedBook alone: no other venue yet is the venue book without its venue', () => {
    const only = integratedBook(book('KRX', [[100, 5]], [[99, 4]]), undefined);
    expect(only.exchange).toBeUndefined();
    expect(only.asks).toEqual([{ price: 100, size: 5 }]);
  });
});

describe('KIS venues in the simulator', () => {
  let sim: RunningSimulator | undefined;
  let subs: Subscription;
  beforeEach(() => {
    subs = new Subscription();
  });
  afterEach(async () => {
    subs.unsubscribe();
    await sim?.stop();
  });

  it('NXT has prints of its own; the integrated feed carries KRX and NXT prints', async () => {
    sim = await startSimulator(kisModule, { symbols: ['005930'], seed: 4, sessionStart: '10:00', tradesPerSecond: 30, trader: false });
    const feed = kisFromEnv(sim.env);
    const got: Record<string, Trade[]> = { KRX: [], NXT: [], UN: [] };
    for (const exchange of ['KRX', 'NXT', 'UN'] as const)
      subs.add(feed.trades$('005930', { exchange }).subscribe((t) => got[exchange].push(t)));
    await until('prints on every feed', () => got.NXT.length >= 5 && got.KRX.length >= 5 && got.UN.length >= 15, 20_000);
    subs.unsubscribe();
    const id = (t: Trade) => `${t.time}|${t.price}|${t.size}`;
    const un = new Set(got.UN.map(id));
    // Every print either venue made while the integrated feed was subscribed is on it too.
    const since = got.UN[0].timestamp;
    for (const t of [...got.KRX, ...got.NXT].filter((x) => x.timestamp > since)) expect(un.has(id(t))).toBe(true);
    // The venues' prints are not the same records.
    const krx = new Set(got.KRX.map((t) => `${id(t)}|${t.cumulativeVolume}`));
    expect(got.NXT.filter((t) => krx.has(`${id(t)}|${t.cumulativeVolume}`))).toEqual([]);
    // The integrated cumulative volume runs ahead of either venue's.
    const last = (ts: Trade[]) => ts[ts.length - 1].cumulativeVolume ?? 0;
    expect(last(got.UN)).toBeGreaterThan(Math.min(last(got.KRX), last(got.NXT)));
  }, 40_000);
});
