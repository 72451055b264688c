/**
 * The chaos run: a broker's loopback server, a FaultProxy in front of its WebSocket, the broker's
 * feed through the public API, a seeded fault schedule, and an account of every published trade.
 *
 *   publisher ─► server ─► FaultProxy (faults) ─► feed.trades$ ─► received (by sequence number)
 *
 * Each trade carries a sequence number (its size), so loss and repeats are counted exactly, and
 * every loss is placed inside or outside a fault window: from 250 ms before the fault (frames
 * already in flight) to the moment every key was registered again (the gap notices' `to`), or
 * to the end of a latency/drip spell.
 */
import { Subscription, merge } from 'rxjs';
import { BrokerModule } from '../broker-module';
import { SessionOptions } from '../../core/session-types';
import { FeedStatus } from '../../core/status';
import { GapNotice } from '../../core/notices';
import { OrderEvent, Trade } from '../../model/market';
import { FaultProxy, ScheduledFault } from '../../testing/fault-proxy';

export interface ChaosOptions {
  readonly broker: BrokerModule<any>;
  readonly schedule: readonly ScheduledFault[];
  /** Run length; the schedule must fit. */
  readonly seconds: number;
  readonly symbols?: readonly string[];
  /** One trade per symbol this often. Default 20 ms. */
  readonly publishEveryMs?: number;
  readonly session?: SessionOptions;
  /** Progress lines. */
  readonly log?: (line: string) => void;
  /**
   * Account streams too: an order every this many ms, filled 1 + 1 (quantity 1 a fill, so units
   * are fills), counted on `orders$` with the REST catch-up on. 0: none. Default 400.
   */
  readonly orderEveryMs?: number;
}

/** The account stream's count: fills of quantity 1, so quantities are fills. */
export interface AccountTally {
  readonly orders: number;
  readonly published: number;
  readonly received: number;
  /** Of `received`, those the REST catch-up brought. */
  readonly byRest: number;
  readonly lost: number;
  readonly repeated: number;
}

export interface FaultRow {
  readonly broker: string;
  readonly fault: string;
  /** ms after the start. */
  readonly at: number;
  /** Fault → the feed left 'open' (undefined: it never did). */
  readonly detectedMs?: number;
  readonly detector?: string;
  /** Fault (close, reset) or detection (stall) → every key registered again. */
  readonly recoveredMs?: number;
  readonly lostInside: number;
  readonly lostOutside: number;
  readonly repeats: number;
  /** Keys registered again on the new connection / keys live. */
  readonly reregistered: string;
  /** Least time between two subscribe frames on the new connection (undefined: one frame). */
  readonly minSpacingMs?: number;
}

export interface ChaosResult {
  readonly broker: string;
  readonly rows: readonly FaultRow[];
  readonly published: number;
  readonly received: number;
  readonly lostInside: number;
  readonly lostOutside: number;
  readonly repeats: number;
  readonly account?: AccountTally;
}

