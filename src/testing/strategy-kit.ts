/**
 * The strategy testing kit: test a strategy the way RxJS itself is tested, with marble diagrams
 * in virtual time, no server and no clock.
 *
 * ```ts
 * import { strategyTest, trade, book } from 'rx-market/testing';
 *
 * it('buys when the price crosses above VWAP on a bid-heavy book', () =>
 *   strategyTest(({ feed, expectSignals }) => {
 *     const f = feed(
 *       { trades: '-a-b--c|', books: 'p------|' },
 *       { a: trade({ price: 100 }), b: trade({ price: 98 }), c: trade({ price: 105 }),
 *         p: book({ bids: [[99, 9]], asks: [[101, 1]] }) },
 *     );
 *     expectSignals(myStrategy(f)).toBe('------x|', { x: 'buy' });
 *   }));
 * ```
 * One frame is one virtual millisecond (TestScheduler run mode), so time-based operators
 * (`bars(5)`, `vwap({ ms: 10 })`) count in frames, and `asyncScheduler`/`asapScheduler` used by
 * default inside operators are virtual too.
 */

import { merge, NEVER, Observable, share, Subscription } from 'rxjs';
import { RunHelpers, TestScheduler } from 'rxjs/testing';
import { isDeepStrictEqual } from 'node:util';
import { IndexTick, MarketEvent, MarketStatus, OrderBook, OrderEvent, Position, Quote, Trade } from '../model';
import { fromEvents, FromEventsOptions } from './from-events';
import { Equals, explainMismatch, MarbleFrame } from './marble-text';

export * from './market-events';
export * from './from-events';
export * from './recorded-events';

/** The streams a strategy can read, as a broker feed would give them (already normalized). */
export interface MarketStreams {
  readonly trades$: Observable<Trade>;
  readonly books$: Observable<OrderBook>;
  readonly quotes$: Observable<Quote>;
  readonly orders$: Observable<OrderEvent>;
  readonly positions$: Observable<Position>;
  readonly indices$: Observable<IndexTick>;
  readonly statuses$: Observable<MarketStatus>;
  /** orders$ and positions$ together, in arrival order. */
  readonly account$: Observable<OrderEvent | Position>;
  /** Every event, in arrival order. */
  readonly events$: Observable<MarketEvent>;
}

/** Marble strings per stream; a stream left out never emits and never completes (like a quiet live feed). */
export interface FeedMarbles {
  readonly trades?: string;
  readonly books?: string;
  readonly quotes?: string;
  readonly orders?: string;
  readonly positions?: string;
  readonly indices?: string;
  readonly statuses?: string;
}

const KIND_OF: Readonly<Record<keyof FeedMarbles, MarketEvent['kind']>> = {
  trades: 'trade',
  books: 'book',
  quotes: 'quote',
  orders: 'order',
  positions: 'position',
  indices: 'index',
  statuses: 'status',
};

export interface SignalExpectation<T> {
  /** Asserts the signals, checked when the virtual run has finished. `error` is what `#` stands for. */
  toBe(marbles: string, values?: Readonly<Record<string, T>>, error?: unknown): void;
}

export interface StrategyKit extends RunHelpers {
  readonly scheduler: TestScheduler;
  /**
   * A fake feed whose streams are hot marble streams of model events: `values` maps each marble
   * character to an event, and each stream's characters must map to events of its kind
   * (trades → trade, books → book, ...), or `feed` throws naming the character.
   */
  feed(marbles: FeedMarbles, values?: Readonly<Record<string, MarketEvent>>): MarketStreams;
  /**
   * A fake feed from recorded events, split by kind: an array is played in virtual time by
   * their timestamps (see `fromEvents`); an Observable (e.g. a recording replayed on
   * `kit.scheduler`) is used as it is. Either is subscribed once and shared.
   */
  recordedFeed(events: readonly MarketEvent[] | Observable<MarketEvent>, options?: FromEventsOptions): MarketStreams;
  /** `fromEvents` on the kit's scheduler. */
  play<T extends { readonly timestamp: number }>(events: readonly T[], options?: FromEventsOptions): Observable<T>;
  /** Records what `signals$` emits (subscribed at frame 0, or as `subscription` marbles say: '^--!'). */
  expectSignals<T>(signals$: Observable<T>, subscription?: string): SignalExpectation<T>;
}

export interface StrategyKitOptions {
  /** Value equality for expectations. Default: Node's `isDeepStrictEqual`. */
  readonly equals?: Equals;
  /**
   * The run stops at this virtual time even if timers are still pending (a stream that never
   * completes, `bars` with flat bars). Default 600 000 frames (ten virtual minutes).
   */
  readonly maxFrames?: number;
}

type Notification = { kind: 'N' | 'E' | 'C'; value?: unknown; error?: unknown };

function frameOf(frame: number, n: Notification): MarbleFrame {
  if (n.kind === 'N') return { frame, kind: 'N', value: n.value };
  if (n.kind === 'E') return { frame, kind: 'E', error: n.error };
  return { frame, kind: 'C' };
}

