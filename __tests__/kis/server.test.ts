import WebSocket from 'ws';
import { KisServer, startKisServer } from '../../src/testing';
import { decryptPayload } from '../../src/brokers/kis/wire/cipher';
import { parseEnvelope } from '../../src/brokers/kis/wire/envelope';
import { layouts } from '../../src/brokers/kis/wire/fields';

/** A bare client: sends requests, collects every frame. */
class Client {
  readonly frames: string[] = [];
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (d) => this.frames.push(d.toString()));
  }
  static async open(url: string): Promise<Client> {
    const ws = new WebSocket(url);
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    return new Client(ws);
  }
  request(approvalKey: string, trType: '1' | '2', trId: string, trKey: string): void {
    this.ws.send(
      JSON.stringify({
        header: { approval_key: approvalKey, custtype: 'P', tr_type: trType, 'content-type': 'utf-8' },
        body: { input: { tr_id: trId, tr_key: trKey } },
      }),
    );
  }
  async next(count = 1): Promise<string[]> {
    const start = Date.now();
    while (this.frames.length < count && Date.now() - start < 3_000) await new Promise((r) => setTimeout(r, 5));
    return this.frames.splice(0, count);
  }
  close(): void {
    this.ws.terminate();
  }
}

async function approval(server: KisServer, secret = server.appSecret): Promise<{ status: number; body: Record<string, string> }> {
  const res = await fetch(`${server.restUrl}/oauth2/Approval`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ grant_type: 'client_credentials', appkey: server.appKey, secretkey: secret }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, string> };
}

