/**
 * A KIS list with entries that fail, against the loopback server (real sockets on 127.0.0.1):
 * a code the server refuses (OPSP8992) and a malformed one are on errors$; the others stream.
 */
import { Subscription } from 'rxjs';
import { FeedError } from '../../src/core/errors';
import { Trade } from '../../src/model';
import { KisServer } from '../../src/app/servers/kis/server';
import { feedFor, registered } from './support';

const trade = (symbol: string, price: number): Trade => ({
  kind: 'trade',
  broker: 'sim',
  symbol,
  price,
  size: 1,
  side: 'buy',
  exchange: 'KRX',
  time: '2026-03-05T09:01:02+09:00',
  timestamp: Date.parse('2026-03-05T09:01:02+09:00'),
  raw: undefined,
});

describe('KIS symbol lists', () => {
  let server: KisServer;
  let subs: Subscription;

  beforeEach(async () => {
    subs = new Subscription();
    server = await KisServer.start({ symbols: ['005930', '000660'], pingIntervalMs: 0 });
  });
  afterEach(async () => {
    subs.unsubscribe();
    await server.waitFor((s) => s.clientCount === 0, 2_000);
    await server.close();
  });

  it('an unknown code (OPSP8992) and a malformed one error their own entries only; the others stream', async () => {
    const feed = feedFor(server);
    const errors: FeedError[] = [];
    subs.add(feed.errors$.subscribe((e) => errors.push(e)));
    const trades: Trade[] = [];
    let ended: unknown;
    subs.add(
      feed.trades$(['005930', '999999', 'bad!', '000660'], { exchange: 'KRX' }).subscribe({
        next: (t) => trades.push(t),
        error: (e: unknown) => (ended = e),
        complete: () => (ended = 'complete'),
      }),
    );
    await server.waitFor(registered('H0STCNT0|005930', 'H0STCNT0|000660'), 10_000);
    // The refusal arrives after the registrations (KIS paces them 100 ms apart).
    await server.waitFor(() => errors.some((e) => e.kind === 'rejected'), 10_000);
    server.publish(trade('005930', 71900));
    server.publish(trade('000660', 180500));
    await server.waitFor(() => trades.length === 2, 10_000);

    expect(trades.map((t) => [t.symbol, t.price]).sort()).toEqual([
      ['000660', 180500],
      ['005930', 71900],
    ]);
    expect(ended).toBeUndefined();
    const said = errors.map((e) => [e.kind, e.code, e.key, e.fatal]);
    expect(said).toContainEqual(['rejected', 'OPSP8992', 'H0STCNT0|999999', false]);
    expect(errors.filter((e) => e.kind === 'config').map((e) => [e.fatal, /"bad!"/.test(e.message)])).toEqual([[false, true]]);
    expect(errors).toHaveLength(2);
    feed.close();
  });

  it('a list whose every entry fails errors the stream', async () => {
    const feed = feedFor(server);
    const error = await new Promise<unknown>((resolve) => {
      subs.add(feed.trades$(['999999', 'bad!'], { exchange: 'KRX' }).subscribe({ error: resolve, complete: () => resolve('complete') }));
    });
    expect(error).toMatchObject({ kind: 'rejected', code: 'OPSP8992' });
    feed.close();
  });
});
