'use strict';
/*
 * Benchmark feed: a `ws` server in its own process (so it does not share the client's event
 * loop) that speaks the toy protocol of src/testing/toy-protocol.ts. Once the client has asked
 * for all KEYS keys, it sends COUNT data frames round-robin over them as fast as the socket
 * drains. Prints its port on stdout.
 */
const { WebSocketServer } = require('ws');

const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
wss.on('listening', () => process.stdout.write(`${wss.address().port}\n`));
wss.on('connection', (ws, req) => {
  const url = new URL(req.url, 'http://x');
  const keys = Number(url.searchParams.get('keys'));
  const count = Number(url.searchParams.get('count'));
  const frames = [];
  for (let i = 0; i < keys; i++) {
    frames.push(JSON.stringify({ k: `k${i}`, v: { price: 60700 + i, size: 10, side: 'buy', time: 1763596861000 } }));
  }
  const subscribed = new Set();
  ws.on('message', (data) => {
    const msg = JSON.parse(data.toString());
    if (msg.op === 'login') ws.send('{"op":"login","ok":true}');
    if (msg.op === 'sub') {
      for (const k of msg.keys) subscribed.add(k);
      ws.send(JSON.stringify({ op: 'subbed', keys: msg.keys }));
      if (subscribed.size === keys) blast(ws, frames, count);
    }
  });
});

function blast(ws, frames, count) {
  let sent = 0;
  const step = () => {
    while (sent < count && ws.bufferedAmount < 4 * 1024 * 1024) {
      ws.send(frames[sent % frames.length]);
      sent++;
    }
    if (sent < count && ws.readyState === ws.OPEN) setImmediate(step);
  };
  step();
}