function sameFrames(a: readonly MarbleFrame[], b: readonly MarbleFrame[], equals: Equals): boolean {
  return (
    a.length === b.length &&
    a.every(
      (f, i) =>
        f.frame === b[i].frame &&
        f.kind === b[i].kind &&
        (f.kind !== 'N' || equals(f.value, b[i].value)) &&
        (f.kind !== 'E' || equals(f.error, b[i].error)),
    )
  );
}

function streamsOf(
  pick: <K extends MarketEvent['kind']>(kind: K) => Observable<Extract<MarketEvent, { kind: K }>>,
  events$: Observable<MarketEvent>,
): MarketStreams {
  const orders$ = pick('order');
  const positions$ = pick('position');
  return {
    trades$: pick('trade'),
    books$: pick('book'),
    quotes$: pick('quote'),
    orders$,
    positions$,
    indices$: pick('index'),
    statuses$: pick('status'),
    account$: merge(orders$, positions$),
    events$,
  };
}

/**
 * Runs `body` in a TestScheduler's virtual time and then checks every `expectSignals`; throws
 * an Error whose message draws expected and actual as marbles when one differs.
 */
export function strategyTest<R>(body: (kit: StrategyKit) => R, options: StrategyKitOptions = {}): R {
  const equals = options.equals ?? isDeepStrictEqual;
  const scheduler = new TestScheduler((actual, expected) => {
    if (!equals(actual, expected)) throw new Error(`expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  });
  const checks: (() => string | undefined)[] = [];

  const result = scheduler.run((helpers) => {
    scheduler.maxFrames = options.maxFrames ?? 600_000;

    const feed = (marbles: FeedMarbles, values: Readonly<Record<string, MarketEvent>> = {}): MarketStreams => {
      const streams = new Map<MarketEvent['kind'], Observable<MarketEvent>>();
      for (const [name, kind] of Object.entries(KIND_OF) as [keyof FeedMarbles, MarketEvent['kind']][]) {
        const m = marbles[name];
        if (m === undefined) continue;
        // Parsed without values, each notification carries its marble character.
        for (const { notification: n } of TestScheduler.parseMarbles(m, undefined, undefined, false, true)) {
          if (n.kind !== 'N') continue;
          const ch = n.value as string;
          const v = values[ch] as MarketEvent | undefined;
          if (v === undefined) throw new Error(`feed: '${ch}' in ${name} marbles has no entry in values`);
          if (v.kind !== kind) throw new Error(`feed: '${ch}' in ${name} marbles is a ${v.kind} event, not a ${kind}`);
        }
        streams.set(kind, helpers.hot(m, values));
      }
      const pick = <K extends MarketEvent['kind']>(kind: K) =>
        (streams.get(kind) ?? NEVER) as Observable<Extract<MarketEvent, { kind: K }>>;
      return streamsOf(pick, streams.size > 0 ? merge(...streams.values()) : NEVER);
    };

    const play = <T extends { readonly timestamp: number }>(events: readonly T[], o?: FromEventsOptions) =>
      fromEvents(events, scheduler, o);

    const recordedFeed = (events: readonly MarketEvent[] | Observable<MarketEvent>, o?: FromEventsOptions): MarketStreams => {
      const events$ = (events instanceof Observable ? events : play(events, o)).pipe(share());
      const pick = <K extends MarketEvent['kind']>(kind: K) =>
        new Observable<Extract<MarketEvent, { kind: K }>>((s) =>
          events$.subscribe({
            next: (e) => e.kind === kind && s.next(e as Extract<MarketEvent, { kind: K }>),
            error: (e) => s.error(e),
            complete: () => s.complete(),
          }),
        );
      return streamsOf(pick, events$);
    };

    const expectSignals = <T>(signals$: Observable<T>, subscription?: string): SignalExpectation<T> => ({
      toBe: (marbles, values = {}, error = 'error') => {
        const expected = TestScheduler.parseMarbles(marbles, values, error, false, true).map((m) =>
          frameOf(m.frame, m.notification as Notification),
        );
        const log = TestScheduler.parseMarblesAsSubscriptions(subscription ?? null, true);
        const from = log.subscribedFrame === Infinity ? 0 : log.subscribedFrame;
        const actual: MarbleFrame[] = [];
        let sub: Subscription | undefined;
        scheduler.schedule(() => {
          sub = signals$.subscribe({
            next: (value) => actual.push({ frame: scheduler.now(), kind: 'N', value }),
            error: (err) => actual.push({ frame: scheduler.now(), kind: 'E', error: err }),
            complete: () => actual.push({ frame: scheduler.now(), kind: 'C' }),
          });
        }, from);
        if (log.unsubscribedFrame !== Infinity) scheduler.schedule(() => sub?.unsubscribe(), log.unsubscribedFrame);
        checks.push(() => (sameFrames(actual, expected, equals) ? undefined : explainMismatch(actual, expected, values, equals)));
      },
    });

    return body({ ...helpers, scheduler, feed, recordedFeed, play, expectSignals });
  });

  const failures = checks.map((check) => check()).filter((f): f is string => f !== undefined);
  if (failures.length > 0) throw new Error(failures.join('\n\n'));
  return result;
}
