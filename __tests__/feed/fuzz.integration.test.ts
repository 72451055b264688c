/**
 * End-to-end fuzzing through LIVE feeds: each broker's loopback server sends generated frames
 * (valid, mutated, adversarial) over a real socket to a real feed. Whatever arrives, the streams
 * survive: no stream ends, problems go to errors$, every event that comes out is inside the
 * model's domains, and a valid frame sent after the bad ones still arrives.
 * Run counts are small and fixed (seeded) so the suite stays fast and repeatable.
 */
import fc from 'fast-check';
import { Observable, Subscription } from 'rxjs';
import { FeedError } from '../../src/core/errors';
import { SessionOptions } from '../../src/core/session-types';
import { modelProblem } from '../../src/feed/boundary';
import { kiwoomFromEnv } from '../../src/brokers/kiwoom';
import { weex } from '../../src/brokers/weex/feed';
import { startKiwoomServer } from '../../src/app/servers/kiwoom/server';
import { encodeTrade } from '../../src/app/servers/kiwoom/encode';
import { startWeexServer } from '../../src/app/servers/weex/server';
import { KisServer } from '../../src/app/servers/kis/server';
import { tradeRecord } from '../../src/app/servers/kis/encode';
import { KrxTape } from '../../src/app/servers/krx-tape';
import { Trade } from '../../src/model';
import { trade } from '../../src/testing';
import { feedFor } from '../kis/support';

const fast: SessionOptions = {
  backoff: {
    initialMs: 20,
    maxMs: 80,
    random: () => 0.5,
    healthyAfterMs: 60_000,
  },
  keyLingerMs: 0,
  connectionLingerMs: 0,
  livenessMs: 10_000,
};
const RUNS = 40;
const SEED = 20261203;

async function waitFor(what: string, check: () => boolean, ms = 5_000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 3));
  }
}

const DEEP = '['.repeat(100_000) + ']'.repeat(100_000);
const DEEP_OBJECT = '{"a":'.repeat(50_000) + '1' + '}'.repeat(50_000);

/** Values that have broken decoders: huge, non-finite, prototype-shaped, deep, wrong-typed. */
const nastyValue: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom<unknown>(
      { toString: 0 },
      { valueOf: 0, toString: 0 },
      '9'.repeat(400),
      `+${'9'.repeat(400)}`,
      `0.${'1'.repeat(400)}`,
      '1e999',
      '-1e999',
      'NaN',
      'Infinity',
      '-5',
      '0',
      '-0',
      '99999999999999999999',
      '253402300800000',
      '8640000000000001',
      '-8640000000000001',
      '__proto__',
      'constructor',
      'toString',
      '',
      ' ',
      null,
      true,
      [],
      {},
      1e308,
      -1,
      0,
      8.64e15 + 1,
    ),
  },
  fc.string({ maxLength: 12 }),
  fc.integer(),
  fc.double(),
  fc.jsonValue({ maxDepth: 3 }),
);

/** Whole frames that are not what any decoder expects. */
const nastyFrame: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(DEEP, DEEP_OBJECT, '', 'null', '[]', '{}', '"x"', '{"toString":0}', '{"__proto__":{"x":1}}', '\u0000', '{', 'PING'),
  fc.string({ maxLength: 40 }),
  fc.json({ maxDepth: 3 }),
);

