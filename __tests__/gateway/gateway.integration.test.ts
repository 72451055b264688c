/**
 * The gateway and natsFeed in one process, on a real nats-server (JetStream, the permission
 * config of the README) and the loopback Kiwoom server.
 */
import { Subscription } from 'rxjs';
import type { Msg } from '@nats-io/nats-core';
import { FeedError } from '../../src/core/errors';
import { FeedStatus } from '../../src/core/status';
import { startKiwoomServer, KiwoomServer } from '../../src/app/servers/kiwoom/server';
import { OrderBook, OrderEvent, Trade } from '../../src/model';
import { encode, encodeData } from '../../src/nats/wire';
import { NatsServer, startNatsServer } from './support/nats-server';
import { book, consumerFeed, fill, kiwoomGateway, regCount, trade, until } from './support/helpers';

jest.setTimeout(30_000);

let nats: NatsServer;
let server: KiwoomServer;
let gw: Awaited<ReturnType<typeof kiwoomGateway>>;
let subs = new Subscription();

beforeAll(async () => {
  nats = await startNatsServer();
});
afterAll(async () => {
  await nats?.stop();
  // Broker sessions close a linger after their last stream: let them, before jest tears down.
  await new Promise((r) => setTimeout(r, 1_500));
});
beforeEach(async () => {
  server = await startKiwoomServer({ pingIntervalMs: 0 });
  gw = await kiwoomGateway(nats, server);
  await until(() => server.counters.logins === 1, 'the leader to log in');
});
afterEach(async () => {
  subs.unsubscribe();
  subs = new Subscription();
  await gw.stop();
  await server.close();
});

function collect<T>(source: import('rxjs').Observable<T>): { values: T[]; errors: unknown[] } {
  const out = { values: [] as T[], errors: [] as unknown[] };
  subs.add(source.subscribe({ next: (v) => out.values.push(v), error: (e) => out.errors.push(e) }));
  return out;
}

it('registers a key on first interest, delivers its trades, and releases it after the lease and linger', async () => {
  const feed = consumerFeed(nats);
  const trades = collect(feed.trades$('005930'));
  await until(() => server.registrations().includes('0B|005930'), 'the gateway to register 0B 005930');
  server.publish(trade('005930', 70_000, 5));
  server.publish(trade('005930', 70_100, 7));
  await until(() => trades.values.length === 2, 'two trades');
  expect(trades.values.map((t: Trade) => [t.symbol, t.price, t.size])).toEqual([
    ['005930', 70_000, 5],
    ['005930', 70_100, 7],
  ]);
  feed.close();
  await until(() => !server.registrations().includes('0B|005930'), 'the key to be released');
  expect(regCount(server, '005930', '0B')).toBe(1);
});

it('gives a late joiner the current book at once, then updates', async () => {
  const first = consumerFeed(nats);
  const books1 = collect(first.orderBook$('000660'));
  await until(() => server.registrations().includes('0D|000660'), 'the book key');
  server.publish(book('000660', 100, 101));
  server.publish(book('000660', 102, 103));
  await until(() => books1.values.length === 2, 'two books on the first consumer');

  const late = consumerFeed(nats);
  const books2 = collect(late.orderBook$('000660'));
  await until(() => books2.values.length === 1, 'the kept book on the late joiner');
  expect((books2.values[0] as OrderBook).bids[0].price).toBe(102);
  server.publish(book('000660', 104, 105));
  await until(() => books2.values.length === 2, 'the next update');
  expect((books2.values[1] as OrderBook).bids[0].price).toBe(104);
  expect(regCount(server, '000660', '0D')).toBe(1);
  first.close();
  late.close();
});

it('a refused key errors that stream only', async () => {
  server.rejectItem('035720');
  const feed = consumerFeed(nats);
  const bad = collect(feed.trades$('035720'));
  const good = collect(feed.trades$('005930'));
  await until(() => bad.errors.length === 1, 'the refusal');
  const error = bad.errors[0] as FeedError;
  expect(error).toBeInstanceOf(FeedError);
  expect(error.kind).toBe('rejected');
  expect(error.key).toBe('kiwoom:trade.035720');
  await until(() => server.registrations().includes('0B|005930'), 'the good key');
  server.publish(trade('005930', 70_000, 1));
  await until(() => good.values.length === 1, 'a trade on the good key');
  expect(good.errors).toEqual([]);
  feed.close();
});

