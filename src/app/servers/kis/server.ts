/**
 * A loopback KIS server for tests, the simulator and users' own tests, on the shared loopback
 * base. It speaks the protocol as the notes describe it: `POST /oauth2/Approval` issues approval
 * keys; the WebSocket takes one register/release JSON per item and answers each (OPSP0000 with an
 * AES key/iv, `encrypt: "Y"` for the encrypted notice tr_ids; OPSP0002/0001/0003/0008/0011/8996);
 * data goes out as `E|TR_ID|NNN|...` frames with every field of the layout (krx-tape.ts keeps
 * them consistent), notices AES-encrypted with the key/iv that connection was given.
 * PINGPONG is sent every 10 s by default and must be answered, by a text echo (what most
 * clients do) or by a WebSocket pong (or ping) control frame (what KIS's own samples do since
 * 2023); an unanswered one ends the connection.
 */
import { IncomingMessage, ServerResponse } from 'node:http';
import { randomBytes, randomUUID } from 'node:crypto';
import { MarketEvent } from '../../../model';
import { BrokerServer } from '../../broker-module';
import { CipherKey, encryptPayload } from '../../../brokers/kis/wire/cipher';
import { Request, formatPing, keyOf } from '../../../brokers/kis/wire/control';
import { bookRecord, expectedRecord, kisOperationCode, noticeRecord, statusRecord, tradeRecord } from './encode';
import { formatEnvelope } from '../../../brokers/kis/wire/envelope';
import { KisEnv, KisTrId, marketTrId, noticeTrId, trIdInfo } from '../../../brokers/kis/wire/tr-ids';
import { RestState, createRestState } from '../rest-state';
import { KisRestServer, kisRest } from './rest';
import { VenueTapes, feedsOf, integratedBook } from './venues';
import { Loopback, LoopbackClient, LoopbackOptions, startLoopback } from '../loopback';

export interface KisServerOptions extends LoopbackOptions {
  /** Credentials the approval endpoint accepts. Defaults are made-up test values. */
  readonly appKey?: string;
  readonly appSecret?: string;
  /** Further app keys of the same user (several credential sets), each with its own session. */
  readonly moreAppKeys?: readonly { readonly appKey: string; readonly appSecret: string }[];
  /** The HTS ID notices are registered with. */
  readonly htsId?: string;
  /** Which notice tr_id the server serves (H0STCNI0 real, H0STCNI9 paper). Default 'real'. */
  readonly env?: KisEnv;
  /** Registrations per connection before OPSP0008 MAX SUBSCRIBE OVER. Default 41. */
  readonly maxSubscriptions?: number;
  /** Send PINGPONG this often (ms); 0 disables. Default 10 000 (reports say every 10–14 s). */
  readonly pingIntervalMs?: number;
  /**
   * End a connection whose PINGPONG is not answered within this (ms). Default 100 000 (a client
   * answering nothing was seen closed after ~100 s).
   */
  readonly pingTimeoutMs?: number;
  /**
   * How an unanswered PINGPONG ends the connection: 'terminate' (default: dropped without a close
   * frame; the sources report a closed session, not a close code) or 'close' (close frame 1000).
   */
  readonly pingTimeoutEnd?: 'terminate' | 'close';
  /** Refuse a second concurrent session of one app key with OPSP8996. Default true. */
  readonly exclusiveAppKey?: boolean;
  /**
   * The stock codes the server lists. A well-formed code outside them is refused with OPSP8992
   * (SUBSCRIBE ERROR : invalid tr_key), as a malformed one is; an assumption: the notes list the
   * code but not which tr_keys KIS refuses. Default: every well-formed code is served.
   */
  readonly symbols?: readonly string[];
}

