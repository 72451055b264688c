/**
 * A loopback Kiwoom server for tests, simulators and replays: a real `ws` WebSocket server and
 * the REST token endpoint on one local port, speaking the protocol as the notes describe it.
 *
 * - `POST /oauth2/token` issues tokens (with `expires_dt` in KST) for the keys it accepts; other
 *   keys get HTTP 200 with a non-zero `return_code`, as Kiwoom reports REST errors.
 * - LOGIN first: any other request before the LOGIN ack is answered with 100013 and ignored.
 *   A LOGIN with an unknown, expired or invalidated token gets 805004 (CODE=8005) and a close.
 * - PING every `pingIntervalMs`; a client that leaves `maxMissedPings` in a row unanswered gets
 *   SYSTEM R10002 and is closed.
 * - REG/REMOVE acks (rejections configurable per item), REAL pushes only for registered keys
 *   (`publish`), or raw frames to everyone (`broadcastRaw`), condition search (CNSRLST first).
 *
 * ```ts
 * const server = await startKiwoomServer();
 * const feed = kiwoomFromEnv(server.env);
 * feed.trades$('005930').subscribe(...);
 * await server.waitFor(() => server.registrations().includes('0B|005930'));
 * server.publish({ kind: 'trade', broker: 'kiwoom', symbol: '005930', price: 60700, ... });
 * ```
 */
import * as http from 'http';
import { AddressInfo } from 'net';
import { WebSocket, WebSocketServer } from 'ws';
import { MarketEvent } from '../../../model';
import { BrokerServer, BrokerServerOptions } from '../../broker-module';
import { splitItem } from '../../../brokers/kiwoom/endpoints';
import { encodeEvent } from './encode';
import { realKey, wideTypes } from '../../../brokers/kiwoom/keys';
import { kstInstant } from '../../../brokers/kiwoom/mapping';
import { RealCode } from '../../../brokers/kiwoom/wire/real-types';
import { sampleFrame } from './samples';
import { RestState, createRestState } from '../rest-state';
import { handleKiwoomRest } from './rest';

export interface KiwoomServerOptions extends BrokerServerOptions {
  /** The app key and secret the token endpoint accepts. */
  readonly appKey?: string;
  readonly secretKey?: string;
  /** PING period; 0 sends none. Default 10 000 (the live server's ~10 s). */
  readonly pingIntervalMs?: number;
  /** Unanswered PINGs in a row before SYSTEM R10002 and a close. Default 5. */
  readonly maxMissedPings?: number;
  /** Token lifetime. Default 24 h. */
  readonly tokenTtlMs?: number;
  /** SYSTEM R10004 and a close when no LOGIN arrives this long after connecting; 0 never. Default 0. */
  readonly loginTimeoutMs?: number;
  /** Kick an older session with SYSTEM R10001 when the same app key logs in again. Default false. */
  readonly singleSessionPerKey?: boolean;
  /** The conditions CNSRLST lists. Default three conditions, seq 0–2. */
  readonly conditions?: readonly { readonly seq: string; readonly name: string }[];
  /** Epoch ms now (token expiry). Default Date.now. */
  readonly clock?: () => number;
}

/** How the token endpoint and LOGIN treat credentials. */
export type TokenMode =
  /** Issue tokens for the accepted keys and accept them until they expire. */
  | 'valid'
  /** Refuse every key at the token endpoint (return_code 3, 8001 in the message). */
  | 'invalidKeys'
  /** Issue tokens but reject every LOGIN with 805004 (CODE=8005). */
  | 'invalidTokens';

export interface KiwoomServerCounters {
  tokenRequests: number;
  tokensIssued: number;
  connections: number;
  logins: number;
  loginsRejected: number;
  regs: number;
  removes: number;
  pingsSent: number;
  pingsEchoed: number;
  conditionLists: number;
  conditionSearches: number;
  conditionClears: number;
  beforeLogin: number;
}

/** A frame a client sent. */
export interface ClientFrame {
  /** 1 for the first connection. */
  readonly connection: number;
  readonly frame: string;
}

