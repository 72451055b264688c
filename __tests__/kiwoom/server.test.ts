/** The loopback server's own fidelity, driven by a bare `ws` client (no library code in the way). */
import WebSocket from 'ws';
import { KiwoomServer, startKiwoomServer } from '../../src/testing';
import { sampleEntries } from '../../src/app/servers/kiwoom/samples';

let server: KiwoomServer;
const sockets: WebSocket[] = [];

afterEach(async () => {
  for (const s of sockets.splice(0)) s.terminate();
  await server?.close();
});

/** A raw client: every frame it receives, and whether it was closed. */
async function connect(): Promise<{ ws: WebSocket; frames: Record<string, unknown>[]; closed: () => boolean; send: (m: unknown) => void }> {
  const ws = new WebSocket(server.wsUrl);
  sockets.push(ws);
  const frames: Record<string, unknown>[] = [];
  let closed = false;
  ws.on('message', (d) => frames.push(JSON.parse(d.toString()) as Record<string, unknown>));
  ws.on('close', () => (closed = true));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return { ws, frames, closed: () => closed, send: (m) => ws.send(typeof m === 'string' ? m : JSON.stringify(m)) };
}

async function token(appkey = server.env.KIWOOM_APPKEY, secretkey = server.env.KIWOOM_SECRETKEY): Promise<Record<string, unknown>> {
  const res = await fetch(`${server.restUrl}/oauth2/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json;charset=UTF-8' },
    body: JSON.stringify({ grant_type: 'client_credentials', appkey, secretkey }),
  });
  return (await res.json()) as Record<string, unknown>;
}

describe('kiwoom loopback server', () => {
  it('issues tokens with a KST expires_dt for its keys only', async () => {
    server = await startKiwoomServer({ pingIntervalMs: 0, tokenTtlMs: 3600_000, clock: () => Date.parse('2026-11-20T10:00:00+09:00') });
    const ok = await token();
    expect(ok).toMatchObject({ return_code: 0, token_type: 'bearer', expires_dt: '20261120110000' });
    expect(typeof ok.token).toBe('string');
    const bad = await token('nope', 'nope');
    expect(bad).toMatchObject({ return_code: 3 });
    expect(server.counters).toMatchObject({ tokenRequests: 2, tokensIssued: 1 });
  });

  it('answers requests before LOGIN with 100013 and ignores them', async () => {
    server = await startKiwoomServer({ pingIntervalMs: 0 });
    const c = await connect();
    c.send({ trnm: 'REG', grp_no: '1', refresh: '1', data: [{ item: ['005930'], type: ['0B'] }] });
    await server.waitFor(() => c.frames.length === 1);
    expect(c.frames[0]).toMatchObject({ trnm: 'REG', return_code: 100013 });
    expect(server.registrations()).toEqual([]);
    expect(server.counters.regs).toBe(0);
  });

  it('logs in with a valid token; rejects an unknown one with 805004 (CODE=8005) and closes', async () => {
    server = await startKiwoomServer({ pingIntervalMs: 0 });
    const good = await connect();
    good.send({ trnm: 'LOGIN', token: (await token()).token });
    await server.waitFor(() => good.frames.length === 1);
    expect(good.frames[0]).toEqual({ trnm: 'LOGIN', return_code: 0, return_msg: '', sor_yn: 'Y' });

    const bad = await connect();
    bad.send({ trnm: 'LOGIN', token: 'forged' });
    await server.waitFor(() => bad.closed());
    expect(bad.frames[0]).toMatchObject({ trnm: 'LOGIN', return_code: 805004 });
    expect(String(bad.frames[0].return_msg)).toMatch(/CODE=8005/);
  });

  it('sends PINGs and closes a client that leaves them unanswered with SYSTEM R10002', async () => {
    server = await startKiwoomServer({ pingIntervalMs: 10, maxMissedPings: 2 });
    const c = await connect();
    c.send({ trnm: 'LOGIN', token: (await token()).token });
    await server.waitFor(() => c.closed());
    const trnms = c.frames.map((f) => f.trnm);
    expect(trnms.filter((t) => t === 'PING').length).toBeGreaterThanOrEqual(2);
    expect(c.frames[c.frames.length - 1]).toMatchObject({ trnm: 'SYSTEM', code: 'R10002' });
  });

  it('closes a socket that never logs in with SYSTEM R10004 when asked to', async () => {
    server = await startKiwoomServer({ pingIntervalMs: 0, loginTimeoutMs: 20 });
    const c = await connect();
    await server.waitFor(() => c.closed());
    expect(c.frames).toEqual([{ trnm: 'SYSTEM', code: 'R10004', message: '접속허용요청(토큰)이 들어오지 않았습니다' }]);
  });

  it('acks REG/REMOVE, refuses configured items, and publishes only to registered keys', async () => {
    server = await startKiwoomServer({ pingIntervalMs: 0 });
    server.rejectItem('999999', 1, '등록 종목수 초과');
    const c = await connect();
    c.send({ trnm: 'LOGIN', token: (await token()).token });
    c.send({ trnm: 'REG', grp_no: '2', refresh: '1', data: [{ item: ['005930', '000660'], type: ['0B', '0D'] }] });
    c.send({ trnm: 'REG', grp_no: '2', refresh: '1', data: [{ item: ['999999'], type: ['0B'] }] });
    c.send({ trnm: 'REMOVE', grp_no: '2', data: [{ item: ['000660'], type: ['0D'] }] });
    await server.waitFor(() => c.frames.length === 4);
    expect(c.frames.slice(1)).toEqual([
      { trnm: 'REG', return_code: 0, return_msg: '' },
      { trnm: 'REG', return_code: 1, return_msg: '등록 종목수 초과' },
      { trnm: 'REMOVE', return_code: 0, return_msg: '' },
    ]);
    expect(server.registrations().sort()).toEqual(['0B|000660', '0B|005930', '0D|005930']);
    expect([...server.subscribedSymbols()].sort()).toEqual(['000660', '005930']);

    const at = { time: '2026-11-20T09:01:01+09:00', timestamp: Date.parse('2026-11-20T09:01:01+09:00') };
    server.publish({ kind: 'trade', broker: 'kiwoom', symbol: '035720', price: 1, size: 1, ...at, raw: {} });
    server.publish({
      kind: 'trade',
      broker: 'kiwoom',
      symbol: '005930',
      price: 60700,
      size: 500,
      side: 'buy',
      direction: 'down',
      ...at,
      raw: {},
    });
    await server.waitFor(() => c.frames.length === 5);
    expect(c.frames[4]).toMatchObject({
      trnm: 'REAL',
      data: [{ type: '0B', name: '주식체결', item: '005930', values: { '20': '090101', '10': '-60700', '15': '+500', '13': '500' } }],
    });
    // Every FID of the official sample, in its order.
    const values = (c.frames[4].data as { values: Record<string, string> }[])[0].values;
    expect(Object.keys(values)).toEqual(Object.keys(sampleEntries['0B'].values));
  });

  it('CNSRREQ gets no answer before a CNSRLST on the connection; unknown seqs get 900004', async () => {
    server = await startKiwoomServer({ pingIntervalMs: 0 });
    const c = await connect();
    c.send({ trnm: 'LOGIN', token: (await token()).token });
    c.send({ trnm: 'CNSRREQ', seq: '1', search_type: '1', stex_tp: 'K' });
    c.send({ trnm: 'CNSRLST' });
    c.send({ trnm: 'CNSRREQ', seq: '7', search_type: '1', stex_tp: 'K' });
    await server.waitFor(() => c.frames.length === 3);
    expect(c.frames.map((f) => [f.trnm, f.return_code])).toEqual([
      ['LOGIN', 0],
      ['CNSRLST', 0],
      ['CNSRREQ', 900004],
    ]);
  });
  it('refresh "0" releases what the group held before registering; "1" adds', async () => {
    server = await startKiwoomServer({ pingIntervalMs: 0 });
    const c = await connect();
    c.send({ trnm: 'LOGIN', token: (await token()).token });
    c.send({ trnm: 'REG', grp_no: '1', refresh: '1', data: [{ item: [''], type: ['00'] }] });
    c.send({ trnm: 'REG', grp_no: '2', refresh: '1', data: [{ item: ['005930'], type: ['0B', '0D'] }] });
    c.send({ trnm: 'REG', grp_no: '2', refresh: '1', data: [{ item: ['000660'], type: ['0B'] }] });
    await server.waitFor(() => c.frames.length === 4);
    expect(server.groups()).toEqual([{ '1': ['00|'], '2': ['0B|000660', '0B|005930', '0D|005930'] }]);
    c.send({ trnm: 'REG', grp_no: '2', refresh: '0', data: [{ item: ['035720'], type: ['0B'] }] });
    await server.waitFor(() => c.frames.length === 5);
    expect(c.frames[4]).toEqual({ trnm: 'REG', return_code: 0, return_msg: '' });
    // The other group keeps its keys; group 2 holds only what the refresh-0 REG named.
    expect(server.groups()).toEqual([{ '1': ['00|'], '2': ['0B|035720'] }]);
  });

  it('refuses a REG that would put more than 100 items in a group, registering none of it', async () => {
    server = await startKiwoomServer({ pingIntervalMs: 0 });
    const c = await connect();
    c.send({ trnm: 'LOGIN', token: (await token()).token });
    const items = (from: number, n: number) => Array.from({ length: n }, (_, i) => String(from + i).padStart(6, '0'));
    c.send({ trnm: 'REG', grp_no: '2', refresh: '1', data: [{ item: items(1, 100), type: ['0B', '0D'] }] });
    c.send({ trnm: 'REG', grp_no: '2', refresh: '1', data: [{ item: items(101, 1), type: ['0B'] }] });
    c.send({ trnm: 'REG', grp_no: '3', refresh: '1', data: [{ item: items(101, 1), type: ['0B'] }] });
    await server.waitFor(() => c.frames.length === 4);
    expect(c.frames.slice(1).map((f) => f.return_code)).toEqual([0, 1, 0]);
    expect(c.frames[2].return_msg).toBe('등록 종목수 초과');
    expect(server.registrations()).toHaveLength(201);
  });

  it('one session per app key: a second LOGIN ends the older session with SYSTEM R10001', async () => {
    server = await startKiwoomServer({ pingIntervalMs: 0 });
    const first = await connect();
    first.send({ trnm: 'LOGIN', token: (await token()).token });
    await server.waitFor(() => first.frames.length === 1);
    const second = await connect();
    second.send({ trnm: 'LOGIN', token: (await token()).token });
    await server.waitFor(() => first.closed() && second.frames.length === 1);
    expect(first.frames[1]).toEqual({
      trnm: 'SYSTEM',
      code: 'R10001',
      message: '동일한 App key로 접속이 되었습니다. 기존 세션은 종료가 됩니다',
    });
    expect(second.frames[0]).toMatchObject({ trnm: 'LOGIN', return_code: 0 });
    expect(second.closed()).toBe(false);
    expect(server.loggedIn()).toBe(1);
  });

  it('batches the entries of one moment into one REAL frame, signed against the previous close', async () => {
    server = await startKiwoomServer({ pingIntervalMs: 0 });
    const c = await connect();
    c.send({ trnm: 'LOGIN', token: (await token()).token });
    c.send({ trnm: 'REG', grp_no: '2', refresh: '1', data: [{ item: ['005930'], type: ['0B', '0D', '0C'] }] });
    await server.waitFor(() => c.frames.length === 2);
    server.setPreviousClose('005930', 70_000);
    const at = { time: '2026-11-20T09:01:01+09:00', timestamp: Date.parse('2026-11-20T09:01:01+09:00'), raw: {} };
    const s = { broker: 'kiwoom', symbol: '005930', ...at };
    server.publish({ kind: 'book', ...s, asks: [{ price: 70_100, size: 5 }], bids: [{ price: 69_900, size: 7 }] });
    server.publish({ kind: 'trade', ...s, price: 70_100, size: 5, side: 'buy' });
    server.publish({ kind: 'book', ...s, asks: [{ price: 70_200, size: 3 }], bids: [{ price: 69_900, size: 7 }] });
    server.publish({ kind: 'quote', ...s, bestAsk: 70_200, bestBid: 69_900 });
    await server.waitFor(() => c.frames.length === 3);
    const data = c.frames[2].data as { type: string; values: Record<string, string> }[];
    expect(data.map((e) => e.type)).toEqual(['0D', '0B', '0D', '0C']);
    expect(data[0].values).toMatchObject({ '41': '+70100', '51': '-69900', '61': '5', '71': '7', '42': '0', '121': '5', '125': '7' });
    expect(data[1].values).toMatchObject({
      '10': '+70100',
      '11': '+100',
      '12': '+0.14',
      '15': '+5',
      '13': '5',
      '25': '2',
      '27': '+70100',
      '28': '-69900',
    });
    expect(data[2].values).toMatchObject({ '41': '+70200', '61': '3', '81': '+3', '91': '0', '122': '-2' });
    expect(data[3].values).toEqual({ '27': '+70200', '28': '-69900' });
    expect(Object.keys(data[0].values).sort()).toEqual(Object.keys(sampleEntries['0D'].values).sort());
  });
});
