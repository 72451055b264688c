/**
 * The gateway's promises, checked the same way on any broker (not a test file): `rx-market
 * gateway --broker <name>` in its own process on the broker's loopback server, consumer processes
 * (natsFeed from the built package), a real nats-server with the README's permission config.
 * kis.integration.test.ts and weex.integration.test.ts call `gatewayCases` with their broker's rig;
 * the Kiwoom ones (processes.integration.test.ts) came first and go further.
 */
import { MarketEvent } from '../../../src/model';
import { NatsServer, startNatsServer } from './nats-server';
import { gatewayConnection, until } from './helpers';
import { Proc, killProcesses, startConsumer, startGatewayCli } from './processes';

/** One broker's loopback server, seen as the gateway tests need it. */
export interface BrokerRig {
  readonly env: Readonly<Record<string, string>>;
  publish(event: MarketEvent): void;
  /**
   * Broker sessions opened so far on the busiest endpoint (approval keys, logins or socket
   * upgrades: what the broker counts). One gateway, however many consumers: 1.
   */
  sessions(): number;
  /** Whether the broker holds a registration of `stream` for `symbol` now. */
  registered(stream: 'trade' | 'book', symbol: string): boolean;
  /** Register requests for `stream` of `symbol` received so far, over every connection. */
  registrations(stream: 'trade' | 'book', symbol: string): number;
  /** Whether the account (orders) stream is registered now. */
  accountRegistered(): boolean;
  close(): Promise<void>;
}

export interface BrokerCase {
  readonly broker: string;
  readonly symbol: string;
  readonly bookSymbol: string;
  startServer(): Promise<BrokerRig>;
  trade(symbol: string, price: number, size: number, n: number): MarketEvent;
  book(symbol: string, bid: number, ask: number, n: number): MarketEvent;
  /** A complete fill of order `orderId(n)`. */
  fill(n: number): MarketEvent;
  orderId(n: number): string;
  /** A symbol the loopback server refuses as unknown, where it knows its symbols. */
  readonly unknownSymbol?: { readonly symbol: string; readonly message: RegExp };
}

const lines = (p: Proc, type: string): Record<string, unknown>[] => p.lines().filter((l) => l.type === type);
const endings = (p: Proc): Record<string, unknown>[] => p.lines().filter((l) => l.type === 'error' || l.type === 'complete');

