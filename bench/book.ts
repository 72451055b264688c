import { dirname, join } from 'path';
import { BookMessage, initialSync, stepSync, SyncState } from '../src/book/book-sync';
import { LevelChange } from '../src/book/book-levels';
import { createRng } from '../src/app/sim/rng';

/**
 * Order-book update cost: rx-market's WEEX book (sorted typed arrays + update-id sync machine)
 * beside ccxt's OrderBook (the class its WebSocket exchanges keep books in), on the same
 * generated deltas. Each delta changes 1–4 levels inside a book held at exactly `depth` levels a
 * side (updates, deletions, insertions), as a WEEX depth15/depth200 stream would.
 *
 * Per-delta times are taken with process.hrtime.bigint around each delta, minus the median cost
 * of an empty timing; the mean comes from the untimed total, which is the more exact figure.
 */

const DELTAS = Number(process.env.BENCH_BOOK_DELTAS ?? 100_000);
const WARMUP = 20_000;
const ROUNDS = 3;
const DEPTHS = [15, 200] as const;

interface CcxtSide {
  storeArray(delta: [number, number]): void;
  readonly length: number;
}
interface CcxtBook {
  readonly bids: CcxtSide;
  readonly asks: CcxtSide;
  nonce?: number;
}
type CcxtOrderBook = new (snapshot?: object, depth?: number) => CcxtBook;

/** ccxt keeps OrderBook out of its public exports; load it from its CommonJS build by path. */
function loadCcxtOrderBook(): CcxtOrderBook {
  const root = dirname(require.resolve('ccxt')); // .../ccxt/dist
  return (require(join(root, 'cjs', 'src', 'base', 'ws', 'OrderBook.js')) as { OrderBook: CcxtOrderBook }).OrderBook;
}

/** The simulator's seeded generator, as a plain function: scripted markets repeat exactly. */
function prng(seed: number): () => number {
  const rng = createRng(seed);
  return () => rng.next();
}

interface Scenario {
  readonly snapshot: BookMessage;
  readonly deltas: readonly BookMessage[];
}

/** A book of `depth` levels a side on a 0.5 tick grid, then deltas that keep it at `depth`. */
function scenario(depth: number, count: number, seed: number): Scenario {
  const random = prng(seed);
  const tick = 0.5;
  const mid = 65_000;
  const window = depth * 2; // ticks a side levels may move within
  const side = (sign: 1 | -1) => {
    const active = Array.from({ length: depth }, (_, i) => i + 1); // tick offsets from mid
    const idle = Array.from({ length: window - depth }, (_, i) => depth + i + 1);
    const price = (offset: number) => mid + sign * offset * tick;
    return { active, idle, price };
  };
  const bids = side(-1);
  const asks = side(1);
  const level = (price: number, size: number): LevelChange => {
    const p = price.toFixed(1);
    const s = size.toFixed(3);
    return { price: Number(p), size: Number(s), raw: [p, s] };
  };
  const size = () => 0.001 + Math.floor(random() * 5000) / 1000;
  const snapshot: BookMessage = {
    kind: 'snapshot',
    firstId: 1,
    lastId: 1,
    bids: bids.active.map((o) => level(bids.price(o), size())),
    asks: asks.active.map((o) => level(asks.price(o), size())),
    timestamp: 0,
  };
  const deltas: BookMessage[] = [];
  let id = 1;
  for (let n = 0; n < count; n++) {
    const changes: { bids: LevelChange[]; asks: LevelChange[] } = { bids: [], asks: [] };
    const k = 1 + Math.floor(random() * 4);
    for (let j = 0; j < k; j++) {
      const which = random() < 0.5 ? 'bids' : 'asks';
      const s = which === 'bids' ? bids : asks;
      const r = random();
      if (r < 0.6) {
        changes[which].push(level(s.price(s.active[Math.floor(random() * depth)]), size()));
      } else {
        // Move a level: delete one, insert another (the book keeps `depth` levels).
        const out = Math.floor(random() * s.active.length);
        const inn = Math.floor(random() * s.idle.length);
        const gone = s.active[out];
        const come = s.idle[inn];
        s.active[out] = come;
        s.idle[inn] = gone;
        changes[which].push(level(s.price(gone), 0), level(s.price(come), size()));
      }
    }
    id += 1;
    deltas.push({ kind: 'delta', firstId: id, lastId: id, bids: changes.bids, asks: changes.asks, timestamp: id });
  }
  return { snapshot, deltas };
}

