/**
 * A loopback Kiwoom server for tests, simulators and replays: a real `ws` WebSocket server and
 * the REST token endpoint on one local port (the shared loopback base), speaking the protocol as
 * the notes describe it.
 *
 * - `POST /oauth2/token` issues tokens (with `expires_dt` in KST) for the keys it accepts; other
 *   keys get HTTP 200 with a non-zero `return_code`, as Kiwoom reports REST errors.
 * - LOGIN first: any other request before the LOGIN ack is answered with 100013 and ignored.
 *   A LOGIN with an unknown, expired or invalidated token gets 805004 (CODE=8005) and a close.
 *   A socket that sends no LOGIN within `loginTimeoutMs` gets SYSTEM R10004 and a close.
 * - One session per app key: a second LOGIN with the same key ends the older session with
 *   SYSTEM R10001.
 * - PING every `pingIntervalMs`; a client that leaves `maxMissedPings` in a row unanswered gets
 *   SYSTEM R10002 and is closed.
 * - REG/REMOVE per group (`grp_no`): refresh "1" adds, refresh "0" first releases what the group
 *   held (or the whole socket's keys, `refreshScope: 'socket'`); a group holds at most
 *   `maxItemsPerGroup` distinct items (a REG past it is refused whole, return_code 1).
 * - REAL pushes only for registered keys (`publish`), batched as the live server batches: the
 *   entries of one item published in one turn of the event loop (a step's trades, then its book
 *   and best quotes) go to a client as one frame of several entries, mixed types; raw frames to
 *   everyone (`broadcastRaw`); condition search (CNSRLST first).
 * - Every type a client may register is pushed: what the published events map to (encode.ts), and
 *   0A, 0E, 0F, 0G, 0I, 0U, 0g, 0m, 0u, 0w derived from them by the venue model (venue.ts).
 *
 * ```ts
 * const server = await startKiwoomServer();
 * const feed = kiwoomFromEnv(server.env);
 * feed.trades$('005930').subscribe(...);
 * await server.waitFor(() => server.registrations().includes('0B|005930'));
 * server.publish({ kind: 'trade', broker: 'kiwoom', symbol: '005930', price: 60700, ... });
 * ```
 */
import { IncomingMessage, ServerResponse } from 'node:http';
import { MarketEvent } from '../../../model';
import { BrokerServer } from '../../broker-module';
import { splitItem } from '../../../brokers/kiwoom/endpoints';
import { encodeEvents } from './encode';
import { realKey, wideTypes } from '../../../brokers/kiwoom/keys';
import { kstInstant } from '../../../brokers/kiwoom/mapping';
import { RealCode } from '../../../brokers/kiwoom/wire/real-types';
import { RealEntry } from '../../../brokers/kiwoom/wire/record';
import { sampleFrame } from './samples';
import { RestState, createRestState } from '../rest-state';
import { handleKiwoomRest } from './rest';
import { KrxTapes } from '../krx-tape';
import { KiwoomVenue, Registrations } from './venue';
import { LoopbackClient, LoopbackOptions, startLoopback, waitUntil } from '../loopback';