export function gatewayCases(c: BrokerCase): void {
  // Processes start slowly on a loaded machine: every wait is generous, nothing is timed.
  jest.setTimeout(90_000);

  let nats: NatsServer;
  let rig: BrokerRig;
  let gateway: Proc;

  const leads = (): boolean => /is the leader/.test(gateway.stderr());
  const consumer = (spec: Parameters<typeof startConsumer>[1]): Proc => startConsumer(nats, { broker: c.broker, ...spec });

  beforeEach(async () => {
    nats = await startNatsServer();
    rig = await c.startServer();
    gateway = startGatewayCli(nats, rig.env, [], c.broker);
    await until(() => leads(), `the ${c.broker} gateway to lead`, 30_000);
  });
  afterEach(async () => {
    killProcesses();
    await rig.close();
    await nats.stop();
  });

  it(`two consumer processes share one ${c.broker} session and one registration per key`, async () => {
    // Leases as the gateway sees them: a consumer's lease goes out after its subscription on the
    // same connection, so once NATS relays the lease, the consumer gets every print after it.
    const watcher = await gatewayConnection(nats);
    const wanting = new Set<string>();
    watcher.subscribe(`rxm.${c.broker}.interest.*`, {
      callback: (_e, m) => {
        const lease = JSON.parse(new TextDecoder().decode(m.data)) as { keys?: string[] };
        if (lease.keys?.includes(`trade.${c.symbol}`)) wanting.add(m.subject);
      },
    });
    await watcher.flush();
    const a = consumer({ trades: [c.symbol] });
    const b = consumer({ trades: [c.symbol] });
    await until(() => wanting.size === 2, "both consumers' leases", 30_000);
    await watcher.close();
    await until(() => rig.registered('trade', c.symbol), `the gateway to register the trades of ${c.symbol}`, 30_000);
    const prices = [101, 102, 103, 104, 105];
    prices.forEach((p, i) => rig.publish(c.trade(c.symbol, p, i + 1, i)));
    await until(() => lines(a, 'trade').length === 5 && lines(b, 'trade').length === 5, 'five trades in each consumer', 30_000);
    expect(lines(a, 'trade').map((l) => [l.symbol, l.price, l.size])).toEqual(prices.map((p, i) => [c.symbol, p, i + 1]));
    expect(lines(b, 'trade').map((l) => l.price)).toEqual(prices);
    expect(rig.sessions()).toBe(1);
    expect(rig.registrations('trade', c.symbol)).toBe(1);
    expect([...endings(a), ...endings(b)]).toEqual([]);
  });

  it('account events are durable: a consumer killed and restarted misses no fill and gets none twice', async () => {
    await until(() => rig.accountRegistered(), 'the gateway to hold the account stream', 30_000);
    const first = consumer({ orders: true, durable: `${c.broker}-strat` });
    for (const n of [1, 2, 3]) rig.publish(c.fill(n));
    await until(() => lines(first, 'order').length === 3, 'three fills', 30_000);
    // Its acks out before the kill (delivery is at least once: an unacknowledged fill comes again).
    await new Promise((r) => setTimeout(r, 500));
    await first.kill('SIGKILL');
    for (const n of [4, 5, 6]) rig.publish(c.fill(n));
    const again = consumer({ orders: true, durable: `${c.broker}-strat` });
    await until(() => lines(again, 'order').length >= 3, 'the fills made while it was down', 30_000);
    // A moment for anything delivered twice to show.
    await new Promise((r) => setTimeout(r, 500));
    expect(lines(first, 'order').map((l) => l.orderId)).toEqual([1, 2, 3].map(c.orderId));
    expect(lines(again, 'order').map((l) => l.orderId)).toEqual([4, 5, 6].map(c.orderId));
    expect(rig.sessions()).toBe(1);
  });

  it('a late joiner gets the current book first, then updates; the key is registered once', async () => {
    const early = consumer({ books: [c.bookSymbol] });
    await until(() => rig.registered('book', c.bookSymbol), `the gateway to register the book of ${c.bookSymbol}`, 30_000);
    rig.publish(c.book(c.bookSymbol, 100, 101, 1));
    rig.publish(c.book(c.bookSymbol, 102, 103, 2));
    await until(() => lines(early, 'book').some((l) => l.bid === 102), 'the second book on the first consumer', 30_000);

    const late = consumer({ books: [c.bookSymbol] });
    await until(() => lines(late, 'book').length >= 1, 'the kept book on the late joiner', 30_000);
    expect(lines(late, 'book')[0]).toMatchObject({ symbol: c.bookSymbol, bid: 102 });
    rig.publish(c.book(c.bookSymbol, 104, 105, 3));
    await until(() => lines(late, 'book').some((l) => l.bid === 104), 'the next update on the late joiner', 30_000);
    expect(lines(late, 'book').map((l) => l.bid)).toEqual([102, 104]);
    expect(rig.registrations('book', c.bookSymbol)).toBe(1);
    expect(rig.sessions()).toBe(1);
    expect([...endings(early), ...endings(late)]).toEqual([]);
  });

  const unknown = c.unknownSymbol;
  if (unknown) {
    it("an unknown symbol errors that stream only, in every consumer that asked, with the broker's reason", async () => {
      const a = consumer({ trades: [unknown.symbol, c.symbol] });
      const b = consumer({ trades: [unknown.symbol] });
      const refusal = (p: Proc): Record<string, unknown>[] => lines(p, 'error').filter((l) => l.what === `trades ${unknown.symbol}`);
      await until(() => refusal(a).length === 1 && refusal(b).length === 1, 'the refusal in both consumers', 30_000);
      for (const p of [a, b]) {
        expect(refusal(p)[0]).toMatchObject({ kind: 'rejected' });
        expect(String(refusal(p)[0].message)).toMatch(unknown.message);
      }
      await until(() => rig.registered('trade', c.symbol), 'the good key', 30_000);
      await new Promise((r) => setTimeout(r, 500));
      rig.publish(c.trade(c.symbol, 101, 1, 0));
      await until(() => lines(a, 'trade').length === 1, 'a trade on the good key', 30_000);
      expect(lines(a, 'error')).toHaveLength(1);
      expect(rig.sessions()).toBe(1);
    });
  }
}
