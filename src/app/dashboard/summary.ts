import { formatDuration, formatNumber, formatRate } from './format';
import { statusText } from './render';
import { DashboardState, selectedSymbol } from './state';

/**
 * One plain line about the state, for logs and pipes (stdout not a terminal):
 * `[00:00:04] kiwoom simulator · feed open · frames 312 (78.0/s) · trades 61 · books 150 · account 3 ·
 *  reconnects 0 · resubscriptions 0 · errors 0 · 005930 last 71,200 bid 71,100 ask 71,200 vwap 71,150.23`
 */
export function summaryLine(state: DashboardState): string {
  const c = state.counts;
  const parts = [
    `[${formatDuration(state.now - state.startedAt)}] ${state.broker} ${state.source.split(' ')[0]}`,
    `feed ${statusText(state.connection.status)}`,
    `frames ${c.frames} (${formatRate(state.rates.frames)}/s)`,
    `trades ${c.trades}`,
    `books ${c.books}`,
    `account ${c.account}`,
    `reconnects ${state.connection.reconnects}`,
    `resubscriptions ${state.connection.resubscriptions}`,
    `errors ${c.errors}`,
  ];
  const symbol = selectedSymbol(state);
  if (symbol) {
    const book = state.books[symbol];
    const last = state.lastTrade[symbol];
    const vwap = state.vwap[symbol]?.session;
    parts.push(
      `${symbol} last ${formatNumber(last?.price)} bid ${formatNumber(book?.bids[0]?.price)} ask ${formatNumber(book?.asks[0]?.price)} vwap ${formatNumber(vwap === undefined ? undefined : Math.round(vwap * 100) / 100)}`,
    );
  }
  // The count alone does not say what went wrong: the last error says it.
  if (state.lastError !== undefined) parts.push(`last error: ${state.lastError}`);
  return parts.join(' · ');
}
