/**
 * The error boundary of a feed's wire → model mapping: no frame can end a stream.
 *
 * The session already keeps a throwing decoder from ending anything; mapping runs later, in the
 * feed's operators, where a throw (a time beyond the Date range, a bug) would end the user's
 * stream with a raw error. `boundary(broker).map(fn)` runs the mapping, checks every event it
 * makes against the model's value domains (`modelProblem`), and reports what fails as a
 * `decode` error on the feed's errors$ instead of passing it on.
 *
 * ```
 * records: -a-b-c-|          b: mapping throws, c: maps to a trade with price Infinity
 * events:  -A-----|
 * errors$: ---x-y-           x, y: FeedError kind 'decode'
 * ```
 */
import { Observable, OperatorFunction, Subject } from 'rxjs';
import { FeedError } from '../core/errors';
import { MarketEvent, PriceLevel } from '../model/market';
import { KrxEvent } from '../model/krx';

/** The largest epoch ms a Date holds (±8.64e15, ECMA-262). */
export const MAX_TIMESTAMP = 8.64e15;

const finite = (x: unknown): boolean => typeof x === 'number' && Number.isFinite(x);
const positive = (x: unknown): boolean => finite(x) && (x as number) > 0;
const nonNegative = (x: unknown): boolean => finite(x) && (x as number) >= 0;
const optional = (x: unknown, check: (x: unknown) => boolean): boolean => x === undefined || check(x);

/** The first of `fields` (name → value) outside `check`'s domain, as 'name value'; undefined when all are inside (or absent). */
function firstOutside(fields: Readonly<Record<string, unknown>>, check: (x: unknown) => boolean): string | undefined {
  for (const name in fields) if (!optional(fields[name], check)) return `${name} ${String(fields[name])}`;
  return undefined;
}

/**
 * Why a KRX event is outside its domains: prices, sizes and volatilities are finite and not
 * negative (0 where the exchange sends 0 for "none yet", e.g. an expected price outside the
 * auction), NAVs positive, changes, rates and greeks finite, counts whole.
 */
function krxProblem(e: KrxEvent): string | undefined {
  switch (e.kind) {
    case 'etfNav':
      if (!positive(e.nav)) return `ETF NAV ${e.nav}`;
      return (
        firstOutside({ 'ETF price': e.lastPrice }, nonNegative) ??
        firstOutside(
          {
            'NAV change': e.navChange,
            'NAV change rate': e.navChangePercent,
            'tracking error': e.trackingError,
            premium: e.premiumPercent,
          },
          finite,
        )
      );
    case 'expectedTrade':
      if (!nonNegative(e.price)) return `expected price ${e.price}`;
      return (
        firstOutside({ 'expected size': e.size, 'cumulative volume': e.cumulativeVolume }, nonNegative) ??
        firstOutside({ change: e.change, 'change rate': e.changePercent }, finite)
      );
    case 'elwGreeks':
      return (
        firstOutside(
          { 'ELW price': e.lastPrice, 'theoretical price': e.theoreticalPrice, 'implied volatility': e.impliedVolatility },
          nonNegative,
        ) ?? firstOutside({ delta: e.delta, gamma: e.gamma, theta: e.theta, vega: e.vega, rho: e.rho }, finite)
      );
    case 'elwIndicators':
      return firstOutside(
        {
          parity: e.parity,
          premium: e.premium,
          gearing: e.gearing,
          'break-even': e.breakEvenPercent,
          'capital support': e.capitalSupportPercent,
        },
        finite,
      );
    case 'programTrading':
      return (
        firstOutside(
          { 'program buys': e.buyQty, 'program sells': e.sellQty, 'program buy value': e.buyValue, 'program sell value': e.sellValue },
          nonNegative,
        ) ?? firstOutside({ 'program net buys': e.netBuyQty, 'program net buy value': e.netBuyValue }, finite)
      );
    case 'volatilityInterruption':
      if (typeof e.active !== 'boolean') return `VI state ${String(e.active)}`;
      return (
        firstOutside({ 'trigger price': e.triggerPrice, 'reference price': e.referencePrice }, nonNegative) ??
        firstOutside({ divergence: e.divergencePercent }, finite) ??
        firstOutside({ 'VI count': e.count }, (x) => nonNegative(x) && Number.isInteger(x))
      );
  }
}

function levelsProblem(side: string, levels: readonly PriceLevel[]): string | undefined {
  for (const l of levels) {
    if (!positive(l.price)) return `${side} price ${l.price}`;
    if (!nonNegative(l.size)) return `${side} size ${l.size}`;
  }
  return undefined;
}