const defaultSymbols: Readonly<Record<string, readonly string[]>> = {
  kiwoom: ['005930', '000660', '035420'],
  kis: ['005930', '000660', '035420'],
  weex: ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'],
};

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function runChaos(options: ChaosOptions): Promise<ChaosResult> {
  const broker = options.broker;
  const log = options.log ?? (() => undefined);
  const symbols = options.symbols ?? defaultSymbols[broker.name] ?? ['005930'];
  const everyMs = options.publishEveryMs ?? 20;
  const server = await broker.startServer();
  const wsEntry = Object.entries(server.env).find(([k]) => /WS(_PUBLIC)?_URL$/.test(k));
  if (!wsEntry) throw new Error(`${broker.name}: the server's env names no WebSocket URL`);
  const proxy = await FaultProxy.start({ targetPort: Number(new URL(wsEntry[1]).port) });
  const env: Record<string, string> = { ...server.env };
  for (const [k, v] of Object.entries(env)) if (/WS(_PUBLIC|_PRIVATE)?_URL$/.test(k)) env[k] = proxy.via(v);
  const orderEveryMs = options.orderEveryMs ?? 400;
  // KIS asks REST about an account only when it has one.
  if (orderEveryMs > 0 && broker.name === 'kis') env.KIS_ACCOUNT ??= '12345678-01';
  const feed = broker.feedFromEnv(env, options.session);
  const subs = new Subscription();
  const account =
    orderEveryMs > 0 ? accountTally(broker.name, feed as unknown as { orders$(): import('rxjs').Observable<OrderEvent> }, subs) : undefined;

  const published = new Map<number, number>(); // seq → publish time
  const seen = new Map<number, number>(); // seq → times received
  const statuses: { at: number; status: FeedStatus }[] = [];
  const gaps: GapNotice[] = [];
  subs.add(feed.status$.subscribe((status: FeedStatus) => statuses.push({ at: Date.now(), status })));
  subs.add(feed.gaps$.subscribe((g: GapNotice) => gaps.push(g)));
  const trades$ = merge(...symbols.map((s) => (feed as unknown as { trades$(s: string): import('rxjs').Observable<Trade> }).trades$(s)));
  subs.add(
    trades$.subscribe({
      next: (t) => seen.set(t.size, (seen.get(t.size) ?? 0) + 1),
      error: (e: unknown) => log(`${broker.name}: trades ended: ${String(e)}`),
    }),
  );

  // Wait until every key is live before publishing.
  const started = Date.now();
  while (server.subscribedSymbols().length < symbols.length && Date.now() - started < 10_000) await sleep(20);
  const t0 = Date.now();
  let seq = 1;
  const publisher = setInterval(() => {
    const now = Date.now();
    for (const symbol of symbols) {
      const n = seq++;
      published.set(n, now);
      server.publish(tradeOf(broker.name, symbol, n, now));
    }
  }, everyMs);
  const orders = account ? setInterval(() => account.place((e) => server.publish(e), symbols[0] as string), orderEveryMs) : undefined;
  const timers = options.schedule.map((f) =>
    setTimeout(() => {
      log(`${((Date.now() - t0) / 1000).toFixed(1)} s  ${broker.name}: ${f.kind}${f.forMs ? ` for ${f.forMs} ms` : ''}`);
      proxy.inject(f);
      if (f.forMs > 0) setTimeout(() => proxy.heal(), f.forMs);
    }, f.at),
  );
  await sleep(options.seconds * 1_000);
  clearInterval(publisher);
  if (orders) clearInterval(orders);
  timers.forEach(clearTimeout);
  await sleep(2_000); // let the last frames arrive
  // A catch-up after the last fault may still be asking REST (it holds live notices up to 3 s),
  // and on a loaded machine KIS may still be waiting out its ghost session before the reconnect
  // that triggers it: wait for the account to be whole, up to 20 s.
  for (let waited = 0; account && !account.complete() && waited < 20_000; waited += 100) await sleep(100);
  subs.unsubscribe();
  (feed as unknown as { close?: () => void }).close?.();
  await proxy.close();
  await server.close();

  // --- the account -------------------------------------------------------------------------
  const rows: FaultRow[] = [];
  const windows: [number, number][] = [];
  options.schedule.forEach((f, i) => {
    const at = t0 + f.at;
    const until = i + 1 < options.schedule.length ? t0 + (options.schedule[i + 1] as ScheduledFault).at : Infinity;
    const left = statuses.find((s) => s.at >= at && s.at < until && s.status.state !== 'open');
    const detectedAt = left?.at;
    const detector = left && left.status.state === 'reconnecting' ? left.status.detector : undefined;
    const reconnectGaps = gaps.filter((g) => g.reason === 'reconnect' && g.to >= at && g.to < until);
    const keysBack = new Set(reconnectGaps.map((g) => g.key));
    const recoveredAt =
      reconnectGaps.length > 0 && keysBack.size >= symbols.length ? Math.max(...reconnectGaps.map((g) => g.to)) : undefined;
    const end = recoveredAt ?? (f.forMs > 0 ? at + f.forMs + (f.ms ?? 0) + 1_000 : at + 1_000);
    windows.push([at - 250, end]);
    // Subscribe frames on connections opened after the fault.
    // The connection that recovered: the last one opened before every key was back.
    // (Market connections only: WEEX's private one, for the account stream, names no symbol.)
    const during = proxy.clientFrames.filter(
      (c) => c.at >= at && c.at <= (recoveredAt ?? -Infinity) && symbols.some((sym) => c.text.includes(sym)),
    );
    const recovering = during.length > 0 ? Math.max(...during.map((c) => c.connection)) : undefined;
    const onNew = recovering === undefined ? [] : proxy.clientFrames.filter((c) => c.connection === recovering);
    const subFrames = onNew.filter((c) => symbols.some((s) => c.text.includes(s)) && !/REMOVE|UNSUBSCRIBE|"tr_type":"2"/.test(c.text));
    const registered = symbols.filter((s) => subFrames.some((c) => c.text.includes(s))).length;
    const spacing = subFrames.slice(1).map((c, j) => c.at - (subFrames[j] as { at: number }).at);
    rows.push({
      broker: broker.name,
      fault: f.kind + (f.kind === 'latency' ? ` ${f.ms} ms` : f.kind === 'drip' ? ` ${f.bytesPerSecond} B/s` : ''),
      at: f.at,
      detectedMs: detectedAt === undefined ? undefined : detectedAt - at,
      detector,
      recoveredMs: recoveredAt === undefined ? undefined : recoveredAt - (f.kind === 'stall' && detectedAt !== undefined ? detectedAt : at),
      lostInside: 0,
      lostOutside: 0,
      repeats: 0,
      reregistered: reconnectGaps.length > 0 ? `${registered}/${symbols.length}` : '-',
      minSpacingMs: spacing.length > 0 ? Math.min(...spacing) : undefined,
    });
  });
  let lostInside = 0;
  let lostOutside = 0;
  let repeats = 0;
  const perRow = rows.map(() => ({ inside: 0, repeats: 0 }));
  for (const [n, at] of published) {
    const times = seen.get(n) ?? 0;
    const w = windows.findIndex(([a, b]) => at >= a && at <= b);
    if (times > 1) {
      repeats += times - 1;
      if (w >= 0) (perRow[w] as { repeats: number }).repeats += times - 1;
    }
    if (times > 0) continue;
    if (w >= 0) {
      lostInside += 1;
      (perRow[w] as { inside: number }).inside += 1;
    } else lostOutside += 1;
  }
  const finalRows = rows.map((r, i) => ({ ...r, lostInside: perRow[i]?.inside ?? 0, repeats: perRow[i]?.repeats ?? 0 }));
  // Losses outside every window are the run's, not a fault's: shown on a row of their own.
  const received = [...seen.values()].reduce((a, b) => a + b, 0);
  return {
    broker: broker.name,
    rows: finalRows,
    published: published.size,
    received,
    lostInside,
    lostOutside,
    repeats,
    ...(account ? { account: account.result() } : {}),
  };
}