it('enforces the broker limit at the gateway: the key over it errors with a limit error', async () => {
  await gw.stop();
  gw = await kiwoomGateway(nats, server, { maxKeys: 2 });
  await until(() => gw.gateway.activeKeys !== undefined && server.counters.logins >= 1, 'the gateway');
  const feed = consumerFeed(nats);
  const a = collect(feed.trades$('000001'));
  const b = collect(feed.trades$('000002'));
  await until(() => gw.gateway.activeKeys().length === 2, 'two keys');
  const c = collect(feed.trades$('000003'));
  await until(() => c.errors.length === 1, 'the third key refused');
  expect((c.errors[0] as FeedError).kind).toBe('limit');
  expect(a.errors).toEqual([]);
  expect(b.errors).toEqual([]);
  feed.close();
});

it('malformed messages on market subjects go to errors$ and end no stream', async () => {
  const feed = consumerFeed(nats);
  const errors = collect(feed.errors$);
  const trades = collect(feed.trades$('005930'));
  await until(() => server.registrations().includes('0B|005930'), 'the key');
  gw.nc.publish('rxm.kiwoom.trade.005930', 'not json');
  gw.nc.publish('rxm.kiwoom.trade.005930', encodeData(1, 1, 'x', [JSON.stringify({ kind: 'trade', symbol: '005930' })]));
  // A batch with one bad event: its good event still arrives.
  gw.nc.publish('rxm.kiwoom.trade.005930', encodeData(2, 1, 'x', ['"nope"', JSON.stringify(trade('005930', 69_900, 2))]));
  server.publish(trade('005930', 70_000, 3));
  await until(() => trades.values.length === 2 && errors.values.length === 3, 'three decode errors and two trades');
  expect(errors.values.map((e: FeedError) => e.kind)).toEqual(['decode', 'decode', 'decode']);
  expect(trades.values.map((t: Trade) => t.price)).toEqual([69_900, 70_000]);
  expect(trades.errors).toEqual([]);
  feed.close();
});

it('bad input: an unknown broker and a bad symbol error their stream with a clear message', async () => {
  const nobody = consumerFeed(nats, { broker: 'nobroker' });
  const none = collect(nobody.trades$('005930'));
  await until(() => none.errors.length === 1, 'the unknown-broker error');
  expect((none.errors[0] as FeedError).message).toMatch(/no gateway serves broker "nobroker"/);
  const feed = consumerFeed(nats);
  const bad = collect(feed.orderBook$('00.59*'));
  await until(() => bad.errors.length === 1, 'the bad-symbol error');
  expect((bad.errors[0] as FeedError).kind).toBe('config');
  nobody.close();
  feed.close();
});

it('a wrong NATS password: the stream errors with an auth FeedError and status$ says why', async () => {
  const feed = consumerFeed(nats, { pass: 'not-the-password' });
  const statuses: FeedStatus[] = [];
  subs.add(feed.status$.subscribe((s) => statuses.push(s)));
  const trades = collect(feed.trades$('005930'));
  await until(() => trades.errors.length === 1, 'the auth error');
  expect((trades.errors[0] as FeedError).kind).toBe('auth');
  expect((trades.errors[0] as FeedError).fatal).toBe(true);
  const closed = statuses.find((s) => s.state === 'closed' && s.error !== undefined);
  expect(closed && closed.state === 'closed' && closed.error?.kind).toBe('auth');
  expect(statuses[statuses.length - 1]).toEqual(closed);
  feed.close();
});

it('a consumer may not publish market data (nats-server permissions)', async () => {
  const feed = consumerFeed(nats);
  const errors = collect(feed.errors$);
  const trades = collect(feed.trades$('005930'));
  await until(() => server.registrations().includes('0B|005930'), 'the key');
  const { connect } = await import('@nats-io/transport-node');
  const rogue = await connect({ servers: nats.url, user: nats.consumer.user, pass: nats.consumer.pass });
  const violations: string[] = [];
  void (async () => {
    for await (const s of rogue.status()) if (s.type === 'error') violations.push(s.error.message);
  })();
  rogue.publish('rxm.kiwoom.trade.005930', encodeData(1, 1, 'rogue', [JSON.stringify(trade('005930', 1, 1))]));
  await rogue.flush();
  await until(() => violations.length > 0, 'the permissions violation');
  expect(violations[0]).toMatch(/Permissions Violation for Publish to "rxm.kiwoom.trade.005930"/);
  server.publish(trade('005930', 70_000, 3));
  await until(() => trades.values.length === 1, 'the real trade');
  expect(trades.values.map((t: Trade) => t.price)).toEqual([70_000]);
  expect(errors.values).toEqual([]);
  await rogue.close();
  feed.close();
});

