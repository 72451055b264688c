import { MIN_SIZE, renderDashboard } from '../../src/app/dashboard/render';
import { rowText, screenText } from '../../src/app/dashboard/screen';
import { reduce } from '../../src/app/dashboard/state';
import { summaryLine } from '../../src/app/dashboard/summary';
import { TerminalPainter } from '../../src/app/dashboard/paint';
import { OrderBook, Trade } from '../../src/model/market';
import { sampleState, signalActions, simulatedEvents } from './support/sample-state';
import { virtualTerminal } from './support/virtual-terminal';

const events = simulatedEvents(650); // 65 s: one closed minute bar
const state = sampleState(events);
const lastBook = (symbol: string) => events.filter((e): e is OrderBook => e.kind === 'book' && e.symbol === symbol).pop()!;
const trades = events.filter((e): e is Trade => e.kind === 'trade');
const n = (x: number) => x.toLocaleString('en-US');

describe('dashboard screen (rendered to text)', () => {
  const size = { width: 100, height: 32 };
  const screen = renderDashboard(state, size);
  const lines = screenText(screen).split('\n');

  it('has exactly the requested size', () => {
    expect(screen.rows).toHaveLength(size.height);
    for (const row of screen.rows) expect(rowText(row).length).toBeLessThanOrEqual(size.width);
  });

  it('titles the broker, the source and the time up', () => {
    expect(lines[0]).toBe(' rx-market · kiwoom · simulator 127.0.0.1:40213 (seed 11) · up 00:01:04');
    expect(lines[1]).toMatch(/^ symbols {2}\[005930\] {2}000660 {3}005380 {3}035720 +←\/→ symbol · q quit$/);
  });

  it('draws the ladder of the selected symbol: asks above bids, best prices at the spread line', () => {
    const book = lastBook('005930');
    const depth = Math.min(10, Math.floor((size.height - 11) / 2));
    const ladder = lines.slice(5, 5 + 2 * depth + 1).map((l) => l.slice(0, 36));
    const asks = ladder.slice(0, depth).reverse();
    const bids = ladder.slice(depth + 1);
    asks.forEach((line, i) => {
      expect(line.slice(12, 24).trim()).toBe(n(book.asks[i].price));
      expect(line.slice(24, 34).trim()).toBe(n(book.asks[i].size));
    });
    bids.forEach((line, i) => {
      expect(line.slice(0, 12).trim()).toBe(n(book.bids[i].size));
      expect(line.slice(12, 24).trim()).toBe(n(book.bids[i].price));
    });
    const last = trades.filter((t) => t.symbol === '005930').pop()!;
    expect(ladder[depth].trim()).toBe(
      `spread ${n(book.asks[0].price - book.bids[0].price)} · last ${n(last.price)} ${last.side === 'buy' ? '▲' : '▼'}`,
    );
  });

  it('lists the latest trades of every symbol beside the ladder, newest first', () => {
    const tape = lines.slice(5, 5 + 10).map((l) => l.slice(38).trim().split(/\s+/));
    const newest = trades.slice(-10).reverse();
    tape.forEach((cols, i) => {
      const t = newest[i];
      expect(cols).toEqual([t.time.slice(11, 19), t.symbol, t.side, n(t.price), n(t.size)]);
    });
  });

  it('shows feed status, counts and rates', () => {
    const text = screenText(screen);
    expect(text).toContain('feed open · connections 1 · reconnects 0 · resubscriptions 0 · keys 4 active');
    expect(text).toContain(`totals frames ${n(events.length)} · trades ${n(trades.length)} · errors 0`);
    expect(text).toMatch(/rates\/s frames \d+(\.\d)? · trades \d+(\.\d)? · books/);
  });

  it('shows the last closed 1-minute bar and the VWAPs the operators computed', () => {
    const signals = signalActions(events);
    const bar = signals.flatMap((a) => (a.type === 'bar' && a.bar.symbol === '005930' ? [a.bar] : [])).pop()!;
    const vwaps = signals.flatMap((a) => (a.type === 'vwap' && a.symbol === '005930' && a.window === 'session' ? [a.value] : []));
    expect(bar).toBeDefined();
    const row = lines.find((l) => l.startsWith(' 005930  1m bar'))!;
    expect(row).toContain(`O ${n(bar.open)}  H ${n(bar.high)}  L ${n(bar.low)}  C ${n(bar.close)}  V ${n(bar.volume)}`);
    expect(row).toContain(`VWAP ${n(Math.round(vwaps[vwaps.length - 1] * 100) / 100)}`);
  });

  it("shows the day's change and volume where the broker sends them with its trades, and nothing where it does not", () => {
    const last = trades.filter((t) => t.symbol === '005930').pop()!;
    const figures: Trade = { ...last, change: -1500, changePercent: -2.104, cumulativeVolume: 1234567 };
    const withFigures = reduce(state, { type: 'event', event: figures });
    const row = screenText(renderDashboard(withFigures, { width: 140, height: 32 }))
      .split('\n')
      .find((l) => l.startsWith(' 005930  1m bar'))!;
    expect(row).toContain('chg -1,500 (-2.1%)  day vol 1,234,567');
    expect(lines.find((l) => l.startsWith(' 005930  1m bar'))).not.toContain('chg');
  });

  it('follows the selected symbol', () => {
    const next = renderDashboard(reduce(state, { type: 'select', by: 1 }), size);
    const text = screenText(next);
    expect(text).toContain('[000660]');
    expect(text).toContain(` Book 000660`);
    expect(
      rowText(next.rows[4 + Math.min(10, Math.floor((size.height - 11) / 2))])
        .slice(12, 24)
        .trim(),
    ).toBe(n(lastBook('000660').asks[0].price));
  });

  it('says so when the terminal is too small, instead of drawing garbage', () => {
    const tiny = renderDashboard(state, { width: MIN_SIZE.width - 1, height: 10 });
    expect(screenText(tiny).split('\n')[0]).toBe(`terminal too small (59x10); need ${MIN_SIZE.width}x${MIN_SIZE.height}`);
  });

  it('a summary line for pipes carries the same facts', () => {
    const line = summaryLine(state);
    const book = lastBook('005930');
    expect(line).toContain(`frames ${events.length}`);
    expect(line).toContain(`trades ${trades.length}`);
    expect(line).toContain(`bid ${n(book.bids[0].price)} ask ${n(book.asks[0].price)}`);
    expect(line).not.toContain('last error');
    expect(summaryLine({ ...state, lastError: 'auth: nats kiwoom: Authorization Violation' })).toMatch(
      / · last error: auth: nats kiwoom: Authorization Violation$/,
    );
  });
});

