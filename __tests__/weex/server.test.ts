import WebSocket from 'ws';
import { startWeexServer, checkSignature, WeexServer } from '../../src/app/servers/weex/server';
import { privateHeaders } from '../../src/brokers/weex/auth';

let server: WeexServer;
afterEach(() => server?.close());

/** Opens a raw client; resolves with the socket, or with the refusal's status and body. */
function connect(url: string, headers: Record<string, string>): Promise<{ ws?: WebSocket; status?: number; body?: string }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers });
    ws.on('open', () => resolve({ ws }));
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode, body }));
    });
    ws.on('error', () => undefined);
  });
}

function inbox(ws: WebSocket): { frames: any[]; next: (pred: (f: any) => boolean) => Promise<any> } {
  const frames: any[] = [];
  const waiters: { pred: (f: any) => boolean; resolve: (f: any) => void }[] = [];
  ws.on('message', (d) => {
    const f = JSON.parse(d.toString());
    frames.push(f);
    for (const w of [...waiters])
      if (w.pred(f)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(f);
      }
  });
  return {
    frames,
    next: (pred) => {
      const found = frames.find(pred);
      return found ? Promise.resolve(found) : new Promise((resolve) => waiters.push({ pred, resolve }));
    },
  };
}

const UA = { 'User-Agent': 'test' };

