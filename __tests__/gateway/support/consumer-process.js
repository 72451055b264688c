// A consumer process for the gateway tests: natsFeed from the built package (dist/), one NDJSON
// line per thing seen on stdout. Configured by environment variables:
//   NATS_URL, NATS_USER, NATS_PASS, BROKER (default kiwoom), TRADES (symbols, comma-separated),
//   BOOKS (symbols), ORDERS (1 to subscribe orders$), DURABLE, LEASE_MS, CONSUMER_ID
const { natsFeed } = require('../../../dist/nats.js');

const env = process.env;
const list = (s) => (s ? s.split(',').filter(Boolean) : []);
const out = (o) => process.stdout.write(`${JSON.stringify(o)}\n`);

const feed = natsFeed({
  servers: env.NATS_URL,
  broker: env.BROKER || 'kiwoom',
  user: env.NATS_USER,
  pass: env.NATS_PASS,
  durable: env.DURABLE || undefined,
  consumerId: env.CONSUMER_ID || undefined,
  leaseMs: Number(env.LEASE_MS || 1500),
});
const end = (what) => ({
  error: (e) => out({ type: 'error', what, kind: e.kind, message: e.message }),
  complete: () => out({ type: 'complete', what }),
});
feed.status$.subscribe((s) => out({ type: 'status', state: s.state }));
feed.gaps$.subscribe((g) => out({ type: 'gap', reason: g.reason, key: g.key }));
feed.errors$.subscribe((e) => out({ type: 'feed-error', kind: e.kind, message: e.message }));
for (const s of list(env.TRADES))
  feed.trades$(s).subscribe({ next: (t) => out({ type: 'trade', symbol: t.symbol, price: t.price, size: t.size }), ...end(`trades ${s}`) });
for (const s of list(env.BOOKS))
  feed
    .orderBook$(s)
    .subscribe({ next: (b) => out({ type: 'book', symbol: b.symbol, bid: b.bids[0] && b.bids[0].price }), ...end(`book ${s}`) });
if (env.ORDERS === '1') feed.orders$().subscribe({ next: (o) => out({ type: 'order', orderId: o.orderId }), ...end('orders') });
out({ type: 'ready' });
process.on('SIGTERM', () => {
  feed.close();
  setTimeout(() => process.exit(0), 200);
});