/** What the server has received and done, for assertions. */
export interface KisServerCounters {
  approvals: number;
  approvalsRefused: number;
  connections: number;
  subscribes: number;
  releases: number;
  /** Register requests answered OPSP0000. */
  subscribed: number;
  /** OPSP0008 replies. */
  overLimit: number;
  /** OPSP0011 replies. */
  invalidApproval: number;
  /** OPSP8996 replies. */
  appKeyInUse: number;
  pingsSent: number;
  pongs: number;
  /** Connections dropped for not echoing PINGPONG. */
  pingTimeouts: number;
  dataFramesSent: number;
}

/** One request as the server read it. */
export interface ReceivedRequest {
  readonly connection: number;
  readonly trType: string;
  readonly trId: string;
  readonly trKey: string;
  readonly approvalKey: string;
}

interface ConnectionState {
  readonly cipher: CipherKey;
  readonly keys: Set<string>;
  appKey?: string;
  pendingPing?: string;
  pingTimer?: NodeJS.Timeout;
  pongTimer?: NodeJS.Timeout;
}

type Connection = LoopbackClient<ConnectionState>;

const alphanumeric = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const randomText = (length: number): string => [...randomBytes(length)].map((b) => alphanumeric[b % alphanumeric.length]).join('');

export class KisServer implements BrokerServer {
  readonly broker = 'kis';
  readonly counters: KisServerCounters = {
    approvals: 0,
    approvalsRefused: 0,
    connections: 0,
    subscribes: 0,
    releases: 0,
    subscribed: 0,
    overLimit: 0,
    invalidApproval: 0,
    appKeyInUse: 0,
    pingsSent: 0,
    pongs: 0,
    pingTimeouts: 0,
    dataFramesSent: 0,
  };
  /** Every register/release request received, in order. */
  readonly requests: ReceivedRequest[] = [];
  /** Every key/iv handed out, one per connection, in order. */
  readonly ciphers: CipherKey[] = [];
  /** When true, every request is answered OPSP0011, even with a freshly issued approval key. */
  refuseAllApprovalKeys = false;

  /** Approval key → app key it was issued for. */
  private readonly approvals = new Map<string, string>();
  private readonly waiters = new Set<() => void>();
  /** One tape per feed (KRX, NXT, integrated) and symbol: each venue's figures are its own. */
  private readonly tapes = new VenueTapes();
  private loopback!: Loopback<ConnectionState>;

  readonly appKey: string;
  readonly appSecret: string;
  readonly htsId: string;
  /** Which environment the server plays (its notice tr_id). */
  readonly kisEnv: KisEnv;
  /** What the REST calls answer from (everything published), and their fault switchboard. */
  readonly rest: RestState = createRestState();
  /** The REST endpoints (token, quotations, daily orders and fills). */
  readonly restEndpoints: KisRestServer;
  private readonly maxSubscriptions: number;
  private readonly pingIntervalMs: number;
  private readonly pingTimeoutMs: number;
  private readonly pingTimeoutEnd: 'terminate' | 'close';
  private readonly exclusiveAppKey: boolean;
  private readonly knownSymbols?: ReadonlySet<string>;
  /** Every app key the approval endpoint accepts, with its secret. */
  private readonly appKeys: Map<string, string>;

  private constructor(options: KisServerOptions) {
    this.appKey = options.appKey ?? 'PStestAppKey0000000000000000000000001';
    this.appSecret = options.appSecret ?? `test-secret-${'x'.repeat(168)}`;
    this.htsId = options.htsId ?? 'testhts';
    this.appKeys = new Map([
      [this.appKey, this.appSecret],
      ...(options.moreAppKeys ?? []).map((k): [string, string] => [k.appKey, k.appSecret]),
    ]);
    this.kisEnv = options.env ?? 'real';
    this.restEndpoints = kisRest({ state: this.rest, appKey: this.appKey, appSecret: this.appSecret, env: this.kisEnv });
    this.maxSubscriptions = options.maxSubscriptions ?? 41;
    this.pingIntervalMs = options.pingIntervalMs ?? 10_000;
    this.pingTimeoutMs = options.pingTimeoutMs ?? 100_000;
    this.pingTimeoutEnd = options.pingTimeoutEnd ?? 'terminate';
    this.exclusiveAppKey = options.exclusiveAppKey ?? true;
    this.knownSymbols = options.symbols ? new Set(options.symbols) : undefined;
  }

