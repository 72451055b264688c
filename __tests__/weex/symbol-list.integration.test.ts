/**
 * A WEEX list with entries that fail, against the loopback server (real sockets on 127.0.0.1): a
 * symbol the exchange does not list ("INVALID_ARGUMENT: invalid symbol") and a malformed one are
 * on errors$; the others stream.
 */
import { Subscription } from 'rxjs';
import { WeexFeed, weex } from '../../src/brokers/weex/feed';
import { startWeexServer, WeexServer } from '../../src/app/servers/weex/server';
import { FeedError } from '../../src/core/errors';
import { Trade } from '../../src/model/market';
import { allClosed, fast, waitFor } from './support';

let server: WeexServer;
let feed: WeexFeed;
let subs: Subscription;
beforeEach(async () => {
  subs = new Subscription();
  server = await startWeexServer({ symbols: ['BTCUSDT', 'ETHUSDT'] });
  feed = weex({ publicUrl: server.publicUrl }, fast);
});
afterEach(async () => {
  subs.unsubscribe();
  await allClosed(feed);
  await server.close();
});

const trade = (symbol: string, price: number): Trade => ({
  kind: 'trade',
  broker: 'weex',
  symbol,
  time: new Date(1_775_121_040_002).toISOString(),
  timestamp: 1_775_121_040_002,
  price,
  size: 0.5,
  side: 'buy',
  raw: undefined,
});

describe('WEEX symbol lists', () => {
  it('an unlisted symbol and a malformed one error their own entries only; the others stream', async () => {
    const errors: FeedError[] = [];
    subs.add(feed.errors$.subscribe((e) => errors.push(e)));
    const trades: Trade[] = [];
    let ended: unknown;
    subs.add(
      feed.trades$(['BTCUSDT', 'NOPEUSDT', 'bad symbol!', 'ethusdt']).subscribe({
        next: (t) => trades.push(t),
        error: (e: unknown) => (ended = e),
        complete: () => (ended = 'complete'),
      }),
    );
    // The batch is refused as a whole for the unlisted symbol; the codec asks again for the others.
    await waitFor(
      'BTCUSDT and ETHUSDT subscribed',
      () => ['BTCUSDT@trade', 'ETHUSDT@trade'].every((s) => server.subscribedStreams('public').includes(s)),
      10_000,
    );
    server.publish(trade('BTCUSDT', 65000.3));
    server.publish(trade('ETHUSDT', 3200.1));
    await waitFor('two trades', () => trades.length >= 2, 10_000);

    expect(trades.map((t) => [t.symbol, t.price]).sort()).toEqual([
      ['BTCUSDT', 65000.3],
      ['ETHUSDT', 3200.1],
    ]);
    expect(ended).toBeUndefined();
    expect(server.subscribedStreams('public')).not.toContain('NOPEUSDT@trade');
    const refusals = errors.filter((e) => e.kind === 'rejected');
    expect(refusals.map((e) => e.message)).toEqual([
      expect.stringMatching(/NOPEUSDT@trade refused: INVALID_ARGUMENT: invalid symbol : NOPEUSDT/),
    ]);
    expect(errors.filter((e) => e.kind === 'config').map((e) => [e.fatal, /"bad symbol!"/.test(e.message)])).toEqual([[false, true]]);
    expect(errors).toHaveLength(2);
  });

  it('orderBook$ over a list: the listed symbol syncs, the unlisted one is refused alone', async () => {
    const errors: FeedError[] = [];
    subs.add(feed.errors$.subscribe((e) => errors.push(e)));
    let ended: unknown;
    const books: string[] = [];
    subs.add(feed.orderBook$(['NOPEUSDT', 'BTCUSDT']).subscribe({ next: (b) => books.push(b.symbol), error: (e: unknown) => (ended = e) }));
    await waitFor('a synced BTCUSDT book', () => books.length > 0, 10_000);
    expect(books[0]).toBe('BTCUSDT');
    expect(ended).toBeUndefined();
    expect(errors.filter((e) => e.kind === 'rejected').map((e) => /NOPEUSDT@depth15/.test(e.message))).toEqual([true]);
  });

  it('a list whose every entry fails errors the stream', async () => {
    const error = await new Promise<unknown>((resolve) => {
      subs.add(feed.tickers$(['bad symbol!', 'NOPEUSDT']).subscribe({ error: resolve, complete: () => resolve('complete') }));
    });
    expect(error).toMatchObject({ kind: 'rejected' });
    expect((error as FeedError).message).toMatch(/invalid symbol : NOPEUSDT/);
  });
});
