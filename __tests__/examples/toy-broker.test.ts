/**
 * examples/toy-broker/feed.ts (the walk-through of docs/adding-a-broker.md) on a real socket: a
 * `ws` server on 127.0.0.1 speaking the toy protocol; the example strategy typed on MarketFeed
 * runs on it unchanged, and a bad record is a decode error that ends nothing.
 */
import { AddressInfo } from 'net';
import { WebSocket, WebSocketServer } from 'ws';
import { first, firstValueFrom, take, timeout, toArray } from 'rxjs';
import { ackEverything, toy } from '../../src/testing/toy-protocol';
import { toyFeed } from '../../examples/toy-broker/feed';
import { imbalanceVwapOn } from '../../examples/imbalance-vwap/on-feed';
import { MarketFeed } from '../../src/feed/market-feed';

let server: WebSocketServer;
let feed: MarketFeed | undefined;
const clients: WebSocket[] = [];

beforeEach(async () => {
  server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  server.on('connection', (socket) => {
    clients.push(socket);
    socket.on('message', (data) => ackEverything(String(data)).forEach((reply) => socket.send(reply)));
  });
  await new Promise((resolve) => server.once('listening', resolve));
});

afterEach(async () => {
  feed?.close();
  feed = undefined;
  clients.splice(0).forEach((c) => c.terminate());
  await new Promise((resolve) => server.close(resolve));
});

const send = (frame: string): void => clients.forEach((c) => c.send(frame));

it('a broker of one file runs the example strategy, and a bad record ends nothing', async () => {
  const f = toyFeed(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`, { connectionLingerMs: 0, keyLingerMs: 0 });
  feed = f;
  const errors: string[] = [];
  f.errors$.subscribe((e) => errors.push(`${e.kind}: ${e.message}`));
  const signals = firstValueFrom(imbalanceVwapOn(f, 'ACME', { levels: 2 }).pipe(take(1), toArray(), timeout(15_000)));
  await firstValueFrom(
    f.subscriptions$.pipe(
      first((keys) => keys.length === 2 && keys.every((k) => k.state === 'active')),
      timeout(15_000),
    ),
  );

  const at = Date.parse('2026-11-20T00:01:00Z');
  send(
    toy.data('book|ACME', {
      b: [
        [99, 500],
        [98, 300],
      ],
      a: [
        [100, 100],
        [101, 100],
      ],
      ts: at,
    }),
  );
  send(toy.data('trade|ACME', { p: 'not a price' })); // reported, skipped
  [100, 100, 98, 104].forEach((p, i) => send(toy.data('trade|ACME', { p, q: 10, ts: at + i + 1 })));

  // (100 + 100 + 98 + 104) / 4 = 100.5; (800 − 200) / 1000 = 0.6
  expect(await signals).toEqual([{ side: 'buy', symbol: 'ACME', price: 104, vwap: 100.5, imbalance: 0.6 }]);
  expect(errors).toEqual([expect.stringMatching(/^decode: toy: a record could not be mapped/)]);
});
