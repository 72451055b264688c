/**
 * Example strategy: buy when the price crosses above its VWAP while the book leans to the bids;
 * sell when it crosses below while the book leans to the asks.
 *
 * It reads only normalized streams, so it runs unchanged on any broker, on the simulator, on a
 * recording, or on marble streams in a test (see marbles/examples/imbalance-vwap.spec.ts).
 * In an application the imports are `rx-market/operators` and `rx-market`.
 */
import { Observable, filter, map, share, withLatestFrom } from 'rxjs';
import { OrderBook, Trade } from '../../src/model';
import { bookImbalance, crossover, vwap } from '../../src/operators';

export interface ImbalanceVwapOptions {
  /** Trades in the VWAP window. Default 20. */
  readonly vwapTrades?: number;
  /** Book levels per side the imbalance looks at. Default 5. */
  readonly levels?: number;
  /** How far the book must lean, in [0, 1]: buy needs imbalance ≥ threshold, sell ≤ −threshold. Default 0.2. */
  readonly threshold?: number;
}

/** What the strategy says, and why. */
export interface Signal {
  readonly side: 'buy' | 'sell';
  readonly symbol: string;
  /** The trade price that crossed the VWAP. */
  readonly price: number;
  readonly vwap: number;
  /** The book imbalance at that moment. */
  readonly imbalance: number;
}

/** The streams the strategy reads, for one symbol. */
export interface StrategyInput {
  readonly trades$: Observable<Trade>;
  readonly books$: Observable<OrderBook>;
}

/**
 * ```
 * trades:  -a-b-c-d-|        prices 100, 100, 98, 104 (VWAP of the window follows)
 * books:   p--------|        p leans to the bids
 * signals: -------x-|        x = buy at 104: crossed above VWAP with imbalance ≥ threshold
 * ```
 * No signal before the first book, and none when the price only touches the VWAP.
 */
export function imbalanceVwap(input: StrategyInput, options: ImbalanceVwapOptions = {}): Observable<Signal> {
  const threshold = options.threshold ?? 0.2;
  if (!(threshold >= 0 && threshold <= 1)) throw new RangeError(`imbalanceVwap: threshold must be in [0, 1], got ${threshold}`);

  const trades$ = input.trades$.pipe(share());
  const price$ = trades$.pipe(map((t) => t.price));
  const vwap$ = trades$.pipe(vwap({ trades: options.vwapTrades ?? 20 }), share());
  const imbalance$ = input.books$.pipe(bookImbalance(options.levels ?? 5));

  return crossover(price$, vwap$).pipe(
    withLatestFrom(imbalance$, trades$, vwap$),
    filter(([cross, imbalance]) => (cross === 'up' ? imbalance >= threshold : imbalance <= -threshold)),
    map(([cross, imbalance, trade, average]) => ({
      side: cross === 'up' ? 'buy' : 'sell',
      symbol: trade.symbol,
      price: trade.price,
      vwap: average,
      imbalance,
    })),
  );
}