/** A valid record with some of its fields replaced by generated values. */
function mutated(valid: Record<string, unknown>): fc.Arbitrary<Record<string, unknown>> {
  const keys = Object.keys(valid);
  return fc
    .array(
      fc.tuple(
        fc.oneof(
          { weight: 5, arbitrary: fc.constantFrom(...keys) },
          fc.constantFrom('__proto__', 'toString', 'constructor'),
          fc.string({ maxLength: 4 }),
        ),
        nastyValue,
      ),
      {
        minLength: 1,
        maxLength: 4,
      },
    )
    .map((changes) => {
      const out: Record<string, unknown> = JSON.parse(JSON.stringify(valid));
      for (const [k, v] of changes)
        Object.defineProperty(out, k, {
          value: v,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      return out;
    });
}

interface FuzzRig {
  readonly trades$: Observable<Trade>;
  readonly errors$: Observable<FeedError>;
  readonly frames: fc.Arbitrary<string>;
  ready(): boolean;
  sendRaw(frame: string): void;
  /** Publishes a valid trade at this price. */
  sendValid(price: number): void;
  close(): Promise<void>;
}

const T = Date.parse('2026-03-05T10:00:00+09:00');

async function kiwoomRig(): Promise<FuzzRig> {
  const server = await startKiwoomServer({ pingIntervalMs: 0 });
  const feed = kiwoomFromEnv(server.env, fast);
  const valid = encodeTrade(
    trade({
      broker: 'kiwoom',
      symbol: '005930',
      price: 61000,
      size: 3,
      side: 'buy',
      timestamp: T,
    }),
  ).entry;
  const frameOf = (values: unknown) => JSON.stringify({ trnm: 'REAL', data: [{ ...valid, values }] });
  return {
    trades$: feed.trades$('005930'),
    errors$: feed.errors$,
    frames: fc.oneof(
      mutated(valid.values).map(frameOf),
      mutated({ ...valid }).map((entry) => JSON.stringify({ trnm: 'REAL', data: [entry] })),
      fc.jsonValue({ maxDepth: 2 }).map((data) => JSON.stringify({ trnm: 'REAL', data })),
      nastyValue.map((trnm) => JSON.stringify({ trnm, data: [valid] })),
      nastyFrame,
    ),
    ready: () => server.registrations().includes('0B|005930'),
    sendRaw: (f) => server.broadcastRaw(f),
    sendValid: (price) =>
      server.publish(
        trade({
          broker: 'kiwoom',
          symbol: '005930',
          price,
          size: 1,
          side: 'sell',
          timestamp: T,
        }),
      ),
    close: () => server.close(),
  };
}

async function weexRig(): Promise<FuzzRig> {
  const server = await startWeexServer();
  const feed = weex({ publicUrl: server.publicUrl }, fast);
  const record = {
    T: 1_775_121_040_002,
    t: 'id-1',
    p: '65000.1',
    q: '0.5',
    v: '32500.05',
    m: true,
  };
  const push = { e: 'trade', E: 1_775_121_040_002, s: 'BTCUSDT', d: [record] };
  let n = 0;
  return {
    trades$: feed.trades$('BTCUSDT'),
    errors$: feed.errors$,
    frames: fc.oneof(
      // Fresh trade ids, or the feed's de-duplication would hide all but the first mutation.
      mutated(record).map((d) => JSON.stringify({ ...push, d: [d.t === 'id-1' ? { ...d, t: `gen-${(n += 1)}` } : d] })),
      mutated(push).map((p) => JSON.stringify(p)),
      nastyValue.map((d) => JSON.stringify({ ...push, d })),
      nastyFrame,
    ),
    ready: () => server.subscribedStreams('public').includes('BTCUSDT@trade'),
    sendRaw: (f) => server.broadcastRaw(f),
    sendValid: (price) =>
      server.publish(
        trade({
          broker: 'weex',
          symbol: 'BTCUSDT',
          price,
          size: 1,
          side: 'buy',
          tradeId: `valid-${(n += 1)}`,
          timestamp: 1_775_121_040_002,
        }),
      ),
    close: () => server.close(),
  };
}

async function kisRig(): Promise<FuzzRig> {
  const server = await KisServer.start();
  const feed = feedFor(server, {}, fast);
  const valid = tradeRecord(
    'H0STCNT0',
    trade({
      broker: 'kis',
      symbol: '005930',
      price: 71000,
      size: 5,
      side: 'buy',
      exchange: 'KRX',
      timestamp: T,
    }),
    new KrxTape('005930'),
  );
  const frameOf = (fields: readonly unknown[], count = '001') =>
    `0|H0STCNT0|${count}|${fields.map((f) => (typeof f === 'string' ? f : JSON.stringify(f))).join('^')}`;
  const mutatedFields = fc
    .array(fc.tuple(fc.nat({ max: valid.length + 2 }), nastyValue), {
      minLength: 1,
      maxLength: 4,
    })
    .map((changes) => {
      const out: unknown[] = [...valid];
      for (const [i, v] of changes) out[i] = v;
      return out;
    });
  return {
    trades$: feed.trades$('005930', { exchange: 'KRX' }),
    errors$: feed.errors$,
    frames: fc.oneof(
      mutatedFields.map((f) => frameOf(f)),
      fc.tuple(mutatedFields, fc.string({ maxLength: 4 })).map(([f, count]) => frameOf(f, count)),
      fc.array(fc.string({ maxLength: 6 }), { maxLength: 50 }).map((f) => frameOf(f)),
      nastyFrame,
    ),
    ready: () => server.registrations().some((keys) => keys.includes('H0STCNT0|005930')),
    sendRaw: (f) => server.broadcastRaw(f),
    sendValid: (price) =>
      server.publish(
        trade({
          broker: 'kis',
          symbol: '005930',
          price,
          size: 1,
          side: 'buy',
          exchange: 'KRX',
          timestamp: T,
        }),
      ),
    close: () => server.close(),
  };
}

describe.each([
  ['kiwoom', kiwoomRig],
  ['weex', weexRig],
  ['kis', kisRig],
] as const)('%s: a live feed survives every generated frame', (_name, makeRig) => {
  it('no stream ends, errors go to errors$, events stay in the model, valid frames after bad ones arrive', async () => {
    const rig = await makeRig();
    const subs = new Subscription();
    const trades: Trade[] = [];
    const errors: FeedError[] = [];
    let ended: unknown = undefined;
    try {
      subs.add(rig.errors$.subscribe((e) => errors.push(e)));
      subs.add(
        rig.trades$.subscribe({
          next: (t) => trades.push(t),
          error: (e: unknown) => (ended = e ?? 'error'),
          complete: () => (ended = 'complete'),
        }),
      );
      await waitFor('trades registered', () => rig.ready());
      let price = 1_000;
      await fc.assert(
        fc.asyncProperty(fc.array(rig.frames, { minLength: 1, maxLength: 6 }), async (frames) => {
          for (const f of frames) rig.sendRaw(f);
          price += 1;
          const marker = price;
          rig.sendValid(marker);
          await waitFor(
            `valid trade @${marker} after ${frames.length} generated frames`,
            () => trades.some((t) => t.price === marker) || ended !== undefined,
          );
          expect(ended).toBeUndefined();
        }),
        { numRuns: RUNS, seed: SEED, endOnFailure: true },
      );
      expect(ended).toBeUndefined();
      for (const t of trades) {
        expect(modelProblem(t)).toBeUndefined();
        // The same, said independently of the boundary's own check.
        expect(Number.isFinite(t.price) && t.price > 0 && Number.isFinite(t.size) && t.size >= 0).toBe(true);
        expect(() => new Date(t.timestamp).toISOString()).not.toThrow();
      }
      // Every error is a FeedError on errors$ (nothing thrown elsewhere), and bad frames were seen.
      expect(errors.every((e) => e instanceof FeedError)).toBe(true);
      expect(errors.some((e) => e.kind === 'decode')).toBe(true);
    } finally {
      subs.unsubscribe();
      await rig.close();
    }
  }, 60_000);
});
