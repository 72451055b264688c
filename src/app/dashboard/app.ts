import { auditTime, BehaviorSubject, merge, scan, Subject, Subscription } from 'rxjs';
import type { Terminal } from 'terminal-kit';
import { findBroker, brokers } from '../brokers';
import { Feed } from '../broker-module';
import { instrumentsFor } from '../sim/instruments';
import { profileFor } from '../sim/profile';
import { RunningSimulator, startSimulator } from '../sim/simulator';
import { TerminalPainter } from './paint';
import { renderDashboard } from './render';
import { dashboardActions } from './sources';
import { DashboardAction, DashboardState, initialState, reduce } from './state';
import { summaryLine } from './summary';

export interface DashboardIO {
  readonly stdout: NodeJS.WritableStream & { readonly isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export interface DashboardOptions {
  readonly broker: string;
  /** Symbols to show; default: the simulator's list for the broker's market. */
  readonly symbols?: readonly string[];
  /** Ends after this many seconds (exit 0); default: until quit. */
  readonly durationSec?: number;
  /** Simulator seed and trade rate (trades per second per symbol). */
  readonly seed?: number;
  readonly rate?: number;
  /** Use the simulator even when credentials are in the environment. */
  readonly simulate?: boolean;
  /** Seconds between summary lines when stdout is not a terminal. Default 2. */
  readonly summaryEverySec?: number;
  /** Draw the full-screen UI; default: when stdout is the process's terminal. */
  readonly interactive?: boolean;
  /**
   * A NATS URL: stream through an rx-market gateway (natsFeed) instead of a broker session; NATS
   * user from RXM_NATS_USER / RXM_NATS_PASSWORD (or RXM_NATS_TOKEN). No broker secret needed.
   */
  readonly nats?: string;
}

/** Exit codes: 0 done or quit, 1 the feed failed for good, 2 bad usage. */
export async function runDashboard(options: DashboardOptions, io: DashboardIO): Promise<number> {
  const module = findBroker(options.broker);
  if (!module) {
    io.stderr.write(`rx-market demo: unknown broker "${options.broker}"; known: ${brokers.map((b) => b.name).join(', ')}\n`);
    return 2;
  }
  const market = profileFor(module.name).market;
  const symbols = instrumentsFor(market, options.symbols).map((i) => (market === 'krx' ? i.symbol : i.symbol.toUpperCase()));
  const live = module.hasCredentials(io.env) && !options.simulate;

  let simulator: RunningSimulator | undefined;
  let feed: Feed;
  let source: string;
  try {
    if (options.nats) {
      // Loaded on use: the NATS client packages are optional peers.
      const { natsFeed } = await import('../../nats');
      feed = natsFeed({
        servers: options.nats,
        broker: module.name,
        user: io.env.RXM_NATS_USER,
        pass: io.env.RXM_NATS_PASSWORD,
        token: io.env.RXM_NATS_TOKEN,
      }) as unknown as Feed;
      source = `gateway ${options.nats}`;
    } else if (live) {
      feed = module.feedFromEnv(io.env);
      // An endpoint override (a replay, a simulator started elsewhere) is worth showing.
      source = `live ${hostOf(io.env) ?? ''}`.trim();
    } else {
      simulator = await startSimulator(module, { symbols, seed: options.seed, tradesPerSecond: options.rate });
      feed = module.feedFromEnv({ ...io.env, ...simulator.env });
      source = `simulator ${hostOf(simulator.env) ?? 'loopback'} (seed ${options.seed ?? 1})`;
    }
  } catch (err) {
    await simulator?.stop();
    io.stderr.write(`rx-market demo: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }

  const interactive = options.interactive ?? (io.stdout === process.stdout && process.stdout.isTTY === true);
  const keys$ = new Subject<DashboardAction>();
  const state$ = new BehaviorSubject<DashboardState>(initialState({ broker: module.name, source, symbols, now: Date.now() }));
  const subscriptions = new Subscription();
  let term: Terminal | undefined;

  const code = await new Promise<number>((resolve) => {
    let done = false;
    const finish = (exitCode: number): void => {
      if (done) return;
      done = true;
      subscriptions.unsubscribe();
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
      resolve(exitCode);
    };
    const onSignal = (): void => finish(0);
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);

    subscriptions.add(
      merge(dashboardActions(feed, symbols), keys$)
        .pipe(scan(reduce, state$.value))
        .subscribe((state) => {
          state$.next(state);
          const s = state.connection.status;
          if (s.state === 'closed' && s.error?.fatal) {
            io.stderr.write(`rx-market demo: ${s.error.message}\n`);
            finish(1);
          }
        }),
    );
    if (options.durationSec !== undefined) {
      const timer = setTimeout(() => finish(0), options.durationSec * 1000);
      subscriptions.add(() => clearTimeout(timer));
    }

    if (interactive) {
      term = openTerminal();
      const painter = new TerminalPainter(term);
      term.fullscreen(true);
      term.hideCursor(true);
      term.grabInput(true);
      const onKey = (name: string): void => {
        if (['q', 'Q', 'ESCAPE', 'CTRL_C'].includes(name)) finish(0);
        else if (['RIGHT', 'TAB', 'l', 'DOWN', 'j'].includes(name)) keys$.next({ type: 'select', by: 1 });
        else if (['LEFT', 'SHIFT_TAB', 'h', 'UP', 'k'].includes(name)) keys$.next({ type: 'select', by: -1 });
        else if (/^[1-9]$/.test(name)) keys$.next({ type: 'select', by: Number(name) - 1 - state$.value.selected });
      };
      const onResize = (): void => {
        painter.resize();
        painter.paint(renderDashboard(state$.value, painter.size));
      };
      term.on('key', onKey);
      term.on('resize', onResize);
      subscriptions.add(() => {
        term?.off('key', onKey);
        term?.off('resize', onResize);
      });
      subscriptions.add(state$.pipe(auditTime(100)).subscribe((state) => painter.paint(renderDashboard(state, painter.size))));
    } else {
      const every = setInterval(
        () => io.stdout.write(`${summaryLine({ ...state$.value, now: Date.now() })}\n`),
        (options.summaryEverySec ?? 2) * 1000,
      );
      subscriptions.add(() => clearInterval(every));
    }
  });

  if (term) restoreTerminal(term);
  io.stdout.write(`${summaryLine({ ...state$.value, now: Date.now() })}\n`);
  await simulator?.stop();
  return code;
}

/** host:port of the WebSocket endpoint a `*_URL` variable sets, if one does. */
const hostOf = (env: Readonly<Record<string, string | undefined>>): string | undefined => {
  const url = Object.entries(env).find(([k, v]) => /^(KIWOOM|KIS|WEEX)_.*URL$/.test(k) && v !== undefined && /^wss?:\/\//.test(v))?.[1];
  try {
    return url ? new URL(url).host : undefined;
  } catch {
    return undefined;
  }
};

function openTerminal(): Terminal {
  // Loaded only for the interactive UI: pipes and tests never touch the terminal. terminal-kit is
  // an optional peer dependency, so a library user's install does not carry it.
  let termkit: typeof import('terminal-kit');
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    termkit = require('terminal-kit') as typeof import('terminal-kit');
  } catch {
    throw new Error('the full-screen dashboard needs terminal-kit: npm install terminal-kit (or pipe the output for summary lines)');
  }
  return termkit.terminal;
}

function restoreTerminal(term: Terminal): void {
  term.grabInput(false);
  term.hideCursor(false);
  term.styleReset();
  term.fullscreen(false);
}
