'use strict';
/* global queueMicrotask */
/*
 * The bare clients the benchmark compares rx-market with: plain `ws` + JSON.parse / string
 * split, doing the least work that yields the same events a user gets from rx-market (the
 * fields of a normalized trade or book, no validation beyond what the parse does). Plain
 * JavaScript so that `node bench/real/bare.js ...` starts as fast as a hand-written client.
 *
 *   connectBare(broker, kind, env, symbols, onEvent) -> Promise<WebSocket>
 *   node bench/real/bare.js <broker> <trades|book> SYMBOL...   (NDJSON on stdout, one write per frame)
 */
const WebSocket = require('ws');

async function post(url, body) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return res.json();
}

const KST_DATE = () => new Date(Date.now() + 9 * 3600e3).toISOString().slice(0, 10);

/** Kiwoom: token over REST, LOGIN, REG; 0B → trade, 0D → book. */
async function kiwoom(kind, env, symbols, onEvent) {
  const { token } = await post(`${env.KIWOOM_REST_URL}/oauth2/token`, {
    grant_type: 'client_credentials',
    appkey: env.KIWOOM_APPKEY,
    secretkey: env.KIWOOM_SECRETKEY,
  });
  const ws = new WebSocket(env.KIWOOM_WS_URL);
  const type = kind === 'trades' ? '0B' : '0D';
  const date = KST_DATE();
  ws.on('open', () => ws.send(JSON.stringify({ trnm: 'LOGIN', token })));
  ws.on('message', (data) => {
    const msg = JSON.parse(data.toString());
    if (msg.trnm === 'REAL') {
      const entries = msg.data;
      for (let i = 0; i < entries.length; i++) {
        const e = entries[i];
        const v = e.values;
        if (e.type === '0B') {
          const p = v['10'];
          const q = v['15'];
          const t = v['20'];
          const time = `${date}T${t.slice(0, 2)}:${t.slice(2, 4)}:${t.slice(4, 6)}+09:00`;
          onEvent({
            kind: 'trade',
            broker: 'kiwoom',
            symbol: e.item,
            price: Math.abs(Number(p)),
            size: Math.abs(Number(q)),
            side: q[0] === '+' ? 'buy' : 'sell',
            time,
            timestamp: Date.parse(time),
          });
        } else if (e.type === '0D') {
          const asks = [];
          const bids = [];
          for (let l = 0; l < 10; l++) {
            const ap = v[String(41 + l)];
            if (ap) asks.push({ price: Math.abs(Number(ap)), size: Number(v[String(61 + l)]) });
            const bp = v[String(51 + l)];
            if (bp) bids.push({ price: Math.abs(Number(bp)), size: Number(v[String(71 + l)]) });
          }
          onEvent({ kind: 'book', broker: 'kiwoom', symbol: e.item, bids, asks });
        }
      }
    } else if (msg.trnm === 'LOGIN') {
      ws.send(JSON.stringify({ trnm: 'REG', grp_no: '1', refresh: '1', data: [{ item: symbols, type: [type] }] }));
    } else if (msg.trnm === 'PING') {
      ws.send(data.toString());
    }
  });
  return ws;
}

