// The browser page of the real-browser test: bundled by esbuild (platform=browser) from the BUILT
// package, as an app would bundle it, then loaded in headless Chromium. It gets short-lived
// credentials from its own backend (a Kiwoom token at /token, a KIS approval key at /approval)
// through the feeds' providers, and never holds an app key or secret.
import { kis, kiwoom } from 'rx-market';

const params = new URLSearchParams(location.search);
const broker = params.get('broker') ?? 'kiwoom';
const symbol = params.get('symbol') ?? '005930';
const $ = (id) => document.getElementById(id);

const fromBackend = (path) => () => fetch(path).then((r) => (r.ok ? r.text() : Promise.reject(new Error(`${path}: HTTP ${r.status}`))));

function openFeed() {
  const wsUrl = params.get('ws');
  if (broker === 'kis') return kis({ approvalKey: fromBackend('/approval'), wsUrl, exchange: 'KRX' });
  return kiwoom({ token: fromBackend('/token'), wsUrl });
}

/** What a browser app that forgot its provider sees: each attempt's error, as `name kind`. */
globalThis.badInput = () =>
  [
    () => kiwoom(),
    () => kiwoom({}),
    () => kiwoom({ token: 'not a function' }),
    () => kis({}),
    // REST is not in the browser build: asking for what needs it is a config error at once.
    () => kiwoom({ token: async () => 't', rest: { backfill: true } }),
  ].map((attempt) => {
    try {
      attempt();
      return 'no error';
    } catch (e) {
      return `${e && e.name} ${e && e.kind}`;
    }
  });

function start() {
  const feed = openFeed();
  feed.status$.subscribe((s) => ($('status').textContent = s.state));
  feed.errors$.subscribe((e) => ($('errors').textContent += `${e.kind}: ${e.message}\n`));
  feed.trades$(symbol).subscribe((t) => {
    const li = document.createElement('li');
    li.textContent = `${t.symbol} ${t.side ?? '-'} ${t.size}@${t.price}`;
    $('trades').append(li);
  });
  feed.orderBook$(symbol).subscribe((book) => {
    const row = (l) => `${l.size}@${l.price}`;
    $('book').textContent = `bids ${book.bids.map(row).join(' ')} | asks ${book.asks.map(row).join(' ')}`;
  });
}

if (params.get('ws')) {
  try {
    start();
  } catch (e) {
    $('errors').textContent += `start: ${e && e.message}\n`;
  }
}
