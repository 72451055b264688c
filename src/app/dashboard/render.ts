import { FeedStatus } from '../../core/status';
import { OrderBook, Trade } from '../../model/market';
import { clockOf, fit, formatDuration, formatNumber, formatRate } from './format';
import { clipRow, Row, Screen, seg, Segment } from './screen';
import { DashboardState, selectedSymbol } from './state';

export interface ScreenSize {
  readonly width: number;
  readonly height: number;
}

/** Smallest screen the layout is drawn for; smaller terminals get a note instead. */
export const MIN_SIZE: ScreenSize = { width: 60, height: 16 };

const LADDER_WIDTH = 36;
/** Rows that are not book levels: title, symbols, blank, book heading, column heading, spread, 5 status lines. */
const FIXED_ROWS = 11;

/**
 * The dashboard screen for a state, as data. Pure: the same state and size give the same screen.
 *
 * ```
 *  rx-market · kiwoom · simulator 127.0.0.1:40213 · up 00:01:23
 *  symbols  [005930] 000660 005380 035720          ←/→ symbol · q quit
 *
 *  Book 005930                        Trades
 *     bid size     price  ask size    time      symbol   side       price      size
 *                 71,600     1,234    09:00:12  005930   buy       71,300       120
 *  ...
 *  005930  1m bar 09:01  O 71,200  H 71,400 ...  VWAP 71,254.3  1m 71,260.1
 *  account ...
 *  feed open · connections 1 · reconnects 0 · resubscriptions 0 · keys 9 active
 *  per second  frames 123 · trades 20.0 · books 40.0 · account 0.4 · errors 0
 * ```
 */
export function renderDashboard(state: DashboardState, size: ScreenSize): Screen {
  const { width, height } = size;
  if (width < MIN_SIZE.width || height < MIN_SIZE.height) {
    const note = [seg(`terminal too small (${width}x${height}); need ${MIN_SIZE.width}x${MIN_SIZE.height}`, 'warn')];
    return finish([clipRow(note, width)], size);
  }
  const symbol = selectedSymbol(state);
  const depth = Math.max(1, Math.min(10, Math.floor((height - FIXED_ROWS) / 2)));
  const rows: Row[] = [titleRow(state, width), symbolsRow(state, width), []];

  const ladder = ladderRows(symbol, symbol ? state.books[symbol] : undefined, symbol ? state.lastTrade[symbol] : undefined, depth);
  const tapeWidth = width - LADDER_WIDTH - 2;
  const tape = tapeRows(state.tape, ladder.length - 2, tapeWidth);
  ladder.forEach((left, i) => rows.push([...left, seg('  '), ...(tape[i] ?? [])]));

  rows.push(signalRow(state, symbol));
  rows.push(accountRow(state));
  rows.push(connectionRow(state));
  rows.push(ratesRow(state));
  rows.push(state.lastError ? [seg(' last error: ', 'dim'), seg(state.lastError, 'warn')] : []);
  return finish(
    rows.map((r) => clipRow(r, width)),
    size,
  );
}

function finish(rows: Row[], size: ScreenSize): Screen {
  const filled = rows.slice(0, size.height);
  while (filled.length < size.height) filled.push([]);
  return { width: size.width, height: size.height, rows: filled };
}

function titleRow(state: DashboardState, width: number): Row {
  const text = ` rx-market · ${state.broker} · ${state.source} · up ${formatDuration(state.now - state.startedAt)}`;
  return [seg(fit(text, width), 'title')];
}

function symbolsRow(state: DashboardState, width: number): Row {
  const parts: Segment[] = [seg(' symbols  ', 'dim')];
  state.symbols.forEach((s, i) => {
    parts.push(i === state.selected ? seg(`[${s}]`, 'selected') : seg(` ${s} `));
    parts.push(seg(' '));
  });
  const used = parts.reduce((n, p) => n + p.text.length, 0);
  const help = '←/→ symbol · q quit ';
  if (used + help.length < width) parts.push(seg(help.padStart(width - used), 'dim'));
  return parts;
}