describe('WEEX loopback server', () => {
  it('requires a User-Agent and a known path', async () => {
    server = await startWeexServer();
    expect((await connect(server.publicUrl, {})).status).toBe(400);
    expect((await connect(server.publicUrl.replace('/v3/ws/public', '/v2/ws/public'), UA)).status).toBe(404);
    expect(server.upgrades.map((u) => u.status)).toEqual([400, 404]);
  });

  it('checks the private signature and says why it refuses, with WEEX codes', async () => {
    server = await startWeexServer();
    const creds = { apiKey: server.env.WEEX_API_KEY, secretKey: server.env.WEEX_SECRET_KEY, passphrase: server.env.WEEX_PASSPHRASE };
    const good = await connect(server.privateUrl, { ...UA, ...privateHeaders(creds, '/v3/ws/private', Date.now()) });
    expect(good.ws).toBeDefined();
    good.ws!.close();
    const none = await connect(server.privateUrl, UA);
    expect([none.status, JSON.parse(none.body!).code]).toEqual([401, '40001']);
    const old = await connect(server.privateUrl, { ...UA, ...privateHeaders(creds, '/v3/ws/private', Date.now() - 60_000) });
    expect(JSON.parse(old.body!).code).toBe('40008');
    const v2 = await connect(server.privateUrl, { ...UA, ...privateHeaders(creds, '/v2/ws/private', Date.now()) });
    expect(JSON.parse(v2.body!).code).toBe('40009');
    const phrase = await connect(server.privateUrl, {
      ...UA,
      ...privateHeaders({ ...creds, passphrase: 'nope' }, '/v3/ws/private', Date.now()),
    });
    expect(JSON.parse(phrase.body!).code).toBe('40012');
  });

  it('acks subscriptions, sends a depth snapshot then deltas, and refuses bad streams', async () => {
    server = await startWeexServer({ symbols: ['BTCUSDT'] });
    server.setBook('BTCUSDT', { bids: [{ price: 99, size: 1 }], asks: [{ price: 101, size: 2 }] });
    const { ws } = await connect(server.publicUrl, UA);
    const box = inbox(ws!);
    ws!.send(JSON.stringify({ id: '1', method: 'SUBSCRIBE', params: ['BTCUSDT@depth15'] }));
    expect(await box.next((f) => f.id === '1')).toEqual({ id: '1', result: true });
    expect(await box.next((f) => f.e === 'depthSnapshot')).toMatchObject({
      s: 'BTCUSDT',
      U: 2,
      u: 2,
      l: 15,
      b: [['99', '1']],
      a: [['101', '2']],
    });
    server.changeBook('BTCUSDT', {
      bids: [
        { price: 99, size: 0 },
        { price: 98, size: 3 },
      ],
    });
    expect(await box.next((f) => f.e === 'depth')).toMatchObject({
      U: 3,
      u: 4,
      b: [
        ['99', '0'],
        ['98', '3'],
      ],
      a: [],
    });
    server.injectGap('BTCUSDT', 5);
    server.changeBook('BTCUSDT', { asks: [{ price: 102, size: 1 }] });
    expect(await box.next((f) => f.e === 'depth' && f.U > 4)).toMatchObject({ U: 10, u: 10 });
    ws!.send(JSON.stringify({ id: '2', method: 'SUBSCRIBE', params: ['BTCUSDT@trade', 'XYZ@trade'] }));
    expect(await box.next((f) => f.id === '2')).toEqual({ id: '2', result: false, msg: 'INVALID_ARGUMENT: invalid symbol : XYZ' });
    ws!.send(JSON.stringify({ id: '3', method: 'UNSUBSCRIBE', params: ['BTCUSDT@depth15'] }));
    expect(await box.next((f) => f.id === '3')).toEqual({ id: '3', result: true });
    expect(server.subscribedStreams()).toEqual([]);
    ws!.close();
  });

  it('keeps only the top N levels of a depth view and sends what enters and leaves it', async () => {
    server = await startWeexServer();
    server.setBook('ETHUSDT', { bids: Array.from({ length: 16 }, (_, i) => ({ price: 100 - i, size: 1 })), asks: [] });
    const { ws } = await connect(server.publicUrl, UA);
    const box = inbox(ws!);
    ws!.send(JSON.stringify({ id: '1', method: 'SUBSCRIBE', params: ['ETHUSDT@depth15'] }));
    expect((await box.next((f) => f.e === 'depthSnapshot')).b).toHaveLength(15);
    server.changeBook('ETHUSDT', { bids: [{ price: 100, size: 0 }] }); // level 85 enters the top 15
    expect((await box.next((f) => f.e === 'depth')).b).toEqual([
      ['100', '0'],
      ['85', '1'],
    ]);
    ws!.close();
  });

  it('pings in the form of each side, answers public PONGs, and closes after missed pongs', async () => {
    server = await startWeexServer({ pingIntervalMs: 20, maxMissedPongs: 1 });
    const { ws } = await connect(server.publicUrl, UA);
    const box = inbox(ws!);
    const ping = await box.next((f) => f.event === 'ping');
    expect(typeof ping.time).toBe('string');
    ws!.send(JSON.stringify({ id: '9', method: 'PONG' }));
    expect(await box.next((f) => f.method === 'PONG')).toEqual({ id: '9', method: 'PONG' });
    expect(server.pongs()).toBe(1);
    const code = await new Promise<number>((resolve) => ws!.on('close', (c) => resolve(c)));
    expect(code).toBe(4000);

    const creds = { apiKey: server.env.WEEX_API_KEY, secretKey: server.env.WEEX_SECRET_KEY, passphrase: server.env.WEEX_PASSPHRASE };
    const priv = await connect(server.privateUrl, { ...UA, ...privateHeaders(creds, '/v3/ws/private', Date.now()) });
    const privBox = inbox(priv.ws!);
    expect(await privBox.next((f) => f.type === 'ping')).toMatchObject({ type: 'ping' });
    priv.ws!.close();
  });

  it('checkSignature accepts exactly the documented prehash', () => {
    const creds = { apiKey: 'k', secretKey: 's', passphrase: 'p' };
    const now = 1_776_000_000_000;
    const headers = (h: Record<string, string>) => Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));
    expect(checkSignature(headers(privateHeaders(creds, '/v3/ws/private', now)), creds, '/v3/ws/private', now, 30_000)).toBeUndefined();
    expect(checkSignature(headers(privateHeaders(creds, '/v3/ws/private', now)), creds, '/v3/ws/private', now + 31_000, 30_000)?.code).toBe(
      '40008',
    );
  });
});
