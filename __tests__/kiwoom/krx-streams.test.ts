/**
 * The Kiwoom KRX event streams against the loopback server (real sockets on 127.0.0.1): each
 * stream registers its type, the server's REAL frames come back as model events, and a list with
 * a refused entry goes on for the other symbols.
 */
import { Observable, Subscription } from 'rxjs';
import { SessionOptions } from '../../src/core/session-types';
import { FeedError } from '../../src/core/errors';
import { KiwoomFeed, kiwoomFromEnv } from '../../src/brokers/kiwoom';
import { KiwoomServer, startKiwoomServer } from '../../src/testing';
import { sampleEntries } from '../../src/app/servers/kiwoom/samples';
import { RealCode } from '../../src/brokers/kiwoom/wire/real-types';

const fast: SessionOptions = {
  backoff: { initialMs: 20, maxMs: 100, random: () => 0.5, healthyAfterMs: 50 },
  connectionLingerMs: 0,
  keyLingerMs: 0,
  livenessMs: 5_000,
};

let server: KiwoomServer;
let subs: Subscription;

beforeEach(async () => {
  subs = new Subscription();
  server = await startKiwoomServer({ pingIntervalMs: 0 });
});

afterEach(async () => {
  subs.unsubscribe();
  await server.close();
});

function collect<T>(source: Observable<T>): { values: T[]; error?: unknown } {
  const out: { values: T[]; error?: unknown } = { values: [] };
  subs.add(source.subscribe({ next: (v) => out.values.push(v), error: (e: unknown) => (out.error = e) }));
  return out;
}

function entry(code: RealCode, item: string, values: Record<string, string> = {}) {
  const e = sampleEntries[code];
  return { ...e, item, values: { ...e.values, ...values } };
}

const frame = (...entries: object[]): string => JSON.stringify({ trnm: 'REAL', data: entries });

describe('kiwoom KRX event streams against the loopback server', () => {
  it('etfNav$, expectedTrades$, elwGreeks$, elwIndicators$, programTrading$ and volatilityInterruptions$ from one mixed frame', async () => {
    const feed: KiwoomFeed = kiwoomFromEnv(server.env, fast);
    const nav = collect(feed.etfNav$('069500'));
    const expected = collect(feed.expectedTrades$('005930'));
    const greeks = collect(feed.elwGreeks$('57JBHH'));
    const indicators = collect(feed.elwIndicators$('57JBHH'));
    const program = collect(feed.programTrading$('005930'));
    const vi = collect(feed.volatilityInterruptions$('005930'));
    const keys = ['0G|069500', '0H|005930', '0m|57JBHH', '0u|57JBHH', '0w|005930', '1h|'];
    await server.waitFor(() => keys.every((k) => server.registrations().includes(k)), 10_000);
    server.broadcastRaw(
      frame(
        entry('0G', '069500'),
        entry('0H', '005930'),
        entry('0m', '57JBHH'),
        entry('0u', '57JBHH'),
        entry('0w', '005930'),
        entry('1h', '000660', { '9001': '000660' }),
        entry('1h', '005930'),
      ),
    );
    await server.waitFor(() => [nav, expected, greeks, indicators, program, vi].every((s) => s.values.length > 0), 10_000);
    expect(nav.values[0]).toMatchObject({ kind: 'etfNav', symbol: '069500', nav: 7488.27, lastPrice: 7485, premiumPercent: -0.04 });
    expect(expected.values[0]).toMatchObject({ kind: 'expectedTrade', symbol: '005930', price: 60500, size: 7805 });
    expect(greeks.values[0]).toMatchObject({ kind: 'elwGreeks', symbol: '57JBHH', lastPrice: 450 });
    expect(indicators.values[0]).toMatchObject({ kind: 'elwIndicators', symbol: '57JBHH', parity: 69.13 });
    expect(program.values[0]).toMatchObject({ kind: 'programTrading', symbol: '005930', buyQty: 8043, valueUnit: 'million KRW' });
    // The 000660 VI of the same frame is not 005930's.
    expect(vi.values.map((v) => [v.symbol, v.active, v.viType, v.triggerPrice])).toEqual([['005930', true, 'static', 4125]]);
  });

  it('a list with an entry the server refuses streams on for the others; the refusal is on errors$', async () => {
    server.rejectItem('999999');
    const feed = kiwoomFromEnv(server.env, fast);
    const errors: FeedError[] = [];
    subs.add(feed.errors$.subscribe((e) => errors.push(e)));
    const program = collect(feed.programTrading$(['005930', '999999', '000660']));
    await server.waitFor(() => ['0w|005930', '0w|000660'].every((k) => server.registrations().includes(k)), 10_000);
    server.broadcastRaw(frame(entry('0w', '005930'), entry('0w', '000660')));
    await server.waitFor(() => program.values.length === 2, 10_000);
    expect(program.values.map((p) => p.symbol).sort()).toEqual(['000660', '005930']);
    expect(program.error).toBeUndefined();
    expect(errors.filter((e) => e.kind === 'rejected').map((e) => /999999/.test(e.message))).toEqual([true]);
  });
});
