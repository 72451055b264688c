/**
 * Runs the imbalance + VWAP strategy live on Kiwoom.
 *
 *   npx tsx examples/imbalance-vwap/live.ts [symbol] [--count N] [--duration SEC]
 *
 * With KIWOOM_APPKEY and KIWOOM_SECRETKEY in the environment (KIWOOM_ENV=mock for the mock
 * server) it reads the real market; without them it starts the embedded simulator, which speaks
 * Kiwoom's protocol on 127.0.0.1, so it runs anywhere with no account and no network.
 * It prints each signal, a 5-second bar now and then, and connection changes. It only signals:
 * it places no orders.
 */
import { firstValueFrom, merge, of, Subscription } from 'rxjs';
import { first, map, timeout } from 'rxjs/operators';
import { kiwoomFromEnv } from '../../src/brokers/kiwoom';
import { kiwoomModule } from '../../src/app/brokers/kiwoom';
import { FeedStatus } from '../../src/core/status';
import { bars } from '../../src/operators';
import { startSimulator, SimulatorOptions } from '../../src/app/sim';
import { imbalanceVwap, ImbalanceVwapOptions, Signal } from './strategy';

export interface LiveOptions {
  /** Default '005930'. */
  readonly symbol?: string;
  /** Where credentials and URL overrides come from. Default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Stop after this many signals. Default: run until `durationMs`, or forever. */
  readonly count?: number;
  /** Stop after this long. */
  readonly durationMs?: number;
  readonly strategy?: ImbalanceVwapOptions;
  /** Bar length of the progress lines. Default 5 000. */
  readonly barMs?: number;
  /** Simulator settings when there are no credentials. */
  readonly simulator?: SimulatorOptions;
  /** Where lines go. Default console.log. */
  readonly log?: (line: string) => void;
  /** Stops the run early (Ctrl-C). */
  readonly abort?: AbortSignal;
}

export interface LiveResult {
  readonly source: 'account' | 'simulator';
  readonly signals: readonly Signal[];
  readonly trades: number;
  readonly books: number;
}

/** Runs the strategy until `count` signals, `durationMs`, or `abort`; resolves with what it saw. */
export async function runLive(options: LiveOptions = {}): Promise<LiveResult> {
  const symbol = options.symbol ?? '005930';
  const log = options.log ?? ((line: string) => console.log(line));
  let env = options.env ?? process.env;
  const sim = kiwoomModule.hasCredentials(env)
    ? undefined
    : await startSimulator(kiwoomModule, { symbols: [symbol], seed: 7, ...options.simulator });
  if (sim) env = sim.env;
  log(sim ? `simulator on ${sim.env.KIWOOM_WS_URL} (no KIWOOM_APPKEY/KIWOOM_SECRETKEY set)` : 'Kiwoom account from the environment');

  const feed = kiwoomFromEnv(env);
  const trades$ = feed.trades$(symbol);
  const books$ = feed.orderBook$(symbol);
  const signals: Signal[] = [];
  let trades = 0;
  let books = 0;

  try {
    await new Promise<void>((resolve, reject) => {
      const run = new Subscription();
      const stop = () => {
        run.unsubscribe();
        resolve();
      };
      const fail = (err: unknown) => {
        run.unsubscribe();
        reject(err);
      };
      run.add(feed.status$.subscribe((s: FeedStatus) => log(`status ${JSON.stringify(s)}`)));
      run.add(merge(trades$.pipe(map(() => trades++)), books$.pipe(map(() => books++))).subscribe({ error: fail }));
      run.add(
        trades$
          .pipe(bars(options.barMs ?? 5_000))
          .subscribe((b) => log(`bar ${b.symbol} O${b.open} H${b.high} L${b.low} C${b.close} V${b.volume} (${b.trades} trades)`)),
      );
      run.add(
        imbalanceVwap({ trades$, books$ }, options.strategy).subscribe({
          next: (s) => {
            signals.push(s);
            log(`${s.side.toUpperCase()} ${s.symbol} @ ${s.price} (vwap ${s.vwap.toFixed(2)}, imbalance ${s.imbalance.toFixed(2)})`);
            if (options.count !== undefined && signals.length >= options.count) stop();
          },
          error: fail,
        }),
      );
      if (options.durationMs !== undefined) {
        const timer = setTimeout(stop, options.durationMs);
        run.add(() => clearTimeout(timer));
      }
      if (options.abort) {
        if (options.abort.aborted) stop();
        options.abort.addEventListener('abort', stop, { once: true });
        run.add(() => options.abort?.removeEventListener('abort', stop));
      }
    });
    // Let the connection close (after its linger) before the server goes away.
    await firstValueFrom(
      feed.status$.pipe(
        first((s) => s.state === 'closed'),
        timeout({ first: 5_000, with: () => of(undefined) }),
      ),
    );
  } finally {
    await sim?.stop();
  }
  return { source: sim ? 'simulator' : 'account', signals, trades, books };
}

function argValue(args: readonly string[], flag: string): number | undefined {
  const i = args.indexOf(flag);
  if (i < 0) return undefined;
  const n = Number(args[i + 1]);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${flag} needs a positive number`);
  return n;
}

async function main(args: readonly string[]): Promise<void> {
  const symbol = args.find((a, i) => !a.startsWith('--') && !(i > 0 && args[i - 1].startsWith('--')));
  const duration = argValue(args, '--duration');
  const abort = new AbortController();
  process.once('SIGINT', () => abort.abort());
  const result = await runLive({
    symbol,
    count: argValue(args, '--count'),
    durationMs: duration === undefined ? undefined : duration * 1000,
    abort: abort.signal,
  });
  console.log(`done: ${result.signals.length} signals from ${result.trades} trades and ${result.books} books (${result.source})`);
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : String(err));
      process.exit(1);
    },
  );
}