interface Runner {
  /** Loads the snapshot; returns a function applying delta i. */
  prepare(s: Scenario, depth: number): (i: number) => void;
  /**
   * Loads the snapshot; returns a function applying delta `i % deltas` as update `id` (so the
   * scenario can be replayed many times over without keeping a million deltas in memory).
   */
  cycle(s: Scenario, depth: number): (i: number, id: number) => void;
}

const ours: Runner = {
  prepare(s, depth) {
    let state: SyncState = stepSync(initialSync(depth), s.snapshot).state;
    const deltas = s.deltas;
    return (i) => {
      state = stepSync(state, deltas[i]).state;
    };
  },
  cycle(s, depth) {
    let state: SyncState = stepSync(initialSync(depth), s.snapshot).state;
    const deltas = s.deltas;
    // One message object, its fields rewritten: the decoder's allocation is not the book's.
    const m = { kind: 'delta', firstId: 0, lastId: 0, bids: deltas[0].bids, asks: deltas[0].asks, timestamp: 0 } as {
      -readonly [K in keyof BookMessage]: BookMessage[K];
    };
    return (i, id) => {
      const d = deltas[i % deltas.length];
      m.firstId = m.lastId = m.timestamp = id;
      m.bids = d.bids;
      m.asks = d.asks;
      state = stepSync(state, m).state;
    };
  },
};

function ccxtRunner(OrderBook: CcxtOrderBook): Runner {
  return {
    prepare(s, depth) {
      const book = new OrderBook({}, depth);
      for (const l of s.snapshot.bids) book.bids.storeArray([l.price, l.size]);
      for (const l of s.snapshot.asks) book.asks.storeArray([l.price, l.size]);
      book.nonce = s.snapshot.lastId;
      // ccxt stores the delta arrays themselves, so each run gets its own (made outside the timing).
      const deltas = s.deltas.map((d) => ({
        u: d.lastId,
        bids: d.bids.map((l): [number, number] => [l.price, l.size]),
        asks: d.asks.map((l): [number, number] => [l.price, l.size]),
      }));
      return (i) => {
        const d = deltas[i];
        for (let j = 0; j < d.bids.length; j++) book.bids.storeArray(d.bids[j]);
        for (let j = 0; j < d.asks.length; j++) book.asks.storeArray(d.asks[j]);
        book.nonce = d.u;
      };
    },
    cycle(s, depth) {
      const apply = this.prepare(s, depth);
      const n = s.deltas.length;
      return (i) => apply(i % n);
    },
  };
}

interface Figures {
  readonly p50: number;
  readonly p99: number;
  readonly mean: number;
}

function timerOverhead(): number {
  const samples = new Float64Array(200_000);
  for (let i = 0; i < samples.length; i++) {
    const t0 = process.hrtime.bigint();
    samples[i] = Number(process.hrtime.bigint() - t0);
  }
  return percentile(samples, 0.5);
}

function measure(runner: Runner, s: Scenario, depth: number, overhead: number): Figures {
  // Warm up on a separate book so the JIT has seen the code.
  const warm = runner.prepare(s, depth);
  for (let i = 0; i < WARMUP; i++) warm(i);

  const timed = runner.prepare(s, depth);
  const samples = new Float64Array(s.deltas.length);
  for (let i = 0; i < s.deltas.length; i++) {
    const t0 = process.hrtime.bigint();
    timed(i);
    samples[i] = Math.max(0, Number(process.hrtime.bigint() - t0) - overhead);
  }

  const untimed = runner.prepare(s, depth);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < s.deltas.length; i++) untimed(i);
  const mean = Number(process.hrtime.bigint() - t0) / s.deltas.length;
  return { p50: percentile(samples, 0.5), p99: percentile(samples, 0.99), mean };
}

function percentile(samples: Float64Array, q: number): number {
  const sorted = Float64Array.from(samples).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ns = (x: number): string => `${x.toFixed(0)} ns`;
/** A ratio of ccxt's time to ours, marked against the ≥ 2× target. */
const goal = (r: number): string => `${r.toFixed(2)} ${r >= 2 ? '✅' : '❌'}`;

const HOT_WINDOW = 1_000;
const HOT_DELTAS = Number(process.env.BENCH_BOOK_HOT_DELTAS ?? 1_000_000);

/**
 * Mean ns per delta with the input in cache: a window of HOT_WINDOW deltas replayed as new
 * updates, as a live feed hands each delta over right after decoding it. The 100 000-delta pass
 * above walks 100 000 scattered delta objects, whose memory traffic both books pay alike.
 */
function hotMean(runner: Runner, s: Scenario, depth: number): number {
  const apply = runner.cycle(s, depth);
  let id = s.snapshot.lastId;
  for (let i = 0; i < WARMUP; i++) apply(i, ++id);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < HOT_DELTAS; i++) apply(i, ++id);
  return Number(process.hrtime.bigint() - t0) / HOT_DELTAS;
}