export interface KiwoomServer extends BrokerServer {
  readonly restUrl: string;
  readonly wsUrl: string;
  readonly counters: Readonly<KiwoomServerCounters>;
  /** Every frame clients sent, in order. */
  readonly received: readonly ClientFrame[];
  /** Registered keys (`0B|005930`, `00|`) over every connection, with duplicates. */
  registrations(): string[];
  /** Open, logged-in connections. */
  loggedIn(): number;
  setTokenMode(mode: TokenMode): void;
  /** Invalidates every token issued so far: their next LOGIN gets 8005 (a new token works). */
  expireTokens(): void;
  /** Refuses REGs naming `item` with this return_code (default 1, "등록 종목수 초과"). */
  rejectItem(item: string, code?: number, message?: string): void;
  clearRejections(): void;
  /** Sets the stocks a live condition matches at start. */
  setConditionMatches(seq: string, symbols: readonly string[]): void;
  /** Pushes a `02` event to connections running condition `seq`. */
  pushCondition(seq: string, symbol: string, action?: 'I' | 'D'): void;
  /** Sends a frame to every open connection, logged in or not. */
  sendToAll(frame: string): void;
  /** Sends SYSTEM {code, message} to every connection (and closes them for R1000x). */
  sendSystem(code: string, message: string): void;
  /** Closes every connection cleanly (close frame with this code). */
  closeConnections(code?: number, reason?: string): void;
  /** A REAL frame holding the official sample entries of these types. */
  sampleFrame(...codes: readonly RealCode[]): string;
  /** Resolves once `predicate` holds (polled), rejects after `timeoutMs`. */
  waitFor(predicate: () => boolean, timeoutMs?: number): Promise<void>;
  /** What the REST TRs answer from (everything published), and their fault switchboard. */
  readonly rest: RestState;
}

const DEFAULT_CONDITIONS = [
  { seq: '0', name: '조건1' },
  { seq: '1', name: '조건2' },
  { seq: '2', name: '조건3' },
];

interface Client {
  readonly id: number;
  readonly socket: WebSocket;
  loggedIn: boolean;
  appKey?: string;
  readonly keys: Set<string>;
  listed: boolean;
  readonly conditions: Set<string>;
  awaitingEcho: boolean;
  missed: number;
  loginTimer?: NodeJS.Timeout;
}

interface Issued {
  readonly appKey: string;
  readonly expiresAt: number;
  valid: boolean;
}

function expiresDt(epochMs: number): string {
  return kstInstant(epochMs).time.slice(0, 19).replace(/[-T:]/g, '');
}