/** Book heading, column heading, asks (worst at the top), the spread line, bids; LADDER_WIDTH wide. */
function ladderRows(symbol: string | undefined, book: OrderBook | undefined, last: Trade | undefined, depth: number): Row[] {
  const rows: Row[] = [
    [seg(fit(` Book ${symbol ?? ''}`, LADDER_WIDTH), 'heading')],
    [seg(`${fit('bid size', 12, 'right')}${fit('price', 12, 'right')}${fit('ask size', 10, 'right')}  `, 'dim')],
  ];
  const asks = book ? book.asks.slice(0, depth) : [];
  const bids = book ? book.bids.slice(0, depth) : [];
  // One number of decimals for the whole ladder, so prices line up on the point.
  const digits = Math.max(0, ...[...asks, ...bids].map((l) => decimals(l.price)));
  const price = (p: number) => fit(formatNumber(p, digits), 12, 'right');
  for (let i = depth - 1; i >= 0; i--) {
    const l = asks[i];
    rows.push(
      l
        ? [seg(' '.repeat(12)), seg(price(l.price), 'ask'), seg(fit(formatNumber(l.size), 10, 'right'), 'ask'), seg('  ')]
        : [seg(' '.repeat(LADDER_WIDTH))],
    );
  }
  rows.push([seg(fit(spreadText(book, last), LADDER_WIDTH), 'dim')]);
  for (let i = 0; i < depth; i++) {
    const l = bids[i];
    rows.push(
      l
        ? [seg(fit(formatNumber(l.size), 12, 'right'), 'bid'), seg(price(l.price), 'bid'), seg(' '.repeat(12))]
        : [seg(' '.repeat(LADDER_WIDTH))],
    );
  }
  return rows;
}

function spreadText(book: OrderBook | undefined, last: Trade | undefined): string {
  if (!book || book.asks.length === 0 || book.bids.length === 0) return '   waiting for the book…';
  const spread = book.asks[0].price - book.bids[0].price;
  const digits = Math.max(decimals(book.asks[0].price), decimals(book.bids[0].price));
  const lastText = last ? ` · last ${formatNumber(last.price)} ${arrow(last)}` : '';
  return `   spread ${formatNumber(spread, digits)}${lastText}`;
}

const decimals = (n: number): number => {
  const s = String(n);
  const dot = s.indexOf('.');
  return dot < 0 ? 0 : s.length - dot - 1;
};

const arrow = (t: Trade): string => (t.side === 'buy' ? '▲' : t.side === 'sell' ? '▼' : '');

/** Trade tape beside the ladder: a heading, a column heading, then `count` trades. */
function tapeRows(tape: readonly Trade[], count: number, width: number): Row[] {
  if (width < 20) return [];
  const rows: Row[] = [
    [seg(' Trades', 'heading')],
    [seg(`${fit('time', 10)}${fit('symbol', 9)}${fit('side', 5)}${fit('price', 12, 'right')}${fit('size', 10, 'right')}`, 'dim')],
  ];
  for (const t of tape.slice(0, count)) {
    const style = t.side === 'buy' ? 'buy' : t.side === 'sell' ? 'sell' : undefined;
    rows.push([
      seg(fit(clockOf(t.time), 10)),
      seg(fit(t.symbol, 9)),
      seg(fit(t.side ?? '', 5), style),
      seg(fit(formatNumber(t.price), 12, 'right'), style),
      seg(fit(formatNumber(t.size), 10, 'right')),
    ]);
  }
  return rows;
}

function signalRow(state: DashboardState, symbol: string | undefined): Row {
  if (!symbol) return [];
  const bar = state.bars[symbol];
  const v = state.vwap[symbol];
  const parts: Segment[] = [seg(` ${symbol}  `, 'heading')];
  if (bar) {
    const at = clockAt(bar.start, state.lastTrade[symbol]?.time).slice(0, 5);
    parts.push(
      seg(
        `1m bar ${at}  O ${formatNumber(bar.open)}  H ${formatNumber(bar.high)}  L ${formatNumber(bar.low)}  C ${formatNumber(bar.close)}  V ${formatNumber(bar.volume)}`,
      ),
    );
  } else parts.push(seg('1m bar: first one closes at the next minute', 'dim'));
  parts.push(seg('  VWAP ', 'dim'), seg(formatNumber(round(v?.session))), seg('  1m ', 'dim'), seg(formatNumber(round(v?.minute))));
  // The day's figures the broker sends with its trades, where it sends them.
  const last = state.lastTrade[symbol];
  if (last?.change !== undefined) {
    const pct = last.changePercent === undefined ? '' : ` (${signed(round(last.changePercent) ?? 0)}%)`;
    parts.push(seg('  chg ', 'dim'), seg(`${signed(last.change)}${pct}`, last.change > 0 ? 'bid' : last.change < 0 ? 'ask' : undefined));
  }
  if (last?.cumulativeVolume !== undefined) parts.push(seg('  day vol ', 'dim'), seg(formatNumber(last.cumulativeVolume)));
  return parts;
}