export interface KiwoomServerOptions extends LoopbackOptions {
  /** The app key and secret the token endpoint accepts. */
  readonly appKey?: string;
  readonly secretKey?: string;
  /** Further app keys of the same user (several credential sets), each with its own session. */
  readonly moreAppKeys?: readonly { readonly appKey: string; readonly secretKey: string }[];
  /** PING period; 0 sends none. Default 10 000 (the live server's ~10 s). */
  readonly pingIntervalMs?: number;
  /** Unanswered PINGs in a row before SYSTEM R10002 and a close. Default 5. */
  readonly maxMissedPings?: number;
  /** Token lifetime. Default 24 h. */
  readonly tokenTtlMs?: number;
  /**
   * SYSTEM R10004 and a close when no LOGIN arrives this long after connecting; 0 never.
   * Default 30 000 (the live value is undocumented; a silent socket was seen closed after ~30 s).
   */
  readonly loginTimeoutMs?: number;
  /** End an older session with SYSTEM R10001 when the same app key logs in again. Default true. */
  readonly singleSessionPerKey?: boolean;
  /** Distinct items a group may hold; a REG past it is refused (return_code 1). Default 100. */
  readonly maxItemsPerGroup?: number;
  /**
   * What refresh "0" releases before registering: the keys of the REG's group (default), or every
   * key of the socket. The TR doc says "previously registered item/type", not which scope.
   */
  readonly refreshScope?: 'group' | 'socket';
  /** Most entries in one REAL frame. Default 100. */
  readonly maxEntriesPerFrame?: number;
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
  /** Registered keys of the open, logged-in connections, by the app key each logged in with. */
  registrationsByAppKey(): Record<string, string[]>;
  /** Registered keys of each open, logged-in connection, by group: `[{ '1': ['00|'], '2': [...] }]`. */
  groups(): Record<string, string[]>[];
  /** Sets the previous close prices are signed against (otherwise taken from the first event). */
  setPreviousClose(symbol: string, price: number): void;
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

const MESSAGES = {
  beforeLogin: '로그인 인증이 들어오기 전에 다른 전문이 들어왔습니다. 해당 전문은 무시됩니다',
  badToken: '토큰 인증에 실패했습니다. 접속을 종료합니다 [CODE=8005, MESSAGE=Token이 유효하지 않습니다]',
  sameKey: '동일한 App key로 접속이 되었습니다. 기존 세션은 종료가 됩니다',
  heartbeat: '사용자 프로그램으로부터 Heartbeat(연결유지) 메시지가 오지않아서 접속을 종료합니다',
  noLogin: '접속허용요청(토큰)이 들어오지 않았습니다',
  tooMany: '등록 종목수 초과',
  badInput: '입력 값 형식이 올바르지 않습니다',
} as const;

/** A connection's session state. */
interface Session {
  loggedIn: boolean;
  appKey?: string;
  /** grp_no → registered keys. */
  readonly groups: Map<string, Set<string>>;
  listed: boolean;
  readonly conditions: Set<string>;
  awaitingEcho: boolean;
  missed: number;
  loginTimer?: NodeJS.Timeout;
  /** Entries waiting for this turn's frames, by item. */
  pending: Map<string, RealEntry[]>;
}

type Client = LoopbackClient<Session>;

interface Issued {
  readonly appKey: string;
  readonly expiresAt: number;
  valid: boolean;
}

function expiresDt(epochMs: number): string {
  return kstInstant(epochMs).time.slice(0, 19).replace(/[-T:]/g, '');
}

const hasKey = (c: Client, key: string): boolean => {
  for (const keys of c.state.groups.values()) if (keys.has(key)) return true;
  return false;
};

const keysOf = (c: Client): Set<string> => {
  const all = new Set<string>();
  for (const keys of c.state.groups.values()) for (const k of keys) all.add(k);
  return all;
};

/** What a set of clients has registered, as the venue model asks it. */
function registrationsOf(clients: readonly Client[]): Registrations {
  return {
    has: (key) => clients.some((c) => hasKey(c, key)),
    items: (type) => {
      const items = new Set<string>();
      const prefix = `${type}|`;
      for (const c of clients)
        for (const keys of c.state.groups.values()) for (const k of keys) if (k.startsWith(prefix)) items.add(k.slice(prefix.length));
      return [...items];
    },
  };
}

/** Starts a loopback Kiwoom server on 127.0.0.1 (port 0 by default: a free one). */
export async function startKiwoomServer(options: KiwoomServerOptions = {}): Promise<KiwoomServer> {
  const appKey = options.appKey ?? 'loopback-appkey-0001';
  const secretKey = options.secretKey ?? 'loopback-secret-0001';
  /** Every app key the token endpoint accepts, with its secret. */
  const appKeys = new Map<string, string>([
    [appKey, secretKey],
    ...(options.moreAppKeys ?? []).map((k): [string, string] => [k.appKey, k.secretKey]),
  ]);
  const pingIntervalMs = options.pingIntervalMs ?? 10_000;
  const maxMissed = options.maxMissedPings ?? 5;
  const ttl = options.tokenTtlMs ?? 24 * 3600_000;
  const clock = options.clock ?? Date.now;
  const conditions = options.conditions ?? DEFAULT_CONDITIONS;
  const loginTimeoutMs = options.loginTimeoutMs ?? 30_000;
  const singleSession = options.singleSessionPerKey ?? true;
  const maxItems = options.maxItemsPerGroup ?? 100;
  const refreshScope = options.refreshScope ?? 'group';
  const maxEntries = options.maxEntriesPerFrame ?? 100;

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
  const tokens = new Map<string, Issued>();
  const rejections = new Map<string, { code: number; message: string }>();
  const matches = new Map<string, readonly string[]>();
  const tapes = new KrxTapes();
  const venue = new KiwoomVenue(tapes);
  let tokenMode: TokenMode = 'valid';

  // --- REST ---------------------------------------------------------------------------------

  const restState = createRestState();
  const rest = (req: IncomingMessage, res: ServerResponse, body: string): void => {
    const reply = (status: number, json: unknown): void => {
      if (handleKiwoomRest({ state: restState, tokenValid: (t) => tokenValid(t) !== undefined }, req, res, body)) return;
      res.writeHead(status, { 'Content-Type': 'application/json;charset=UTF-8' });
      res.end(JSON.stringify(json));
    };
    if (req.method !== 'POST' || req.url?.split('?')[0] !== '/oauth2/token') {
      reply(404, { return_code: 1505, return_msg: 'API ID가 존재하지 않습니다' });
      return;
    }
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
    if (tokenMode === 'invalidKeys' || typeof json.appkey !== 'string' || appKeys.get(json.appkey) !== json.secretkey) {
      reply(200, { return_code: 3, return_msg: 'App Key와 Secret Key 검증에 실패했습니다[8001]' });
      return;
    }
    counters.tokensIssued += 1;
    const token = `loopback-token-${counters.tokensIssued}-${Math.random().toString(36).slice(2, 10)}`;
    const expiresAt = clock() + ttl;
    tokens.set(token, { appKey: json.appkey, expiresAt, valid: true });
    reply(200, { expires_dt: expiresDt(expiresAt), token_type: 'bearer', token, return_code: 0, return_msg: '정상적으로 처리되었습니다' });
  };

  // --- WebSocket ----------------------------------------------------------------------------

  const loopback = await startLoopback<Session>(options, {
    rest,
    upgrade: (req) =>
      (req.url ?? '').split('?')[0] === '/api/dostk/websocket'
        ? {
            accept: {
              loggedIn: false,
              groups: new Map(),
              listed: false,
              conditions: new Set(),
              awaitingEcho: false,
              missed: 0,
              pending: new Map(),
            },
          }
        : { refuse: { status: 404, body: JSON.stringify({ return_code: 1504, return_msg: 'URI not supported' }) } },
    connected: (client) => {
      counters.connections += 1;
      if (loginTimeoutMs > 0) {
        client.state.loginTimer = setTimeout(() => {
          if (!client.state.loggedIn) loopback.sendAndClose(client, { trnm: 'SYSTEM', code: 'R10004', message: MESSAGES.noLogin });
        }, loginTimeoutMs);
      }
      client.socket.on('message', (data) => onMessage(client, data.toString()));
    },
    disconnected: (client) => {
      if (client.state.loginTimer) clearTimeout(client.state.loginTimer);
    },
  });
  const send = loopback.send;
  const clients = (): readonly Client[] => loopback.clients();

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
      loopback.sendAndClose(client, { trnm: 'LOGIN', return_code: 805004, return_msg: MESSAGES.badToken });
      return;
    }
    if (singleSession) {
      for (const other of clients()) {
        if (other !== client && other.state.loggedIn && other.state.appKey === issued.appKey) {
          other.state.loggedIn = false; // no more pushes for the ended session
          loopback.sendAndClose(other, { trnm: 'SYSTEM', code: 'R10001', message: MESSAGES.sameKey });
        }
      }
    }
    client.state.loggedIn = true;
    client.state.appKey = issued.appKey;
    if (client.state.loginTimer) clearTimeout(client.state.loginTimer);
    send(client, { trnm: 'LOGIN', return_code: 0, return_msg: '', sor_yn: 'Y' });
  };

  const pairsOf = (data: unknown): [string, string][] | undefined => {
    if (data === undefined) return [];
    if (!Array.isArray(data)) return undefined;
    const pairs: [string, string][] = [];
    for (const e of data) {
      const { item, type } = (e ?? {}) as { item?: unknown; type?: unknown };
      if (!Array.isArray(item) || !Array.isArray(type)) return undefined;
      for (const ty of type) for (const it of item) pairs.push([String(ty), String(it)]);
    }
    return pairs;
  };

  const itemsIn = (keys: Iterable<string>): Set<string> => {
    const items = new Set<string>();
    for (const k of keys) items.add(k.slice(k.indexOf('|') + 1));
    return items;
  };

  const reg = (client: Client, msg: Record<string, unknown>): void => {
    counters.regs += 1;
    const pairs = pairsOf(msg.data);
    if (typeof msg.grp_no !== 'string' || pairs === undefined) {
      send(client, { trnm: 'REG', return_code: 1, return_msg: MESSAGES.badInput });
      return;
    }
    for (const [, item] of pairs) {
      const refused = rejections.get(item);
      if (refused) {
        send(client, { trnm: 'REG', return_code: refused.code, return_msg: refused.message });
        return;
      }
    }
    const refresh = msg.refresh === '0';
    const group = client.state.groups.get(msg.grp_no) ?? new Set<string>();
    const next = new Set(refresh ? [] : group);
    for (const [type, item] of pairs) next.add(realKey(type, item));
    if (itemsIn(next).size > maxItems) {
      send(client, { trnm: 'REG', return_code: 1, return_msg: MESSAGES.tooMany });
      return;
    }
    // refresh "0": what was registered before this REG is released first (its group, or the socket).
    if (refresh && refreshScope === 'socket') client.state.groups.clear();
    if (next.size === 0) client.state.groups.delete(msg.grp_no);
    else client.state.groups.set(msg.grp_no, next);
    send(client, { trnm: 'REG', return_code: 0, return_msg: '' });
  };

  const remove = (client: Client, msg: Record<string, unknown>): void => {
    counters.removes += 1;
    const pairs = pairsOf(msg.data) ?? [];
    // A REMOVE names its group; keys registered under another group are released too, as a key is
    // one subscription of the socket whatever group carried it.
    for (const [type, item] of pairs) {
      const key = realKey(type, item);
      for (const [grp, keys] of client.state.groups) {
        keys.delete(key);
        if (keys.size === 0) client.state.groups.delete(grp);
      }
    }
    send(client, { trnm: 'REMOVE', return_code: 0, return_msg: '' });
  };

  const conditionRequest = (client: Client, msg: Record<string, unknown>): void => {
    const seq = String(msg.seq ?? '').trim();
    if (msg.trnm === 'CNSRLST') {
      counters.conditionLists += 1;
      client.state.listed = true;
      send(client, { trnm: 'CNSRLST', return_code: 0, return_msg: '', data: conditions.map((c) => [c.seq, c.name]) });
      return;
    }
    if (msg.trnm === 'CNSRCLR') {
      counters.conditionClears += 1;
      client.state.conditions.delete(seq);
      send(client, { trnm: 'CNSRCLR', seq, return_code: 0, return_msg: '' });
      return;
    }
    counters.conditionSearches += 1;
    // As observed live: without a CNSRLST first on this connection, CNSRREQ gets no answer.
    if (!client.state.listed) return;
    if (!conditions.some((c) => c.seq === seq)) {
      send(client, { trnm: 'CNSRREQ', seq, return_code: 900004, return_msg: `존재하지 않는 일련번호입니다.(seq=${seq})` });
      return;
    }
    const symbols = matches.get(seq) ?? [];
    if (msg.search_type === '1') client.state.conditions.add(seq);
    send(client, {
      trnm: 'CNSRREQ',
      seq,
      return_code: 0,
      return_msg: '',
      data: symbols.length === 0 ? null : symbols.map((s) => ({ jmcode: `A${s}` })),
    });
  };

  const pingEchoed = (client: Client): void => {
    counters.pingsEchoed += 1;
    client.state.awaitingEcho = false;
    client.state.missed = 0;
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
    if (!client.state.loggedIn) {
      counters.beforeLogin += 1;
      send(client, { trnm, return_code: 100013, return_msg: MESSAGES.beforeLogin });
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

  const pinger =
    pingIntervalMs > 0
      ? setInterval(() => {
          for (const client of clients()) {
            const s = client.state;
            if (s.awaitingEcho) {
              s.missed += 1;
              if (s.missed >= maxMissed) {
                s.awaitingEcho = false;
                loopback.sendAndClose(client, { trnm: 'SYSTEM', code: 'R10002', message: MESSAGES.heartbeat });
                continue;
              }
            }
            counters.pingsSent += 1;
            s.awaitingEcho = true;
            send(client, { trnm: 'PING' });
          }
        }, pingIntervalMs)
      : undefined;
  pinger?.unref();

  // --- batched REAL pushes ------------------------------------------------------------------

  let flushScheduled = false;
  const flush = (): void => {
    flushScheduled = false;
    for (const c of clients()) {
      const pending = c.state.pending;
      if (pending.size === 0) continue;
      c.state.pending = new Map();
      if (!c.state.loggedIn) continue;
      for (const entries of pending.values()) {
        for (let i = 0; i < entries.length; i += maxEntries) {
          send(c, JSON.stringify({ trnm: 'REAL', data: entries.slice(i, i + maxEntries) }));
        }
      }
    }
  };
  const enqueue = (c: Client, e: RealEntry): void => {
    const entries = c.state.pending.get(e.item);
    if (entries) entries.push(e);
    else c.state.pending.set(e.item, [e]);
    if (!flushScheduled) {
      flushScheduled = true;
      setImmediate(flush);
    }
  };

  const restUrl = loopback.httpUrl;
  const wsUrl = loopback.wsUrl('/api/dostk/websocket');
  const loggedInClients = (): Client[] => clients().filter((c) => c.state.loggedIn);

  const server: KiwoomServer = {
    broker: 'kiwoom',
    restUrl,
    wsUrl,
    env: { KIWOOM_APPKEY: appKey, KIWOOM_SECRETKEY: secretKey, KIWOOM_REST_URL: restUrl, KIWOOM_WS_URL: wsUrl },
    counters,
    received,
    registrations: () => loggedInClients().flatMap((c) => [...keysOf(c)]),
    registrationsByAppKey: () => {
      const out: Record<string, string[]> = {};
      for (const c of loggedInClients()) {
        if (c.state.appKey === undefined) continue;
        out[c.state.appKey] = [...(out[c.state.appKey] ?? []), ...keysOf(c)].sort();
      }
      return out;
    },
    groups: () => loggedInClients().map((c) => Object.fromEntries([...c.state.groups].map(([g, keys]) => [g, [...keys].sort()]))),
    loggedIn: () => loggedInClients().length,
    publish(event: MarketEvent) {
      restState.record(event);
      const clients = loggedInClients();
      // The event's own types first (they update the tapes), then what the venue derives from it.
      const entries = [...encodeEvents(event, tapes), ...venue.after(event, registrationsOf(clients))];
      for (const encoded of entries) {
        for (const c of clients) if (hasKey(c, encoded.key)) enqueue(c, encoded.entry);
      }
    },
    broadcastRaw(frame: string) {
      for (const c of loggedInClients()) send(c, frame);
    },
    sendToAll(frame: string) {
      loopback.broadcast(frame);
    },
    subscribedSymbols() {
      const symbols = new Set<string>();
      for (const key of server.registrations()) {
        const [type, item] = key.split('|');
        if (item && !wideTypes.has(type)) symbols.add(splitItem(item).symbol);
      }
      return [...symbols];
    },
    setPreviousClose: (symbol, price) => tapes.setPreviousClose(symbol, price),
    setTokenMode: (mode) => {
      tokenMode = mode;
    },
    expireTokens: () => {
      for (const t of tokens.values()) t.valid = false;
    },
    rejectItem: (item, code = 1, message = MESSAGES.tooMany) => {
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
      for (const c of loggedInClients()) if (c.state.conditions.has(seq)) send(c, frame);
    },
    sendSystem(code, message) {
      for (const c of clients()) {
        if (/^R1000\d$/.test(code)) loopback.sendAndClose(c, { trnm: 'SYSTEM', code, message });
        else send(c, { trnm: 'SYSTEM', code, message });
      }
    },
    closeConnections: (code = 1000, reason = 'closed by server') => loopback.closeAll(code, reason),
    dropConnections: () => loopback.drop(),
    sampleFrame: (...codes) => sampleFrame(...codes),
    waitFor: (predicate, timeoutMs = 5_000) => waitUntil(predicate, timeoutMs, 'kiwoom loopback'),
    rest: restState,
    async close() {
      restState.close();
      if (pinger) clearInterval(pinger);
      for (const c of clients()) if (c.state.loginTimer) clearTimeout(c.state.loginTimer);
      await loopback.close();
    },
  };
  return server;
}
