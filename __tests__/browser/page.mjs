// The browser page of the real-browser test: bundled by esbuild (platform=browser) from the BUILT
// package, as an app would bundle it, then loaded in headless Chromium. It gets a short-lived
// token from its own backend (/token) and never holds the app secret.
import { kiwoom } from 'rx-market';

const params = new URLSearchParams(location.search);
const symbol = params.get('symbol') ?? '005930';
const $ = (id) => document.getElementById(id);

async function start() {
  const token = await fetch('/token').then((r) => (r.ok ? r.text() : Promise.reject(new Error(`/token: HTTP ${r.status}`))));
  // The app key and secret stay on the backend: only placeholders here (the token does the work).
  const feed = kiwoom({ appKey: 'held-by-the-backend', secretKey: 'held-by-the-backend', accessToken: token, wsUrl: params.get('ws') });
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

start().catch((e) => ($('errors').textContent += `start: ${e && e.message}\n`));