/**
 * Orders placed on the simulator and the fills `orders$` shows: each order is accepted, then
 * filled 1 and 1 some 60 ms apart; received quantities are summed per order (KIS's REST gives one
 * total per order, so fills are counted by quantity, not by event).
 */
function accountTally(brokerName: string, feed: { orders$(): import('rxjs').Observable<OrderEvent> }, subs: Subscription) {
  const BASE = 737185556881998100n;
  const publishedQty = new Map<string, number>();
  const receivedQty = new Map<string, number>();
  let byRest = 0;
  let n = 0;
  const key = (id: string): string => id.replace(/^0+(?=.)/, '');
  subs.add(
    feed.orders$().subscribe({
      next: (e) => {
        if (e.fillQty === undefined || !(e.fillQty > 0)) return;
        receivedQty.set(key(e.orderId), (receivedQty.get(key(e.orderId)) ?? 0) + e.fillQty);
        if (e.source === 'rest') byRest += e.fillQty;
      },
      error: () => undefined,
    }),
  );
  const orderOf = (id: string, symbol: string, status: OrderEvent['status'], filled: number, fill?: number): OrderEvent => {
    const now = Date.now();
    const kst = new Date(now + 9 * 3_600_000).toISOString().slice(0, 19);
    return {
      kind: 'order',
      broker: brokerName,
      symbol,
      orderId: id,
      side: n % 2 === 0 ? 'buy' : 'sell',
      status,
      orderQty: 2,
      orderPrice: 1_000,
      filledQty: filled,
      unfilledQty: 2 - filled,
      ...(fill !== undefined ? { fillQty: fill, fillPrice: 1_000 } : {}),
      time: `${kst}+09:00`,
      timestamp: now,
      raw: {},
    };
  };
  const total = (m: Map<string, number>): number => [...m.values()].reduce((a, b) => a + b, 0);
  return {
    place(publish: (e: OrderEvent) => void, symbol: string): void {
      n += 1;
      const id = brokerName === 'weex' ? String(BASE + BigInt(n)) : String(n).padStart(7, '0');
      publish(orderOf(id, symbol, 'accepted', 0));
      publish(orderOf(id, symbol, 'partiallyFilled', 1, 1));
      publishedQty.set(key(id), 1);
      setTimeout(() => {
        publish(orderOf(id, symbol, 'filled', 2, 1));
        publishedQty.set(key(id), 2);
      }, 60);
    },
    complete: (): boolean => total(receivedQty) >= total(publishedQty),
    result(): AccountTally {
      let lost = 0;
      let repeated = 0;
      for (const [id, qty] of publishedQty) {
        const got = receivedQty.get(id) ?? 0;
        lost += Math.max(0, qty - got);
        repeated += Math.max(0, got - qty);
      }
      for (const [id, got] of receivedQty) if (!publishedQty.has(id)) repeated += got;
      return { orders: publishedQty.size, published: total(publishedQty), received: total(receivedQty), byRest, lost, repeated };
    },
  };
}

