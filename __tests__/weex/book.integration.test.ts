import { Subscription } from 'rxjs';
import { WeexFeed, weex } from '../../src/brokers/weex/feed';
import { BookState } from '../../src/book/book-state';
import { startWeexServer, WeexServer } from '../../src/app/servers/weex/server';
import { PriceLevel } from '../../src/model/market';
import { allClosed, fast, prng, waitFor } from './support';

/**
 * The order book against the loopback server: whatever the server loses or skips, every book the
 * stream shows is exactly the server's book at that update id, and the last one is the server's
 * book now.
 */

let server: WeexServer;
let sub: Subscription | undefined;
let feed: WeexFeed | undefined;
afterEach(async () => {
  sub?.unsubscribe();
  if (feed) await allClosed(feed);
  feed = undefined;
  await server?.close();
});

const SYMBOL = 'BTCUSDT';

/** Random level changes: bids below 1000, asks above, so the book never crosses by itself. */
function changes(random: () => number, n: number): { bids: PriceLevel[]; asks: PriceLevel[] } {
  const bids: PriceLevel[] = [];
  const asks: PriceLevel[] = [];
  for (let i = 0; i < n; i++) {
    const size = random() < 0.3 ? 0 : Math.round(random() * 1000) / 100;
    if (random() < 0.5) bids.push({ price: 980 + Math.floor(random() * 20) * 0.5, size });
    else asks.push({ price: 1000.5 + Math.floor(random() * 20) * 0.5, size });
  }
  return { bids, asks };
}

function script(random: () => number, count: number): void {
  for (let i = 0; i < count; i++) server.changeBook(SYMBOL, changes(random, 1 + Math.floor(random() * 4)));
}

it.each([15, 200] as const)(
  'after injected drops and gaps, depth %i shows only right books and ends equal to the server',
  async (depth) => {
    server = await startWeexServer();
    const random = prng(depth);
    server.setBook(SYMBOL, {
      bids: Array.from({ length: 20 }, (_, i) => ({ price: 990 - i * 0.5, size: 1 + i })),
      asks: Array.from({ length: 20 }, (_, i) => ({ price: 1001 + i * 0.5, size: 1 + i })),
    });
    feed = weex({ publicUrl: server.publicUrl }, fast);
    const states: BookState[] = [];
    sub = feed.bookSync$(SYMBOL, { depth }).subscribe((s) => states.push(s));
    await waitFor('first synced book', () => states.some((s) => s.status === 'synced'));

    script(random, 40);
    server.dropDeltas(SYMBOL, 2); // changes the server applies but never sends
    script(random, 40);
    await waitFor('resync after the drop', () => states.some((s) => s.resyncs === 1 && s.status === 'synced'));
    server.injectGap(SYMBOL, 7); // update ids skipped on the wire
    script(random, 40);
    await waitFor('the server book', () => {
      const last = states[states.length - 1];
      return last.status === 'synced' && last.book.raw.lastUpdateId === server.book(SYMBOL).lastUpdateId;
    });

    const last = states[states.length - 1];
    expect(last.resyncs).toBe(2);
    const now = server.book(SYMBOL, depth);
    expect({ bids: last.book!.bids, asks: last.book!.asks }).toEqual({ bids: now.bids, asks: now.asks });

    // Never a book that was not synced, and every book shown was the server's book at its id.
    const shown = states.filter((s) => s.book !== undefined);
    expect(shown.length).toBeGreaterThan(10);
    for (const s of shown) {
      expect(s.status).toBe('synced');
      const then = server.bookAt(SYMBOL, depth, s.book!.raw.lastUpdateId);
      expect(then).toBeDefined();
      expect({ bids: s.book!.bids, asks: s.book!.asks }).toEqual({ bids: then!.bids, asks: then!.asks });
    }
    expect(states.filter((s) => s.status === 'resyncing').map((s) => s.status === 'resyncing' && s.reason)).toEqual(['gap', 'gap']);
  },
);

it('a dropped connection resyncs the book from the snapshot of the new connection', async () => {
  server = await startWeexServer();
  const random = prng(7);
  server.setBook(SYMBOL, { bids: [{ price: 990, size: 1 }], asks: [{ price: 1001, size: 1 }] });
  feed = weex({ publicUrl: server.publicUrl }, fast);
  const states: BookState[] = [];
  sub = feed.bookSync$(SYMBOL).subscribe((s) => states.push(s));
  await waitFor('synced', () => states.some((s) => s.status === 'synced'));
  server.dropConnections();
  await waitFor('resyncing', () => states.some((s) => s.status === 'resyncing'));
  script(random, 10); // while nobody listens: only the new snapshot can carry these
  await waitFor('synced again', () => {
    const last = states[states.length - 1];
    return last.status === 'synced' && last.book.raw.lastUpdateId === server.book(SYMBOL).lastUpdateId;
  });
  const last = states[states.length - 1];
  expect(last.resyncs).toBe(1);
  expect(states.find((s) => s.status === 'resyncing')).toMatchObject({ reason: 'reconnect' });
  const now = server.book(SYMBOL, 15);
  expect({ bids: last.book!.bids, asks: last.book!.asks }).toEqual({ bids: now.bids, asks: now.asks });
});

it('two subscribers share one sync (one depth subscription on the wire)', async () => {
  server = await startWeexServer();
  server.setBook(SYMBOL, { bids: [{ price: 990, size: 1 }], asks: [{ price: 1001, size: 1 }] });
  feed = weex({ publicUrl: server.publicUrl }, fast);
  const a: BookState[] = [];
  const b: BookState[] = [];
  sub = feed.bookSync$(SYMBOL).subscribe((s) => a.push(s));
  sub.add(feed.bookSync$(SYMBOL).subscribe((s) => b.push(s)));
  await waitFor('both synced', () => a.some((s) => s.book) && b.some((s) => s.book));
  const subscribes = server.received.filter((f) => f.frame.includes('SUBSCRIBE') && f.frame.includes('@depth15'));
  expect(subscribes).toHaveLength(1);
});