/** HH:MM:SS of an instant in the UTC offset of a venue time like '...+09:00' (UTC when unknown). */
function clockAt(epochMs: number, likeIso: string | undefined): string {
  const m = likeIso ? /([+-])(\d{2}):(\d{2})$/.exec(likeIso) : null;
  const offsetMs = m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) * 60_000 : 0;
  return new Date(epochMs + offsetMs).toISOString().slice(11, 19);
}

const round = (x: number | undefined): number | undefined => (x === undefined ? undefined : Math.round(x * 100) / 100);

const signed = (x: number): string => `${x > 0 ? '+' : ''}${formatNumber(x)}`;

function accountRow(state: DashboardState): Row {
  const parts: Segment[] = [seg(' account  ', 'dim')];
  const o = state.orders[0];
  if (!o) return [...parts, seg('no orders yet', 'dim')];
  const fill = o.fillQty !== undefined ? ` fill ${formatNumber(o.fillQty)}@${formatNumber(o.fillPrice)}` : '';
  parts.push(
    seg(`${o.orderId} ${o.side} ${o.symbol} ${formatNumber(o.orderQty)}@${formatNumber(o.orderPrice)} `),
    seg(`${o.status}${fill}`, o.side),
  );
  const positions = Object.values(state.positions).filter((p) => p.qty !== 0);
  parts.push(seg('  holding ', 'dim'));
  parts.push(
    seg(
      positions.length === 0
        ? 'nothing'
        : positions.map((p) => `${p.symbol} ${formatNumber(p.qty)}@${formatNumber(round(p.avgPrice))}`).join(', '),
    ),
  );
  return parts;
}

function connectionRow(state: DashboardState): Row {
  const c = state.connection;
  const active = c.keys.filter((k) => k.state === 'active').length;
  const pending = c.keys.filter((k) => k.state === 'requested').length;
  const stale = c.keys.filter((k) => k.stale).map((k) => k.key);
  return [
    seg(' feed ', 'dim'),
    seg(statusText(c.status), statusStyle(c.status)),
    seg(
      ` · connections ${c.status.state === 'open' ? c.status.connections : '-'} · reconnects ${c.reconnects} · resubscriptions ${c.resubscriptions} · keys ${active} active${pending ? `, ${pending} pending` : ''}`,
    ),
    ...(stale.length > 0 ? [seg(` · stale ${stale.length}: ${stale.slice(0, 3).join(' ')}${stale.length > 3 ? ' …' : ''}`, 'warn')] : []),
  ];
}

/** Short text for a feed status. */
export function statusText(s: FeedStatus): string {
  switch (s.state) {
    case 'open':
      return s.lagMs === undefined ? 'open' : `open (event loop ${s.lagMs} ms late)`;
    case 'connecting':
      return `connecting (attempt ${s.attempt})`;
    case 'reconnecting':
      return `reconnecting in ${s.delayMs} ms (attempt ${s.attempt}${s.detector ? `, ${s.detector}` : ''})`;
    case 'closed':
      return s.error ? `closed: ${s.error.message}` : 'closed';
    case 'degraded':
      return `DEGRADED: REST every ${s.pollMs} ms (socket ${s.socket})`;
  }
}

const statusStyle = (s: FeedStatus) =>
  s.state === 'open' && s.lagMs === undefined ? 'ok' : s.state === 'closed' && s.error ? 'bad' : 'warn';

function ratesRow(state: DashboardState): Row {
  const r = state.rates;
  const c = state.counts;
  return [
    seg(' rates/s ', 'dim'),
    seg(
      `frames ${formatRate(r.frames)} · trades ${formatRate(r.trades)} · books ${formatRate(r.books)} · account ${formatRate(r.account)}`,
    ),
    seg('  totals ', 'dim'),
    seg(`frames ${formatNumber(c.frames)} · trades ${formatNumber(c.trades)} · errors ${c.errors}`, c.errors > 0 ? 'warn' : undefined),
  ];
}