  /** Starts a server on 127.0.0.1 (port 0 picks a free one). */
  static async start(options: KisServerOptions = {}): Promise<KisServer> {
    const server = new KisServer(options);
    server.loopback = await startLoopback<ConnectionState>(options, {
      rest: (req, res, body) => server.onHttp(req, res, body),
      // Clients use /tryitout or the bare host (legacy samples), or the per-tr_id doc paths.
      upgrade: () => ({ accept: { cipher: { key: randomText(32), iv: randomText(16) }, keys: new Set() } }),
      connected: (client) => server.onConnection(client),
      disconnected: (client) => {
        server.stopPings(client);
        server.changed();
      },
    });
    return server;
  }

  get port(): number {
    return this.loopback.port;
  }

  get host(): string {
    return this.loopback.host;
  }

  get restUrl(): string {
    return this.loopback.httpUrl;
  }

  get wsUrl(): string {
    return this.loopback.wsUrl('/tryitout');
  }

  private get connections(): readonly Connection[] {
    return this.loopback.clients();
  }

  /** Variables that point `kisFromEnv` at this server. */
  get env(): Readonly<Record<string, string>> {
    return {
      KIS_APPKEY: this.appKey,
      KIS_APPSECRET: this.appSecret,
      KIS_HTS_ID: this.htsId,
      KIS_ENV: this.kisEnv,
      KIS_REST_URL: this.restUrl,
      KIS_WS_URL: this.wsUrl,
    };
  }

  // ---- BrokerServer -------------------------------------------------------------------------

  /** Sets the previous close prices are measured against (otherwise taken from the first event). */
  setPreviousClose(symbol: string, price: number): void {
    this.tapes.setPreviousClose(symbol, price);
  }

  publish(event: MarketEvent): void {
    // REST quotations and trades answer for KRX (the REST client asks KRX's market code).
    if ((event as { exchange?: string }).exchange !== 'NXT') this.rest.record(event);
    switch (event.kind) {
      case 'trade': {
        // Each feed's tape takes the print: its own venue's and the integrated one.
        for (const feed of feedsOf(event.exchange)) {
          const trId = marketTrId('trade', feed);
          this.sendRecords(trId, [tradeRecord(trId, event, this.tapes.of(feed, event.symbol))]);
        }
        return;
      }
      case 'book': {
        for (const feed of feedsOf(event.exchange)) {
          const tape = this.tapes.of(feed, event.symbol);
          // The integrated book combines the venues' latest books when the event names its venue.
          const venue = event.exchange === 'KRX' ? 'NXT' : event.exchange === 'NXT' ? 'KRX' : undefined;
          const book = feed === 'UN' && venue !== undefined ? integratedBook(event, this.tapes.of(venue, event.symbol).book) : event;
          const trId = marketTrId('book', feed);
          this.sendRecords(trId, [bookRecord(trId, book, tape)]);
          const expected = marketTrId('expected', feed);
          const record = expectedRecord(expected, book, tape);
          if (record) this.sendRecords(expected, [record]);
        }
        return;
      }
      case 'status': {
        const exchange = (event as { exchange?: string }).exchange;
        // A market-wide notice KIS has no code for (NXT session notices of the calendar) is not sent.
        if (event.symbol === '' && kisOperationCode(event) === undefined) return;
        for (const trId of this.venueTrIds('status', exchange)) {
          if (event.symbol !== '') {
            this.sendRecords(trId, [statusRecord(trId, event)]);
            continue;
          }
          // A market-wide transition: one record per stock each connection registered.
          for (const c of this.connections) {
            const records = [...c.state.keys]
              .filter((k) => k.startsWith(`${trId}|`))
              .map((k) => statusRecord(trId, event, k.slice(trId.length + 1)));
            if (records.length > 0) this.sendTo(c, trId, records);
          }
        }
        return;
      }
      case 'order': {
        const trId = noticeTrId(this.kisEnv);
        this.sendRecords(trId, [noticeRecord(trId, event, this.htsId)]);
        return;
      }
      default:
        return; // quotes, positions and indices have no KIS feed here
    }
  }