function tradeOf(broker: string, symbol: string, seq: number, now: number): Trade {
  const kst = new Date(now + 9 * 3_600_000).toISOString().slice(0, 19);
  return {
    kind: 'trade',
    broker,
    symbol,
    price: 1_000 + (seq % 100),
    size: seq,
    side: 'buy',
    time: `${kst}+09:00`,
    timestamp: now,
    tradeId: `chaos-${seq}`,
    raw: undefined,
  };
}

/** The per-fault table, in Markdown. */
export function chaosTable(results: readonly ChaosResult[]): string {
  const ms = (v: number | undefined) => (v === undefined ? '-' : `${v}`);
  const lines = [
    '| broker | fault | at s | detected in ms (by) | recovered in ms | lost inside | lost outside | repeats | keys re-registered | min spacing ms |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of results) {
    for (const row of r.rows) {
      lines.push(
        `| ${row.broker} | ${row.fault} | ${(row.at / 1000).toFixed(1)} | ${ms(row.detectedMs)}${row.detector ? ` (${row.detector})` : ''} | ${ms(row.recoveredMs)} | ${row.lostInside} | - | ${row.repeats} | ${row.reregistered} | ${ms(row.minSpacingMs)} |`,
      );
    }
    lines.push(
      `| ${r.broker} | **run** | | | | ${r.lostInside} | ${r.lostOutside} | ${r.repeats} | published ${r.published} | received ${r.received} |`,
    );
    const a = r.account;
    if (a)
      lines.push(
        `| ${r.broker} | **account fills** | | | | ${a.lost} | | ${a.repeated} | published ${a.published} (${a.orders} orders) | received ${a.received} (${a.byRest} by REST) |`,
      );
  }
  return lines.join('\n');
}