describe('painting through terminal-kit onto a virtual terminal', () => {
  it('the terminal shows the rendered screen, with asks and bids in their colours', async () => {
    const vt = virtualTerminal(90, 28);
    try {
      const painter = new TerminalPainter(vt.term);
      expect(painter.size).toEqual({ width: 90, height: 28 });
      const screen = renderDashboard(state, painter.size);
      painter.paint(screen);
      await vt.settle();
      expect(vt.lines().map((l) => l.trimEnd())).toEqual(screenText(screen).split('\n'));

      const depth = Math.min(10, Math.floor((28 - 11) / 2));
      const bestAskRow = 5 + depth - 1;
      const bestBidRow = 5 + depth + 1;
      expect(vt.colorAt(20, bestAskRow)).toBe(1); // red
      expect(vt.colorAt(20, bestBidRow)).toBe(2); // green

      // A second paint after a change draws only the difference, and the terminal follows.
      const later = renderDashboard(reduce(state, { type: 'select', by: 2 }), painter.size);
      painter.paint(later);
      await vt.settle();
      expect(vt.lines().map((l) => l.trimEnd())).toEqual(screenText(later).split('\n'));
    } finally {
      vt.dispose();
    }
  });
});

describe('dashboard: staleness and detectors on the feed line', () => {
  const size = { width: 140, height: 32 };
  const feedLine = (s: typeof state) =>
    screenText(renderDashboard(s, size))
      .split('\n')
      .find((l) => l.startsWith(' feed '))!;

  it('shows stale keys by name and the detector of a reconnect', () => {
    const stale = reduce(state, {
      type: 'keys',
      keys: [
        { key: '0B|005930', state: 'active', subscribers: 1, stale: true },
        { key: '0D|005930', state: 'active', subscribers: 1 },
      ],
    });
    expect(feedLine(state)).not.toContain('stale');
    expect(feedLine(stale)).toContain('stale 1: 0B|005930');
    const reconnecting = reduce(stale, {
      type: 'status',
      status: { state: 'reconnecting', attempt: 2, delayMs: 300, reason: 'no pong', detector: 'pong' },
    });
    expect(feedLine(reconnecting)).toContain('reconnecting in 300 ms (attempt 2, pong)');
    const lagging = reduce(stale, { type: 'status', status: { state: 'open', connections: 1, keys: 2, lagMs: 1500 } });
    expect(feedLine(lagging)).toContain('open (event loop 1500 ms late)');
  });
});