  broadcastRaw(frame: string): void {
    this.loopback.broadcast(frame);
  }

  subscribedSymbols(): readonly string[] {
    const symbols = new Set<string>();
    for (const c of this.connections) {
      for (const key of c.state.keys) {
        const [trId, trKey] = key.split('|');
        if (trIdInfo(trId)?.kind !== 'notice') symbols.add(trKey);
      }
    }
    return [...symbols].sort();
  }

  dropConnections(): void {
    this.loopback.drop();
  }

  async close(): Promise<void> {
    this.rest.close();
    for (const c of this.connections) this.stopPings(c);
    await this.loopback.close();
  }

  // ---- test hooks ---------------------------------------------------------------------------

  /**
   * Sends records of one tr_id as one frame (NNN = number of records) to each connection that
   * registered them: market records by their stock code, notices by the HTS ID. Notices are
   * encrypted with the connection's key/iv.
   */
  sendRecords(trId: KisTrId | string, records: readonly (readonly string[])[]): void {
    const notice = trIdInfo(trId)?.kind === 'notice';
    for (const c of this.connections) {
      const mine = notice
        ? c.state.keys.has(keyOf(trId, this.htsId))
          ? records
          : []
        : records.filter((r) => c.state.keys.has(keyOf(trId, r[0])));
      if (mine.length > 0) this.sendTo(c, trId, mine);
    }
  }

  private sendTo(c: Connection, trId: string, records: readonly (readonly string[])[]): void {
    const notice = trIdInfo(trId)?.kind === 'notice';
    const text = records.map((r) => r.join('^')).join('^');
    const payload = notice ? encryptPayload(text, c.state.cipher) : text;
    this.send(c, formatEnvelope({ encrypted: notice, trId, count: records.length, payload }));
    this.counters.dataFramesSent += 1;
  }

  /** Sends a PINGPONG to every connection now (and expects the echo). */
  ping(): void {
    for (const c of this.connections) this.sendPing(c);
  }

  /** Forgets every approval key issued so far: the next request with one gets OPSP0011. */
  invalidateApprovalKeys(): void {
    this.approvals.clear();
  }

  /** Closes every connection with a close frame (a clean server-side close). */
  closeConnections(code = 1000, reason = ''): void {
    this.loopback.closeAll(code, reason);
  }

  /** Open WebSocket connections. */
  get clientCount(): number {
    return this.connections.length;
  }

  /** Keys registered on each open connection. */
  registrations(): readonly (readonly string[])[] {
    return this.connections.map((c) => [...c.state.keys].sort());
  }