/**
 * Why an event is outside the model's value domains, or undefined when it is inside: times a
 * Date holds, finite numbers, positive prices, non-negative sizes and quantities; the KRX events
 * (src/model/krx.ts) by `krxProblem`.
 */
export function modelProblem(e: MarketEvent | KrxEvent): string | undefined {
  if (!finite(e.timestamp) || Math.abs(e.timestamp) > MAX_TIMESTAMP) return `time ${e.timestamp} outside the Date range`;
  if (typeof e.time !== 'string') return 'no time';
  switch (e.kind) {
    case 'trade':
      if (!positive(e.price)) return `trade price ${e.price}`;
      if (!nonNegative(e.size)) return `trade size ${e.size}`;
      return undefined;
    case 'book':
      return levelsProblem('ask', e.asks) ?? levelsProblem('bid', e.bids);
    case 'quote':
      if (!optional(e.bestBid, nonNegative) || !optional(e.bestAsk, nonNegative)) return `quote price ${e.bestBid}/${e.bestAsk}`;
      if (!optional(e.bestBidSize, nonNegative) || !optional(e.bestAskSize, nonNegative)) return 'quote size';
      return undefined;
    case 'order':
      if (![e.orderQty, e.orderPrice, e.filledQty, e.unfilledQty].every(nonNegative)) return 'order quantity or price';
      if (!optional(e.fillQty, nonNegative) || !optional(e.fillPrice, nonNegative)) return 'fill quantity or price';
      return undefined;
    case 'position':
      if (!finite(e.qty) || !nonNegative(e.avgPrice)) return 'position quantity or price';
      if (!optional(e.availableQty, finite) || !optional(e.lastPrice, nonNegative)) return 'position quantity or price';
      return undefined;
    case 'balance':
      return [e.available, e.locked, e.total].every((x) => optional(x, finite)) ? undefined : 'balance amount';
    case 'index':
      return finite(e.value) && optional(e.change, finite) ? undefined : `index value ${e.value}`;
    case 'status':
      return undefined;
    default:
      return krxProblem(e);
  }
}

export interface Boundary {
  /** Problems found by `map`, for the feed's errors$. */
  readonly errors$: Observable<FeedError>;
  /** Reports a problem on errors$. */
  report(error: FeedError): void;
  /**
   * Maps records to events inside the boundary: a throw or an event outside the model's domains
   * is reported and skipped; the stream goes on. `fn` may return one event, several or none.
   */
  map<I, O>(fn: (record: I) => O | readonly O[] | undefined): OperatorFunction<I, O>;
}

const MODEL_KINDS = new Set([
  ...['trade', 'book', 'quote', 'order', 'position', 'balance', 'index', 'status'],
  ...['etfNav', 'expectedTrade', 'elwGreeks', 'elwIndicators', 'programTrading', 'volatilityInterruption'],
]);

/** A model or KRX event (broker extras such as tickers, candles or book messages are checked by their codecs). */
const isEvent = (x: unknown): x is MarketEvent | KrxEvent =>
  typeof x === 'object' && x !== null && MODEL_KINDS.has((x as { kind?: unknown }).kind as string) && 'broker' in x;

/** A boundary for one feed. */
export function boundary(broker: string): Boundary {
  const errors = new Subject<FeedError>();
  const report = (error: FeedError): void => errors.next(error);
  const decodeError = (message: string): FeedError => new FeedError({ kind: 'decode', broker, message: `${broker}: ${message}; skipped` });

  return {
    errors$: errors.asObservable(),
    report,
    map:
      <I, O>(fn: (record: I) => O | readonly O[] | undefined): OperatorFunction<I, O> =>
      (source) =>
        new Observable<O>((subscriber) => {
          const pass = (event: O): void => {
            const problem = isEvent(event) ? modelProblem(event) : undefined;
            if (problem === undefined) subscriber.next(event);
            else
              report(
                decodeError(
                  `${(event as MarketEvent | KrxEvent).kind} of ${(event as MarketEvent | KrxEvent).symbol} outside the model (${problem})`,
                ),
              );
          };
          return source.subscribe({
            next: (record) => {
              let out: O | readonly O[] | undefined;
              try {
                out = fn(record);
              } catch (err: unknown) {
                report(decodeError(`a record could not be mapped (${err instanceof Error ? err.message : 'unknown error'})`));
                return;
              }
              if (out === undefined) return;
              // One event (the usual case) goes out without a list around it.
              if (!Array.isArray(out)) return pass(out as O);
              for (const event of out as readonly O[]) pass(event);
            },
            error: (err: unknown) => subscriber.error(err),
            complete: () => subscriber.complete(),
          });
        }),
  };
}