describe('KIS loopback server', () => {
  let server: KisServer;
  const clients: Client[] = [];
  const connect = async () => {
    const c = await Client.open(server.wsUrl);
    clients.push(c);
    return c;
  };
  beforeEach(async () => {
    server = await startKisServer();
  });
  afterEach(async () => {
    clients.splice(0).forEach((c) => c.close());
    await server.close();
  });

  it('issues approval keys for the right credentials only', async () => {
    expect((await approval(server)).body.approval_key).toBeDefined();
    const refused = await approval(server, 'wrong');
    expect(refused.status).toBe(403);
    expect(refused.body.error_code).toBe('EGW00103');
    expect(server.counters).toMatchObject({ approvals: 1, approvalsRefused: 1 });
    // The access-token endpoint exists (REST catch-up) and refuses a body without the keys.
    expect((await fetch(`${server.restUrl}/oauth2/tokenP`, { method: 'POST' })).status).toBe(403);
    expect((await fetch(`${server.restUrl}/oauth2/nothing`, { method: 'POST' })).status).toBe(404);
  });

  it('answers register and release with the documented codes, key/iv on success', async () => {
    const key = (await approval(server)).body.approval_key;
    const c = await connect();
    c.request(key, '1', 'H0STCNT0', '005930');
    c.request(key, '1', 'H0STCNT0', '005930');
    c.request(key, '2', 'H0STCNT0', '005930');
    c.request(key, '2', 'H0STCNT0', '005930');
    c.request(key, '1', 'H0XXXXX0', '005930');
    c.request(key, '1', 'H0STCNI0', 'someone-else');
    c.request('unknown-key', '1', 'H0STCNT0', '000660');
    const replies = (await c.next(7)).map(
      (f) => JSON.parse(f).body as { msg_cd: string; rt_cd: string; output?: { key: string; iv: string } },
    );
    expect(replies.map((r) => r.msg_cd)).toEqual(['OPSP0000', 'OPSP0002', 'OPSP0001', 'OPSP0003', 'OPSP8991', 'OPSP8992', 'OPSP0011']);
    expect(replies[0].rt_cd).toBe('0');
    expect(replies[0].output!.key).toHaveLength(32);
    expect(replies[0].output!.iv).toHaveLength(16);
  });

  it('refuses the 42nd registration with OPSP0008 MAX SUBSCRIBE OVER', async () => {
    const key = (await approval(server)).body.approval_key;
    const c = await connect();
    for (let i = 0; i < 42; i++) c.request(key, '1', 'H0STCNT0', String(100000 + i));
    const replies = (await c.next(42)).map((f) => JSON.parse(f));
    expect(replies.slice(0, 41).every((r) => r.body.msg_cd === 'OPSP0000')).toBe(true);
    expect(replies[41].body).toMatchObject({ msg_cd: 'OPSP0008', msg1: 'MAX SUBSCRIBE OVER' });
    expect(replies[41].header).toMatchObject({ tr_id: 'H0STCNT0', tr_key: '100041' });
  });

  it('refuses a second concurrent session of the same app key with OPSP8996', async () => {
    const key = (await approval(server)).body.approval_key;
    const a = await connect();
    a.request(key, '1', 'H0STCNT0', '005930');
    await a.next();
    const b = await connect();
    b.request(key, '1', 'H0STCNT0', '000660');
    const [reply] = await b.next();
    expect(JSON.parse(reply)).toMatchObject({ header: { tr_id: '(null)' }, body: { rt_cd: '9', msg_cd: 'OPSP8996' } });
    await server.waitFor((s) => s.clientCount === 1);
  });

  it('drops a connection that does not echo PINGPONG, keeps one that does', async () => {
    await server.close();
    // The timeout is generous so the echoing client never misses it on a busy machine.
    server = await startKisServer({ pingIntervalMs: 20, pingTimeoutMs: 250 });
    const silent = await connect();
    const silentClosed = new Promise<void>((resolve) => silent.ws.once('close', () => resolve()));
    const echoing = await connect();
    echoing.ws.on('message', (d) => {
      const text = d.toString();
      if (text.includes('PINGPONG')) echoing.ws.send(text);
    });
    // KIS's own samples answer with a pong control frame carrying the text: accepted as well.
    const ponging = await connect();
    ponging.ws.on('message', (d) => {
      const text = d.toString();
      if (text.includes('PINGPONG')) ponging.ws.pong(text);
    });
    await server.waitFor((s) => s.counters.pingTimeouts === 1 && s.counters.pongs >= 6);
    // The server dropped it; the client learns of it a moment later.
    await silentClosed;
    expect(echoing.ws.readyState).toBe(WebSocket.OPEN);
    expect(ponging.ws.readyState).toBe(WebSocket.OPEN);
    // What the silent client was sent: PINGPONGs (a loaded machine may drop the unread one with the socket).
    expect(silent.frames.every((f) => JSON.parse(f).header.tr_id === 'PINGPONG')).toBe(true);
    expect(server.counters.pingsSent).toBeGreaterThanOrEqual(3);
  });

  it('publishes model events as frames to the connections that registered them; notices encrypted', async () => {
    const key = (await approval(server)).body.approval_key;
    const c = await connect();
    c.request(key, '1', 'H0STCNT0', '005930');
    c.request(key, '1', 'H0STCNI0', server.htsId);
    const acks = (await c.next(2)).map(
      (f) => JSON.parse(f) as { header: { encrypt: string }; body: { output: { key: string; iv: string } } },
    );
    // The official client decrypts a tr_id's frames only when its ack says encrypt "Y".
    expect(acks.map((a) => a.header.encrypt)).toEqual(['N', 'Y']);
    const notice = acks[1].body;
    const time = { time: '2026-03-05T09:01:02+09:00', timestamp: Date.parse('2026-03-05T09:01:02+09:00') };
    server.publish({ kind: 'trade', broker: 'x', symbol: '000660', price: 1, size: 1, ...time, raw: undefined }); // not registered
    server.publish({ kind: 'trade', broker: 'x', symbol: '005930', price: 71900, size: 3, side: 'sell', ...time, raw: undefined });
    server.publish({
      kind: 'order',
      broker: 'x',
      symbol: '005930',
      orderId: '77',
      side: 'buy',
      status: 'accepted',
      orderQty: 5,
      orderPrice: 70000,
      filledQty: 0,
      unfilledQty: 5,
      ...time,
      raw: undefined,
    });
    const [tradeFrame, noticeFrame] = await c.next(2);
    const trade = parseEnvelope(tradeFrame);
    expect(trade).toMatchObject({ type: 'data', envelope: { encrypted: false, trId: 'H0STCNT0', count: 1 } });
    const values = (trade as { envelope: { payload: string } }).envelope.payload.split('^');
    expect(values).toHaveLength(46);
    expect([values[0], values[1], values[2], values[12], values[21], values[33]]).toEqual([
      '005930',
      '090102',
      '71900',
      '3',
      '5',
      '20260305',
    ]);
    const env = parseEnvelope(noticeFrame);
    expect(env).toMatchObject({ type: 'data', envelope: { encrypted: true, trId: 'H0STCNI0', count: 1 } });
    const plain = decryptPayload((env as { envelope: { payload: string } }).envelope.payload, notice.output).split('^');
    expect(plain).toHaveLength(26);
    expect([plain[0], plain[2], plain[4], plain[9], plain[13], plain[16]]).toEqual([
      server.htsId,
      '77',
      '02',
      '0000000005',
      '1',
      '000000005',
    ]);
    expect(server.subscribedSymbols()).toEqual(['005930']);
    expect(server.counters.dataFramesSent).toBe(2);
  });

  it('gives every connection its own key/iv', async () => {
    const key = (await approval(server)).body.approval_key;
    const a = await connect();
    a.request(key, '1', 'H0STCNT0', '005930');
    await a.next();
    a.close();
    await server.waitFor((s) => s.clientCount === 0);
    const b = await connect();
    b.request(key, '1', 'H0STCNT0', '005930');
    await b.next();
    expect(server.ciphers).toHaveLength(2);
    expect(server.ciphers[0].key).not.toBe(server.ciphers[1].key);
  });

  it('points kisFromEnv at itself', () => {
    expect(server.env).toEqual({
      KIS_APPKEY: server.appKey,
      KIS_APPSECRET: server.appSecret,
      KIS_HTS_ID: 'testhts',
      KIS_ENV: 'real',
      KIS_REST_URL: server.restUrl,
      KIS_WS_URL: server.wsUrl,
    });
  });

  it('sends PINGPONG by default', async () => {
    const c = await connect();
    expect(server.counters.pingsSent).toBe(0);
    // The default period is ~10 s; ping() is what the timer calls.
    server.ping();
    const [ping] = await c.next();
    expect(JSON.parse(ping)).toEqual({ header: { tr_id: 'PINGPONG', datetime: expect.stringMatching(/^\d{14}$/) } });
  });

  it('keeps trade, book and cumulative fields consistent at every moment', async () => {
    const key = (await approval(server)).body.approval_key;
    const c = await connect();
    c.request(key, '1', 'H0STCNT0', '005930');
    c.request(key, '1', 'H0STASP0', '005930');
    c.request(key, '1', 'H0STMKO0', '005930');
    await c.next(3);
    server.setPreviousClose('005930', 72_000);
    const at = (s: number) => ({
      time: `2026-03-05T09:01:0${s}+09:00`,
      timestamp: Date.parse(`2026-03-05T09:01:0${s}+09:00`),
      raw: undefined,
    });
    const base = { broker: 'kis', symbol: '005930' };
    server.publish({
      kind: 'book',
      ...base,
      ...at(1),
      asks: [
        { price: 71_900, size: 10 },
        { price: 72_000, size: 4 },
      ],
      bids: [{ price: 71_800, size: 6 }],
    });
    server.publish({ kind: 'trade', ...base, ...at(2), price: 71_900, size: 3, side: 'buy' });
    server.publish({ kind: 'trade', ...base, ...at(3), price: 71_800, size: 2, side: 'sell' });
    server.publish({ kind: 'status', ...base, symbol: '', ...at(4), phase: 'preClose', code: '2' });
    const frames = await c.next(4);
    const records = frames.map((f) => (parseEnvelope(f) as { envelope: { payload: string } }).envelope.payload.split('^'));
    const book = Object.fromEntries(layouts.H0STASP0[0].map((n, i) => [n, records[0][i]]));
    expect(book).toMatchObject({
      ASKP1: '71900',
      BIDP1: '71800',
      ASKP_RSQN1: '10',
      TOTAL_ASKP_RSQN: '14',
      TOTAL_BIDP_RSQN: '6',
      ACML_VOL: '0',
    });
    const [first, second] = [records[1], records[2]].map((r) => Object.fromEntries(layouts.H0STCNT0[0].map((n, i) => [n, r[i]])));
    expect(first).toMatchObject({
      STCK_PRPR: '71900',
      PRDY_VRSS_SIGN: '5',
      PRDY_VRSS: '-100',
      PRDY_CTRT: '-0.14',
      ACML_VOL: '3',
      ACML_TR_PBMN: '215700',
    });
    expect(first).toMatchObject({
      STCK_OPRC: '71900',
      STCK_HGPR: '71900',
      STCK_LWPR: '71900',
      ASKP1: '71900',
      BIDP1: '71800',
      CCLD_DVSN: '1',
    });
    expect(second).toMatchObject({
      STCK_PRPR: '71800',
      PRDY_VRSS: '-200',
      ACML_VOL: '5',
      ACML_TR_PBMN: '359300',
      STCK_LWPR: '71800',
      LWPR_HOUR: '090103',
    });
    expect(second).toMatchObject({
      HGPR_VRSS_PRPR: '-100',
      HGPR_VRSS_PRPR_SIGN: '5',
      SELN_CNTG_SMTN: '2',
      SHNU_CNTG_SMTN: '3',
      CTTR: '150.00',
      CCLD_DVSN: '5',
    });
    expect(second.WGHN_AVRG_STCK_PRC).toBe('71860.00');
    // A market-wide transition reaches every stock registered for MKO, with the KIS code.
    expect(records[3].slice(0, 4)).toEqual(['005930', 'N', '(null)', '121']);
  });
});