it('account events are durable: a consumer with a durable name resumes where it left off', async () => {
  const first = consumerFeed(nats, { durable: 'strategy1' });
  const got1 = collect(first.orders$());
  await new Promise((r) => setTimeout(r, 300));
  await until(() => server.registrations().includes('00|'), 'the account key');
  for (const n of [1, 2, 3]) server.publish(fill(n));
  await until(() => got1.values.length === 3, 'three fills');
  first.close();
  for (const n of [4, 5]) server.publish(fill(n));
  const again = consumerFeed(nats, { durable: 'strategy1' });
  const got2 = collect(again.orders$());
  await until(() => got2.values.length === 2, 'the fills missed while away');
  expect(got2.values.map((o: OrderEvent) => o.orderId)).toEqual(['ord4', 'ord5']);
  again.close();
});

it('status$ reports the broker session through the gateway', async () => {
  const feed = consumerFeed(nats);
  const statuses = collect(feed.status$);
  collect(feed.trades$('005930'));
  await until(() => statuses.values.some((s) => s.state === 'open'), 'open');
  feed.close();
  expect(statuses.values.at(-1)).toEqual({ state: 'closed' });
});

it('tradeBackfillMs: a late joiner gets the kept recent trades first, then live ones, none twice', async () => {
  const first = consumerFeed(nats);
  const seen = collect(first.trades$('005380'));
  await until(() => server.registrations().includes('0B|005380'), 'the trade key');
  for (const p of [100, 101, 102]) server.publish(trade('005380', p, 1));
  await until(() => seen.values.length === 3, 'three trades');
  const late = consumerFeed(nats, { tradeBackfillMs: 60_000 });
  const got = collect(late.trades$('005380'));
  await until(() => got.values.length === 3 || got.errors.length > 0, 'the kept trades');
  expect(got.errors).toEqual([]);
  server.publish(trade('005380', 103, 1));
  await until(() => got.values.length === 4, 'the live trade');
  await new Promise((r) => setTimeout(r, 200));
  expect(got.values.map((t: Trade) => t.price)).toEqual([100, 101, 102, 103]);
  first.close();
  late.close();
});

it('malformed messages on the book, status and notice subjects go to errors$; the book stream goes on', async () => {
  const feed = consumerFeed(nats);
  const errors = collect(feed.errors$);
  const books = collect(feed.orderBook$('000270'));
  const gaps = collect(feed.gaps$);
  await until(() => server.registrations().includes('0D|000270'), 'the book key');
  gw.nc.publish('rxm.kiwoom.book.000270', '{"s":1');
  // A well-formed trade on a book subject is not a book.
  gw.nc.publish('rxm.kiwoom.book.000270', encodeData(1, 1, 'x', [JSON.stringify(trade('000270', 1, 1))]));
  gw.nc.publish('rxm.kiwoom.status', encode({ t: 1, g: 'x', status: { state: 'sleeping' } }));
  gw.nc.publish('rxm.kiwoom.notice', encode({ t: 1, g: 'x', notice: { type: 'gap', reason: 42 } }));
  await until(() => errors.values.length >= 4, 'four decode errors');
  expect(errors.values.map((e: FeedError) => e.kind)).toEqual(['decode', 'decode', 'decode', 'decode']);
  // Each says where it came from.
  expect(errors.values.map((e: FeedError) => e.message).join('\n')).toMatch(
    /rxm\.kiwoom\.book\.000270[\s\S]*rxm\.kiwoom\.status[\s\S]*rxm\.kiwoom\.notice/,
  );
  server.publish(book('000270', 100, 101));
  await until(() => books.values.length === 1, 'the real book after the bad messages');
  expect((books.values[0] as OrderBook).bids[0].price).toBe(100);
  expect(books.errors).toEqual([]);
  expect(gaps.values).toEqual([]);
  feed.close();
});

it('a lease naming an unknown stream or a malformed lease is refused or dropped, and the gateway goes on', async () => {
  const { connect } = await import('@nats-io/transport-node');
  const raw = await connect({ servers: nats.url, user: nats.consumer.user, pass: nats.consumer.pass });
  const refusals: { subject: string; body: { error: { kind: string; message: string } } }[] = [];
  const sub = raw.subscribe('rxm.kiwoom.refused.>', {
    callback: (_e: unknown, m: Msg) => refusals.push({ subject: m.subject, body: JSON.parse(new TextDecoder().decode(m.data)) }),
  });
  await raw.flush();
  raw.publish('rxm.kiwoom.interest.rawc', 'not a lease');
  raw.publish('rxm.kiwoom.interest.rawc', encode({ consumer: 'rawc', keys: ['candles.005930'], ttlMs: 5_000 }));
  await until(() => refusals.length >= 1, 'the refusal of the unknown stream');
  expect(refusals[0].subject).toBe('rxm.kiwoom.refused.candles.005930');
  expect(refusals[0].body.error.kind).toBe('config');
  expect(refusals[0].body.error.message).toMatch(/unknown stream or bad symbol in "candles.005930" \(streams: trade, book, quote\)/);
  expect(gw.gateway.activeKeys()).toEqual([]);
  // The gateway still serves well-formed interest.
  const feed = consumerFeed(nats);
  const trades = collect(feed.trades$('005930'));
  await until(() => server.registrations().includes('0B|005930'), 'the good key');
  server.publish(trade('005930', 70_000, 2));
  await until(() => trades.values.length === 1, 'a trade');
  sub.unsubscribe();
  await raw.close();
  feed.close();
});