const ALLOC_DELTAS = Number(process.env.BENCH_BOOK_ALLOC_DELTAS ?? 1_000_000);
const CHUNK = 10_000;

/**
 * Bytes allocated per delta in steady state: heap used before and after each chunk of deltas,
 * chunks during which a collection ran (the heap shrank) left out. Needs --expose-gc.
 */
function allocation(runner: Runner, s: Scenario, depth: number): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return NaN;
  const apply = runner.cycle(s, depth);
  let id = s.snapshot.lastId; // deltas chain on the snapshot
  for (let i = 0; i < WARMUP; i++) apply(i, ++id);
  gc();
  let bytes = 0;
  let counted = 0;
  for (let done = 0; done < ALLOC_DELTAS; done += CHUNK) {
    const before = process.memoryUsage().heapUsed;
    for (let i = done; i < done + CHUNK; i++) apply(i, ++id);
    const after = process.memoryUsage().heapUsed;
    if (after >= before) {
      bytes += after - before;
      counted += CHUNK;
    }
  }
  return counted === 0 ? NaN : bytes / counted;
}

export async function run(): Promise<void> {
  const ccxt = ccxtRunner(loadCcxtOrderBook());
  const overhead = timerOverhead();
  console.log(`\n# book: update cost per delta, ${DELTAS} deltas of 1–4 levels, median of ${ROUNDS} rounds\n`);
  console.log(`(timer overhead ${ns(overhead)} subtracted from p50/p99; mean from an untimed pass)\n`);
  console.log(
    '| depth | rx-market p50 | p99 | mean | ccxt OrderBook p50 | p99 | mean | ccxt / rx-market p50 (target ≥ 2) | mean (target ≥ 2) |',
  );
  console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const depth of DEPTHS) {
    const s = scenario(depth, DELTAS + WARMUP, depth);
    const mine: Figures[] = [];
    const theirs: Figures[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      mine.push(measure(ours, s, depth, overhead));
      theirs.push(measure(ccxt, s, depth, overhead));
    }
    const m = (xs: Figures[], k: keyof Figures) => median(xs.map((x) => x[k]));
    console.log(
      `| ${depth} | ${ns(m(mine, 'p50'))} | ${ns(m(mine, 'p99'))} | ${ns(m(mine, 'mean'))} | ${ns(m(theirs, 'p50'))} | ${ns(
        m(theirs, 'p99'),
      )} | ${ns(m(theirs, 'mean'))} | ${goal(m(theirs, 'p50') / m(mine, 'p50'))} | ${goal(m(theirs, 'mean') / m(mine, 'mean'))} |`,
    );
  }
  console.log(
    `\n## book: input in cache, ${HOT_WINDOW} deltas replayed ${HOT_DELTAS.toLocaleString('en-US')} times, mean of ${ROUNDS} rounds\n`,
  );
  console.log('| depth | rx-market mean | ccxt OrderBook mean | ccxt / rx-market (target ≥ 2) |');
  console.log('|---:|---:|---:|---:|');
  for (const depth of DEPTHS) {
    const s = scenario(depth, HOT_WINDOW, depth);
    const mine: number[] = [];
    const theirs: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      mine.push(hotMean(ours, s, depth));
      theirs.push(hotMean(ccxt, s, depth));
    }
    console.log(`| ${depth} | ${ns(median(mine))} | ${ns(median(theirs))} | ${goal(median(theirs) / median(mine))} |`);
  }
  console.log(
    `\n## book: bytes allocated per delta in steady state, ${ALLOC_DELTAS.toLocaleString('en-US')} deltas (target: 0 for rx-market)\n`,
  );
  console.log('| depth | rx-market | ccxt OrderBook |');
  console.log('|---:|---:|---:|');
  for (const depth of DEPTHS) {
    const s = scenario(depth, 100_000 + WARMUP, depth);
    const b = (x: number): string => (Number.isNaN(x) ? 'n/a (run with --expose-gc)' : `${x.toFixed(1)} B`);
    // Below 1 B per delta is the measuring itself (process.memoryUsage between chunks): zero.
    const mine = allocation(ours, s, depth);
    console.log(`| ${depth} | ${b(mine)} ${mine < 1 ? '✅' : '❌'} | ${b(allocation(ccxt, s, depth))} |`);
  }
  console.log('\nrx-market per delta = update-id check + level changes + depth trim + crossed-book check;');
  console.log('ccxt per delta = storeArray per level + nonce. Ratio > 1: rx-market is faster.');
}
