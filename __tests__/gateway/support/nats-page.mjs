// The gateway's browser page: bundled by esbuild (platform=browser) from the BUILT package's
// `rx-market/nats` (its `browser` condition: WebSocket transport, no Node module), loaded in
// headless Chromium, streaming through nats-server's WebSocket listener. It holds a NATS consumer
// login only: no broker secret anywhere in the page.
import { natsFeed } from 'rx-market/nats';

const params = new URLSearchParams(location.search);
const symbol = params.get('symbol') ?? '005930';
const $ = (id) => document.getElementById(id);

const feed = natsFeed({ servers: params.get('ws'), broker: 'kiwoom', user: params.get('user'), pass: params.get('pass'), leaseMs: 1500 });
feed.status$.subscribe((s) => ($('status').textContent = s.state));
feed.errors$.subscribe((e) => ($('errors').textContent += `${e.kind}: ${e.message}\n`));
feed.trades$(symbol).subscribe({
  next: (t) => {
    const li = document.createElement('li');
    li.textContent = `${t.symbol} ${t.side ?? '-'} ${t.size}@${t.price}`;
    $('trades').append(li);
  },
  error: (e) => ($('errors').textContent += `trades: ${e.message}\n`),
});
feed.orderBook$(symbol).subscribe({
  next: (book) => {
    const row = (l) => `${l.size}@${l.price}`;
    $('book').textContent = `bids ${book.bids.map(row).join(' ')} | asks ${book.asks.map(row).join(' ')}`;
  },
  error: (e) => ($('errors').textContent += `book: ${e.message}\n`),
});