/** Starts a loopback Kiwoom server on 127.0.0.1 (port 0 by default: a free one). */
export async function startKiwoomServer(options: KiwoomServerOptions = {}): Promise<KiwoomServer> {
  const appKey = options.appKey ?? 'loopback-appkey-0001';
  const secretKey = options.secretKey ?? 'loopback-secret-0001';
  const pingIntervalMs = options.pingIntervalMs ?? 10_000;
  const maxMissed = options.maxMissedPings ?? 5;
  const ttl = options.tokenTtlMs ?? 24 * 3600_000;
  const clock = options.clock ?? Date.now;
  const conditions = options.conditions ?? DEFAULT_CONDITIONS;

  const counters: KiwoomServerCounters = {
    tokenRequests: 0,
    tokensIssued: 0,
    connections: 0,
    logins: 0,
    loginsRejected: 0,
    regs: 0,
    removes: 0,
    pingsSent: 0,
    pingsEchoed: 0,
    conditionLists: 0,
    conditionSearches: 0,
    conditionClears: 0,
    beforeLogin: 0,
  };
  const received: ClientFrame[] = [];
  const clients = new Set<Client>();
  const tokens = new Map<string, Issued>();
  const rejections = new Map<string, { code: number; message: string }>();
  const matches = new Map<string, readonly string[]>();
  let tokenMode: TokenMode = 'valid';
  let nextId = 0;

  // --- REST ---------------------------------------------------------------------------------

  const rest = createRestState();
  const httpServer = http.createServer((req, res) => {
    if (handleKiwoomRest({ state: rest, tokenValid: (t) => tokenValid(t) !== undefined }, req, res)) return;
    const reply = (status: number, body: unknown): void => {
      res.writeHead(status, { 'Content-Type': 'application/json;charset=UTF-8' });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'POST' || req.url?.split('?')[0] !== '/oauth2/token') {
      reply(404, { return_code: 1505, return_msg: 'API ID가 존재하지 않습니다' });
      return;
    }
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      counters.tokenRequests += 1;
      let json: Record<string, unknown> = {};
      try {
        json = JSON.parse(body) as Record<string, unknown>;
      } catch {
        reply(200, { return_code: 2, return_msg: '입력 값 형식이 올바르지 않습니다[1517]' });
        return;
      }
      if (json.grant_type !== 'client_credentials') {
        reply(200, { return_code: 2, return_msg: 'grant_type이 올바르지 않습니다[8012]' });
        return;
      }
      if (tokenMode === 'invalidKeys' || json.appkey !== appKey || json.secretkey !== secretKey) {
        reply(200, { return_code: 3, return_msg: 'App Key와 Secret Key 검증에 실패했습니다[8001]' });
        return;
      }
      counters.tokensIssued += 1;
      const token = `loopback-token-${counters.tokensIssued}-${Math.random().toString(36).slice(2, 10)}`;
      const expiresAt = clock() + ttl;
      tokens.set(token, { appKey, expiresAt, valid: true });
      reply(200, { expires_dt: expiresDt(expiresAt), token_type: 'bearer', token, return_code: 0, return_msg: '정상적으로 처리되었습니다' });
    });
  });

  // --- WebSocket ----------------------------------------------------------------------------

  const wss = new WebSocketServer({ server: httpServer });

  const send = (client: Client, message: unknown): void => {
    if (client.socket.readyState === WebSocket.OPEN) {
      client.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
    }
  };

  /** Sends, then closes once the frame is flushed. */
  const sendAndClose = (client: Client, message: unknown): void => {
    send(client, message);
    setTimeout(() => client.socket.close(1000, 'closed by server'), 10);
  };

  const tokenValid = (token: unknown): Issued | undefined => {
    if (typeof token !== 'string' || tokenMode === 'invalidTokens') return undefined;
    const issued = tokens.get(token);
    return issued && issued.valid && clock() < issued.expiresAt ? issued : undefined;
  };

  const login = (client: Client, msg: Record<string, unknown>): void => {
    counters.logins += 1;
    const issued = tokenValid(msg.token);
    if (!issued) {
      counters.loginsRejected += 1;
      sendAndClose(client, {
        trnm: 'LOGIN',
        return_code: 805004,
        return_msg: '토큰 인증에 실패했습니다. 접속을 종료합니다 [CODE=8005, MESSAGE=Token이 유효하지 않습니다]',
      });
      return;
    }
    if (options.singleSessionPerKey) {
      for (const other of clients) {
        if (other !== client && other.loggedIn && other.appKey === issued.appKey) {
          sendAndClose(other, { trnm: 'SYSTEM', code: 'R10001', message: '동일한 App key로 접속이 되었습니다. 기존 세션은 종료가 됩니다' });
        }
      }
    }
    client.loggedIn = true;
    client.appKey = issued.appKey;
    if (client.loginTimer) clearTimeout(client.loginTimer);
    send(client, { trnm: 'LOGIN', return_code: 0, return_msg: '', sor_yn: 'Y' });
  };

  const pairsOf = (data: unknown): [string, string][] | undefined => {
    if (!Array.isArray(data)) return undefined;
    const pairs: [string, string][] = [];
    for (const e of data) {
      const { item, type } = (e ?? {}) as { item?: unknown; type?: unknown };
      if (!Array.isArray(item) || !Array.isArray(type)) return undefined;
      for (const ty of type) for (const it of item) pairs.push([String(ty), String(it)]);
    }
    return pairs;
  };

  const reg = (client: Client, msg: Record<string, unknown>): void => {
    counters.regs += 1;
    const pairs = pairsOf(msg.data);
    if (typeof msg.grp_no !== 'string' || pairs === undefined) {
      send(client, { trnm: 'REG', return_code: 1, return_msg: '입력 값 형식이 올바르지 않습니다' });
      return;
    }
    for (const [, item] of pairs) {
      const refused = rejections.get(item);
      if (refused) {
        send(client, { trnm: 'REG', return_code: refused.code, return_msg: refused.message });
        return;
      }
    }
    for (const [type, item] of pairs) client.keys.add(realKey(type, item));
    send(client, { trnm: 'REG', return_code: 0, return_msg: '' });
  };

  const remove = (client: Client, msg: Record<string, unknown>): void => {
    counters.removes += 1;
    for (const [type, item] of pairsOf(msg.data) ?? []) client.keys.delete(realKey(type, item));
    send(client, { trnm: 'REMOVE', return_code: 0, return_msg: '' });
  };

  const conditionRequest = (client: Client, msg: Record<string, unknown>): void => {
    const seq = String(msg.seq ?? '').trim();
    if (msg.trnm === 'CNSRLST') {
      counters.conditionLists += 1;
      client.listed = true;
      send(client, { trnm: 'CNSRLST', return_code: 0, return_msg: '', data: conditions.map((c) => [c.seq, c.name]) });
      return;
    }
    if (msg.trnm === 'CNSRCLR') {
      counters.conditionClears += 1;
      client.conditions.delete(seq);
      send(client, { trnm: 'CNSRCLR', seq, return_code: 0, return_msg: '' });
      return;
    }
    counters.conditionSearches += 1;
    // As observed live: without a CNSRLST first on this connection, CNSRREQ gets no answer.
    if (!client.listed) return;
    if (!conditions.some((c) => c.seq === seq)) {
      send(client, { trnm: 'CNSRREQ', seq, return_code: 900004, return_msg: `존재하지 않는 일련번호입니다.(seq=${seq})` });
      return;
    }
    const symbols = matches.get(seq) ?? [];
    if (msg.search_type === '1') client.conditions.add(seq);
    send(client, {
      trnm: 'CNSRREQ',
      seq,
      return_code: 0,
      return_msg: '',
      data: symbols.length === 0 ? null : symbols.map((s) => ({ jmcode: `A${s}` })),
    });
  };

  const onMessage = (client: Client, frame: string): void => {
    received.push({ connection: client.id, frame });
    let msg: Record<string, unknown>;
    try {
      msg = JSON.parse(frame) as Record<string, unknown>;
    } catch {
      if (frame.trim() === 'PING') pingEchoed(client);
      return;
    }
    const trnm = typeof msg.trnm === 'string' ? msg.trnm : '';
    if (trnm === 'PING') {
      pingEchoed(client);
      return;
    }
    if (trnm === 'LOGIN') {
      login(client, msg);
      return;
    }
    if (!client.loggedIn) {
      counters.beforeLogin += 1;
      send(client, { trnm, return_code: 100013, return_msg: '로그인 인증이 들어오기 전에 다른 전문이 들어왔습니다. 해당 전문은 무시됩니다' });
      return;
    }
    switch (trnm) {
      case 'REG':
        reg(client, msg);
        return;
      case 'REMOVE':
        remove(client, msg);
        return;
      case 'CNSRLST':
      case 'CNSRREQ':
      case 'CNSRCLR':
        conditionRequest(client, msg);
        return;
      default:
        send(client, { trnm, return_code: 1, return_msg: '지원하지 않는 전문입니다' });
    }
  };

  const pingEchoed = (client: Client): void => {
    counters.pingsEchoed += 1;
    client.awaitingEcho = false;
    client.missed = 0;
  };

  wss.on('connection', (socket) => {
    counters.connections += 1;
    const client: Client = {
      id: ++nextId,
      socket,
      loggedIn: false,
      keys: new Set(),
      listed: false,
      conditions: new Set(),
      awaitingEcho: false,
      missed: 0,
    };
    clients.add(client);
    if (options.loginTimeoutMs) {
      client.loginTimer = setTimeout(() => {
        if (!client.loggedIn) sendAndClose(client, { trnm: 'SYSTEM', code: 'R10004', message: '접속허용요청(토큰)이 들어오지 않았습니다' });
      }, options.loginTimeoutMs);
    }
    socket.on('message', (data) => onMessage(client, data.toString()));
    socket.on('close', () => {
      if (client.loginTimer) clearTimeout(client.loginTimer);
      clients.delete(client);
    });
    socket.on('error', () => undefined);
  });

  const pinger =
    pingIntervalMs > 0
      ? setInterval(() => {
          for (const client of clients) {
            if (client.socket.readyState !== WebSocket.OPEN) continue;
            if (client.awaitingEcho) {
              client.missed += 1;
              if (client.missed >= maxMissed) {
                client.awaitingEcho = false;
                sendAndClose(client, {
                  trnm: 'SYSTEM',
                  code: 'R10002',
                  message: '사용자 프로그램으로부터 Heartbeat(연결유지) 메시지가 오지않아서 접속을 종료합니다',
                });
                continue;
              }
            }
            counters.pingsSent += 1;
            client.awaitingEcho = true;
            send(client, { trnm: 'PING' });
          }
        }, pingIntervalMs)
      : undefined;
  pinger?.unref();

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = httpServer.address() as AddressInfo;
  const host = options.host ?? '127.0.0.1';
  const restUrl = `http://${host}:${port}`;
  const wsUrl = `ws://${host}:${port}/api/dostk/websocket`;

  const loggedInClients = (): Client[] => [...clients].filter((c) => c.loggedIn);

  const server: KiwoomServer = {
    broker: 'kiwoom',
    restUrl,
    wsUrl,
    env: { KIWOOM_APPKEY: appKey, KIWOOM_SECRETKEY: secretKey, KIWOOM_REST_URL: restUrl, KIWOOM_WS_URL: wsUrl },
    counters,
    received,
    registrations: () => loggedInClients().flatMap((c) => [...c.keys]),
    loggedIn: () => loggedInClients().length,
    publish(event: MarketEvent) {
      rest.record(event);
      const encoded = encodeEvent(event);
      if (!encoded) return;
      const frame = JSON.stringify({ trnm: 'REAL', data: [encoded.entry] });
      for (const c of loggedInClients()) if (c.keys.has(encoded.key)) send(c, frame);
    },
    broadcastRaw(frame: string) {
      for (const c of loggedInClients()) send(c, frame);
    },
    sendToAll(frame: string) {
      for (const c of clients) send(c, frame);
    },
    subscribedSymbols() {
      const symbols = new Set<string>();
      for (const key of server.registrations()) {
        const [type, item] = key.split('|');
        if (item && !wideTypes.has(type)) symbols.add(splitItem(item).symbol);
      }
      return [...symbols];
    },
    setTokenMode: (mode) => {
      tokenMode = mode;
    },
    expireTokens: () => {
      for (const t of tokens.values()) t.valid = false;
    },
    rejectItem: (item, code = 1, message = '등록 종목수 초과') => {
      rejections.set(item, { code, message });
    },
    clearRejections: () => rejections.clear(),
    setConditionMatches: (seq, symbols) => {
      matches.set(seq, [...symbols]);
    },
    pushCondition(seq, symbol, action = 'I') {
      const hms = kstInstant(clock()).time.slice(11, 19).replace(/:/g, '');
      const frame = JSON.stringify({
        trnm: 'REAL',
        data: [{ type: '02', name: '조건검색', item: symbol, values: { '841': seq, '9001': symbol, '843': action, '20': hms } }],
      });
      for (const c of loggedInClients()) if (c.conditions.has(seq)) send(c, frame);
    },
    sendSystem(code, message) {
      for (const c of clients) {
        if (/^R1000\d$/.test(code)) sendAndClose(c, { trnm: 'SYSTEM', code, message });
        else send(c, { trnm: 'SYSTEM', code, message });
      }
    },
    closeConnections(code = 1000, reason = 'closed by server') {
      for (const c of clients) c.socket.close(code, reason);
    },
    dropConnections() {
      for (const c of clients) c.socket.terminate();
    },
    sampleFrame: (...codes) => sampleFrame(...codes),
    waitFor(predicate, timeoutMs = 5_000) {
      return new Promise<void>((resolve, reject) => {
        const started = Date.now();
        const check = (): void => {
          if (predicate()) resolve();
          else if (Date.now() - started > timeoutMs) reject(new Error(`kiwoom loopback: condition not met within ${timeoutMs} ms`));
          else setTimeout(check, 5);
        };
        check();
      });
    },
    rest,
    async close() {
      rest.close();
      if (pinger) clearInterval(pinger);
      for (const c of clients) c.socket.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      const closed = new Promise<void>((resolve) => httpServer.close(() => resolve()));
      httpServer.closeAllConnections(); // idle keep-alive sockets of token requests
      await closed;
    },
  };
  return server;
}