  /** Registrations of the open connections, by the app key each logged in with. */
  registrationsByAppKey(): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const c of this.connections) {
      if (c.state.appKey === undefined) continue;
      out[c.state.appKey] = [...(out[c.state.appKey] ?? []), ...c.state.keys].sort();
    }
    return out;
  }

  /**
   * Resolves when `predicate` holds, checked after every change the server sees and every 10 ms
   * (for conditions on the client's side); rejects after `timeoutMs`.
   */
  waitFor(predicate: (server: this) => boolean, timeoutMs = 5_000): Promise<void> {
    if (predicate(this)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const done = (): void => {
        clearTimeout(timer);
        clearInterval(poll);
        this.waiters.delete(check);
      };
      const check = (): void => {
        if (!predicate(this)) return;
        done();
        resolve();
      };
      const poll = setInterval(check, 10);
      const timer = setTimeout(() => {
        done();
        reject(new Error(`KisServer.waitFor timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.add(check);
    });
  }

  // ---- HTTP ---------------------------------------------------------------------------------

  private onHttp(req: IncomingMessage, res: ServerResponse, text: string): void {
    const reply = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(body));
    };
    if (this.restEndpoints.handle(req, res, text)) return;
    if (req.method !== 'POST' || req.url?.split('?')[0] !== '/oauth2/Approval') {
      reply(404, { error_code: 'EGW00001', error_description: 'not found' });
      return;
    }
    {
      let body: { grant_type?: unknown; appkey?: unknown; secretkey?: unknown } = {};
      try {
        body = JSON.parse(text) as typeof body;
      } catch {
        // answered below as a bad request
      }
      if (body.grant_type !== 'client_credentials' || typeof body.appkey !== 'string' || this.appKeys.get(body.appkey) !== body.secretkey) {
        this.counters.approvalsRefused += 1;
        reply(403, { error_code: 'EGW00103', error_description: '유효하지 않은 AppKey입니다.' });
      } else {
        const key = randomUUID();
        this.approvals.set(key, body.appkey);
        this.counters.approvals += 1;
        reply(200, { approval_key: key });
      }
      this.changed();
    }
  }

  // ---- WebSocket ----------------------------------------------------------------------------

  private onConnection(c: Connection): void {
    this.ciphers.push(c.state.cipher);
    this.counters.connections += 1;
    c.socket.on('message', (data, isBinary) => {
      if (!isBinary) this.onMessage(c, data.toString());
    });
    // KIS's own samples answer with a pong control frame carrying the text (or, Sample01, a ping).
    c.socket.on('pong', () => this.pingAnswered(c));
    c.socket.on('ping', () => this.pingAnswered(c));
    if (this.pingIntervalMs > 0) c.state.pingTimer = setInterval(() => this.sendPing(c), this.pingIntervalMs);
    this.changed();
  }

  private pingAnswered(c: Connection): void {
    if (c.state.pendingPing === undefined) return;
    c.state.pendingPing = undefined;
    clearTimeout(c.state.pongTimer);
    this.counters.pongs += 1;
    this.changed();
  }

  private onMessage(c: Connection, text: string): void {
    if (c.state.pendingPing !== undefined && text === c.state.pendingPing) {
      this.pingAnswered(c);
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      this.reply(c, '', '', '9', 'OPSP9999', 'JSON PARSING ERROR : invalid json format');
      return;
    }
    if ((json as { header?: { tr_id?: unknown } } | null)?.header?.tr_id === 'PINGPONG') return; // a late or repeated echo
    const decoded = Request.decode(json);
    if (decoded._tag === 'Left') {
      this.reply(c, '', '', '9', 'OPSP9993', 'JSON PARSING ERROR : internal error');
      return;
    }
    const { header, body } = decoded.right;
    const { tr_id: trId, tr_key: trKey } = body.input;
    this.requests.push({ connection: c.id, trType: header.tr_type, trId, trKey, approvalKey: header.approval_key });
    this.handle(c, header.tr_type, header.approval_key, trId, trKey);
    this.changed();
  }

  private handle(c: Connection, trType: string, approvalKey: string, trId: string, trKey: string): void {
    const appKey = this.approvals.get(approvalKey);
    if (appKey === undefined || this.refuseAllApprovalKeys) {
      this.counters.invalidApproval += 1;
      this.reply(c, trId, trKey, '1', 'OPSP0011', 'invalid approval : NOT FOUND');
      return;
    }
    if (c.state.appKey === undefined) {
      const taken = this.connections.some((o) => o !== c && o.state.appKey === appKey);
      if (this.exclusiveAppKey && taken) {
        this.counters.appKeyInUse += 1;
        this.reply(c, '(null)', '', '9', 'OPSP8996', 'ALREADY IN USE appkey');
        c.socket.close(1000);
        return;
      }
      c.state.appKey = appKey;
    }
    const key = keyOf(trId, trKey);
    if (trType === '1') {
      this.counters.subscribes += 1;
      if (c.state.keys.has(key)) return this.reply(c, trId, trKey, '1', 'OPSP0002', 'ALREADY IN SUBSCRIBE');
      if (c.state.keys.size >= this.maxSubscriptions) {
        this.counters.overLimit += 1;
        return this.reply(c, trId, trKey, '1', 'OPSP0008', 'MAX SUBSCRIBE OVER');
      }
      const info = trIdInfo(trId);
      if (info === undefined) {
        return this.reply(c, trId, trKey, '1', 'OPSP8991', 'SUBSCRIBE ERROR : invalid tr_id');
      }
      if (info.kind === 'notice' && (trKey !== this.htsId || trId !== noticeTrId(this.kisEnv))) {
        return this.reply(c, trId, trKey, '1', 'OPSP8992', 'SUBSCRIBE ERROR : invalid tr_key');
      }
      if (
        info.kind !== 'notice' &&
        (!/^[0-9A-Z]{6,7}$/.test(trKey) || (this.knownSymbols !== undefined && !this.knownSymbols.has(trKey)))
      ) {
        return this.reply(c, trId, trKey, '1', 'OPSP8992', 'SUBSCRIBE ERROR : invalid tr_key');
      }
      c.state.keys.add(key);
      this.counters.subscribed += 1;
      this.reply(c, trId, trKey, '0', 'OPSP0000', 'SUBSCRIBE SUCCESS', c.state.cipher);
    } else if (trType === '2') {
      this.counters.releases += 1;
      if (!c.state.keys.delete(key)) return this.reply(c, trId, trKey, '1', 'OPSP0003', 'UNSUBSCRIBE ERROR(not found!)');
      this.reply(c, trId, trKey, '0', 'OPSP0001', 'UNSUBSCRIBE SUCCESS');
    } else {
      this.reply(c, trId, trKey, '9', 'OPSP8997', 'JSON PARSING ERROR : invalid tr_type');
    }
  }

  /**
   * A control reply. `encrypt` says whether the tr_id's data frames are encrypted: "Y" for the
   * notice tr_ids (the official client decrypts only when the ack says so), "N" otherwise.
   */
  private reply(c: Connection, trId: string, trKey: string, rtCd: string, msgCd: string, msg1: string, cipher?: CipherKey): void {
    const encrypt = trIdInfo(trId)?.kind === 'notice' ? 'Y' : 'N';
    this.send(
      c,
      JSON.stringify({
        header: { tr_id: trId, tr_key: trKey, encrypt },
        body: { rt_cd: rtCd, msg_cd: msgCd, msg1, ...(cipher ? { output: { iv: cipher.iv, key: cipher.key } } : {}) },
      }),
    );
  }

  private sendPing(c: Connection): void {
    if (c.state.pendingPing !== undefined) return; // the previous one's timer decides
    const d = new Date(Date.now() + 9 * 3_600_000).toISOString().replace(/[-:T]/g, '').slice(0, 14);
    const ping = formatPing(d);
    c.state.pendingPing = ping;
    this.counters.pingsSent += 1;
    this.send(c, ping);
    c.state.pongTimer = setTimeout(() => {
      if (c.state.pendingPing === undefined) return;
      this.counters.pingTimeouts += 1;
      this.stopPings(c);
      if (this.pingTimeoutEnd === 'close') c.socket.close(1000);
      else c.socket.terminate();
    }, this.pingTimeoutMs);
    this.changed();
  }

  private stopPings(c: Connection): void {
    clearInterval(c.state.pingTimer);
    clearTimeout(c.state.pongTimer);
  }

  private send(c: Connection, frame: string): void {
    this.loopback.send(c, frame);
  }

  private venueTrIds(kind: 'status', exchange: string | undefined): KisTrId[] {
    // The integrated feed carries both venues' events.
    return feedsOf(exchange).map((v) => marketTrId(kind, v));
  }

  private changed(): void {
    for (const check of [...this.waiters]) check();
  }
}

/** Starts a loopback KIS server (see KisServer). */
export function startKisServer(options: KisServerOptions = {}): Promise<KisServer> {
  return KisServer.start(options);
}