it('sends broker records (raw) only while some consumer asks for them', async () => {
  const plain = consumerFeed(nats);
  const got = collect(plain.trades$('005930'));
  await until(() => server.registrations().includes('0B|005930'), 'the key');
  server.publish(trade('005930', 70_000, 1));
  await until(() => got.values.length === 1, 'a trade without raw');
  expect((got.values[0] as Trade).raw).toBeNull();

  const wanting = consumerFeed(nats, { raw: true });
  const gotRaw = collect(wanting.trades$('005930'));
  await until(() => gotRaw.values.length === 0 && gw.gateway.activeKeys().includes('trade.005930'), 'the second lease');
  // The lease reaches the gateway before the next trade: wait until a trade with raw arrives.
  await until(() => {
    server.publish(trade('005930', 70_100, 2));
    return gotRaw.values.some((t: Trade) => t.raw !== null);
  }, 'a trade with its raw record');
  const withRaw = gotRaw.values.find((t: Trade) => t.raw !== null) as Trade;
  expect(typeof withRaw.raw).toBe('object');
  expect(JSON.stringify(withRaw.raw)).toMatch(/005930/);
  // One stream serves everyone: the plain consumer gets them too meanwhile.
  await until(() => got.values.some((t: Trade) => t.raw !== null), 'raw on the plain consumer too');

  wanting.close();
  const before = got.values.length;
  await until(() => {
    server.publish(trade('005930', 70_200, 3));
    return got.values.length > before && (got.values.at(-1) as Trade).raw === null;
  }, 'raw null again once no lease asks');
  expect(got.errors).toEqual([]);
  plain.close();
});

it('a late joiner gets only the last book of a kept batch, then updates', async () => {
  const first = consumerFeed(nats);
  const books1 = collect(first.orderBook$('000990'));
  await until(() => server.registrations().includes('0D|000990'), 'the book key');
  // One message with three books (as the gateway sends the books of one turn): JetStream keeps it whole.
  gw.nc.publish(
    'rxm.kiwoom.book.000990',
    encodeData(
      1,
      1,
      'gw-before',
      [book('000990', 10, 11), book('000990', 12, 13), book('000990', 14, 15)].map((b) => JSON.stringify(b)),
    ),
  );
  await until(() => books1.values.length === 3, 'the three books live');
  const late = consumerFeed(nats);
  const books2 = collect(late.orderBook$('000990'));
  await until(() => books2.values.length === 1, 'the kept book');
  await new Promise((r) => setTimeout(r, 200));
  expect(books2.values.map((b: OrderBook) => b.bids[0].price)).toEqual([14]);
  server.publish(book('000990', 16, 17));
  await until(() => books2.values.length === 2, 'the next update');
  expect((books2.values[1] as OrderBook).bids[0].price).toBe(16);
  first.close();
  late.close();
});

it('survives its NATS connection closing under it: what it cannot publish is logged, and it still stops cleanly', async () => {
  await gw.stop();
  const lines: string[] = [];
  gw = await kiwoomGateway(nats, server, { log: (l) => lines.push(l) });
  await until(() => server.counters.logins === 2, 'the new leader to log in');
  const feed = consumerFeed(nats);
  const trades = collect(feed.trades$('005930'));
  await until(() => server.registrations().includes('0B|005930'), 'the key');
  server.publish(trade('005930', 70_000, 5));
  await until(() => trades.values.length === 1, 'a trade through the gateway');

  await gw.nc.close();
  // The broker link drops: status (reconnecting), a gap notice and new trades all want out.
  server.closeConnections();
  await until(() => server.counters.logins === 3, 'the broker session to come back');
  await until(() => server.registrations().includes('0B|005930'), 'the key registered again');
  server.publish(trade('005930', 70_100, 6));
  await until(() => lines.some((l) => l.startsWith('not published to rxm.kiwoom.')), 'a log line for what could not go out');
  await expect(gw.gateway.close()).resolves.toBeUndefined();
  feed.close();
});