/** KIS: approval key over REST, one subscribe per symbol; H0STCNT0 → trade, H0STASP0 → book. */
async function kis(kind, env, symbols, onEvent) {
  const { approval_key } = await post(`${env.KIS_REST_URL}/oauth2/Approval`, {
    grant_type: 'client_credentials',
    appkey: env.KIS_APPKEY,
    secretkey: env.KIS_APPSECRET,
  });
  const ws = new WebSocket(env.KIS_WS_URL);
  const trId = kind === 'trades' ? 'H0STCNT0' : 'H0STASP0';
  ws.on('open', () => {
    for (const s of symbols) {
      ws.send(
        JSON.stringify({
          header: { approval_key, custtype: 'P', tr_type: '1', 'content-type': 'utf-8' },
          body: { input: { tr_id: trId, tr_key: s } },
        }),
      );
    }
  });
  ws.on('message', (data) => {
    const text = data.toString();
    if (text[0] !== '0') {
      if (text.includes('PINGPONG')) ws.send(text);
      return;
    }
    const parts = text.split('|');
    const count = Number(parts[2]);
    const f = parts[3].split('^');
    if (parts[1] === 'H0STCNT0') {
      const width = f.length / count;
      for (let r = 0; r < count; r++) {
        const o = r * width;
        const t = f[o + 1];
        const d = f[o + 33];
        const time = `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}T${t.slice(0, 2)}:${t.slice(2, 4)}:${t.slice(4, 6)}+09:00`;
        onEvent({
          kind: 'trade',
          broker: 'kis',
          symbol: f[o],
          price: Number(f[o + 2]),
          size: Number(f[o + 12]),
          side: f[o + 21] === '1' ? 'buy' : 'sell',
          time,
          timestamp: Date.parse(time),
        });
      }
    } else if (parts[1] === 'H0STASP0') {
      const asks = [];
      const bids = [];
      for (let l = 0; l < 10; l++) {
        asks.push({ price: Number(f[3 + l]), size: Number(f[23 + l]) });
        bids.push({ price: Number(f[13 + l]), size: Number(f[33 + l]) });
      }
      onEvent({ kind: 'book', broker: 'kis', symbol: f[0], bids, asks });
    }
  });
  return ws;
}

/** WEEX public: SUBSCRIBE; trade pushes → trades, depth15 snapshot + deltas → a kept book. */
async function weex(kind, env, symbols, onEvent) {
  const ws = new WebSocket(env.WEEX_WS_PUBLIC_URL, { headers: { 'User-Agent': 'bare-bench' } });
  const streams = symbols.map((s) => `${s}@${kind === 'trades' ? 'trade' : 'depth15'}`);
  const books = new Map();
  ws.on('open', () => ws.send(JSON.stringify({ id: '1', method: 'SUBSCRIBE', params: streams })));
  ws.on('message', (data) => {
    const msg = JSON.parse(data.toString());
    if (msg.e === 'trade') {
      for (const t of msg.d) {
        onEvent({
          kind: 'trade',
          broker: 'weex',
          symbol: msg.s,
          price: Number(t.p),
          size: Number(t.q),
          side: t.m ? 'sell' : 'buy',
          time: new Date(t.T).toISOString(),
          timestamp: t.T,
          tradeId: t.t,
        });
      }
    } else if (msg.e === 'depthSnapshot' || msg.e === 'depth') {
      let book = books.get(msg.s);
      if (!book || msg.e === 'depthSnapshot') books.set(msg.s, (book = { bids: new Map(), asks: new Map() }));
      for (const [p, q] of msg.b) q === '0' || Number(q) === 0 ? book.bids.delete(Number(p)) : book.bids.set(Number(p), Number(q));
      for (const [p, q] of msg.a) q === '0' || Number(q) === 0 ? book.asks.delete(Number(p)) : book.asks.set(Number(p), Number(q));
      const top = (m, dir) =>
        [...m]
          .sort((x, y) => dir * (x[0] - y[0]))
          .slice(0, 15)
          .map(([price, size]) => ({ price, size }));
      onEvent({ kind: 'book', broker: 'weex', symbol: msg.s, bids: top(book.bids, -1), asks: top(book.asks, 1) });
    } else if (msg.event === 'ping' || msg.method === 'PING') {
      ws.send(JSON.stringify({ id: msg.id, method: 'PONG' }));
    }
  });
  return ws;
}

function connectBare(broker, kind, env, symbols, onEvent) {
  const connect = { kiwoom, kis, weex }[broker];
  if (!connect) throw new Error(`no bare client for ${broker}`);
  return connect(kind, env, symbols, onEvent);
}

module.exports = { connectBare };

if (require.main === module) {
  const [broker, kind, ...symbols] = process.argv.slice(2);
  // One write per socket frame: the lines of a frame are joined, as a careful hand-written client would.
  let pending = '';
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    const out = pending;
    pending = '';
    process.stdout.write(out);
  };
  connectBare(broker, kind, process.env, symbols, (event) => {
    pending += `${JSON.stringify(event)}\n`;
    if (!scheduled) {
      scheduled = true;
      queueMicrotask(flush);
    }
  }).catch((err) => {
    process.stderr.write(`bare: ${err.message}\n`);
    process.exit(1);
  });
  process.stdout.on('error', () => process.exit(0));
}
