/**
 * The Kiwoom codec of one connection: LOGIN, PING echo, REG/REMOVE batching and ack
 * correlation, REAL routing, SYSTEM notices and condition search.
 *
 * Assumptions where the protocol notes are unsure (each designed so either answer works):
 * - Acks carry no keys, so REG and REMOVE acks are matched to requests by `trnm`, first in first
 *   out (the server answers one connection's requests in order). Frames of other kinds (REAL,
 *   PING, SYSTEM) may interleave freely.
 * - A group (`grp_no`) holds at most 100 distinct items (community practice; no documented
 *   limit). Account types 00/04 get group 1 of their own; everything else fills groups 2, 3, ...
 *   Every REG uses refresh '1' (keep what is registered) and releases are explicit REMOVEs, so
 *   the unknown scope of refresh '0' never matters.
 * - A REG's data entries each register every listed type for every listed item, so items are
 *   grouped by the exact set of types asked for them: no (type, item) pair is registered that
 *   nobody asked for.
 * - A non-zero REG return_code refuses that REG's keys only (and the server registered none of
 *   them). The ack does not say which item was refused, so a refused batch is asked for again one
 *   key per REG, once; a key refused alone errors its own subscribers only. 100013 (request before the LOGIN ack) means the server's and our view of the login
 *   disagree: the connection is failed and redone, which registers everything again.
 * - CNSRREQ only answers after a CNSRLST on the same connection: live conditions are sent once
 *   the CNSRLST ack has arrived on this connection.
 */
import { FeedError } from '../../core/errors';
import { FrameEvent, SessionCodec } from '../../core/protocol';
import { Condition, ConditionList, ConditionSnapshot } from './conditions';
import { decodeRealEntry, envelopes, isTrnm, plainRealEntry, RegEntry, requests, systemNotice } from './wire/envelope';
import { accountTypes, conditionKey, conditionListKey, parseKey, realKey, wideTypes } from './keys';
import { RealCode, RealTables, isRealCode } from './wire/real-types';
import { AnyRealRecord, decodeRecord } from './wire/record';
import { stripCodePrefix } from './wire/values';

/** What a Kiwoom session routes to keys. */
export type KiwoomMessage = AnyRealRecord | ConditionList | ConditionSnapshot;

export interface KiwoomCodecOptions {
  readonly token: string;
  /** The token was issued for this attempt. */
  readonly freshToken: boolean;
  /** Called when the server rejects a cached token: the next attempt fetches a new one. */
  readonly onTokenRejected: () => void;
  /**
   * The server refused a token issued for this attempt: it may have been revoked right after
   * issue. Returns true when one more may be issued (then the attempt is retried), false when
   * that was already tried (fatal). Omitted: fatal at once.
   */
  readonly onFreshTokenRejected?: () => boolean;
  /** The login was accepted (the token is proven good). */
  readonly onLoggedIn?: () => void;
  readonly tables: RealTables;
  /** Distinct items per REG group. Default 100. */
  readonly maxItemsPerGroup?: number;
  /** `stex_tp` of live condition searches. Default 'K' (KRX, the only value the docs list). */
  readonly conditionExchange?: string;
}

const BROKER = 'kiwoom';
const ACCOUNT_GROUP = '1';
const FIRST_STOCK_GROUP = 2;

/** LOGIN rejections that mean "this token": re-issue it and try once more. */
const tokenErrorCodes = ['8005', '8031', '8103'];

export function isTokenError(code: string, message: string): boolean {
  return tokenErrorCodes.some((c) => code === c || new RegExp(`CODE\\s*=\\s*${c}\\b`).test(message));
}

/** SYSTEM codes after which the server closes the connection. */
const closingNotice = /^R1000\d$/;

interface PendingReg {
  readonly keys: readonly string[];
  readonly pairs: readonly (readonly [string, string])[];
  /** Sent alone after its batch was refused: a refusal now is this key's own. */
  readonly alone: boolean;
}

export class KiwoomCodec implements SessionCodec<KiwoomMessage> {
  private readonly maxItems: number;
  private readonly stexTp: string;
  /** Stock items registered (or requested) on this connection: group and types. */
  private readonly items = new Map<string, { readonly group: string; readonly types: Set<string> }>();
  private readonly groupSizes = new Map<string, number>();
  private readonly pendingReg: PendingReg[] = [];
  private readonly pendingRemove: (readonly string[])[] = [];
  private listState: 'none' | 'sent' | 'acked' = 'none';
  private listWanted = false;
  /** Live conditions waiting for the CNSRLST ack. */
  private readonly waitingForList = new Set<string>();
  /** Keys of a refused batch: registered one per request when the key table asks for them again. */
  private readonly retryAlone = new Set<string>();
  /** CNSRREQ sent, ack pending (FIFO for acks without a seq). */
  private readonly pendingSearch: string[] = [];
  private readonly pendingClear: string[] = [];

  constructor(private readonly options: KiwoomCodecOptions) {
    this.maxItems = options.maxItemsPerGroup ?? 100;
    this.stexTp = options.conditionExchange ?? 'K';
  }

  login(): string {
    return requests.login(this.options.token);
  }

  subscribe(keys: readonly string[]): readonly string[] {
    const frames: string[] = [];
    const real: [string, string, string][] = [];
    for (const key of keys) {
      const k = parseKey(key);
      if (k.kind === 'real') real.push([key, k.type, k.item]);
      else if (k.kind === 'conditionList') {
        this.listWanted = true;
        if (this.listState !== 'sent') frames.push(this.sendList());
      } else if (this.listState === 'acked') {
        frames.push(this.search(k.seq));
      } else {
        this.waitingForList.add(k.seq);
        if (this.listState === 'none') frames.push(this.sendList());
      }
    }
    const alone = real.filter(([key]) => this.retryAlone.delete(key));
    const together = alone.length === 0 ? real : real.filter((r) => !alone.includes(r));
    if (together.length > 0) frames.push(...this.register(together));
    for (const one of alone) frames.push(...this.register([one], true));
    return frames;
  }

  release(keys: readonly string[]): readonly string[] {
    const frames: string[] = [];
    const byGroup = new Map<string, { keys: string[]; items: Map<string, string[]> }>();
    for (const key of keys) {
      const k = parseKey(key);
      if (k.kind === 'conditionList') {
        this.listWanted = false;
        continue;
      }
      if (k.kind === 'condition') {
        if (this.waitingForList.delete(k.seq)) continue;
        this.pendingClear.push(k.seq);
        frames.push(requests.conditionClear(k.seq));
        continue;
      }
      const group = this.forget(k.type, k.item);
      if (group === undefined) continue;
      const g = byGroup.get(group) ?? { keys: [], items: new Map<string, string[]>() };
      byGroup.set(group, g);
      g.keys.push(key);
      const types = g.items.get(k.item) ?? [];
      g.items.set(k.item, types);
      types.push(k.type);
    }
    for (const [group, g] of byGroup) {
      this.pendingRemove.push(g.keys);
      frames.push(requests.remove(group, entries(g.items, this.maxItems)));
    }
    return frames;
  }

  decode(frame: string): readonly FrameEvent<KiwoomMessage>[] {
    // A bare-text ping, echoed as is (the length test spares data frames a trim).
    if (frame.length < 64 && frame.trim() === 'PING') return [{ type: 'reply', frame }];
    let json: unknown;
    try {
      json = JSON.parse(frame);
    } catch {
      return [decodeFailure('a frame is not JSON', frame)];
    }
    const trnm = (json as { trnm?: unknown } | null)?.trnm;
    if (!isTrnm(trnm)) return [decodeFailure(`unknown trnm ${JSON.stringify(trnm ?? null)}`, frame)];
    switch (trnm) {
      case 'PING':
        return [{ type: 'reply', frame }];
      case 'REAL':
        return this.real(json, frame);
      case 'LOGIN':
        return this.loginAck(json, frame);
      case 'REG':
      case 'REMOVE':
        return this.regAck(json, frame);
      case 'SYSTEM':
        return this.system(json, frame);
      case 'CNSRLST':
        return this.listAck(json, frame);
      case 'CNSRREQ':
        return this.searchAck(json, frame);
      case 'CNSRCLR':
        return this.clearAck(json, frame);
    }
  }

  // --- REG / REMOVE -------------------------------------------------------------------------

  private register(real: readonly (readonly [string, string, string])[], alone = false): string[] {
    const byGroup = new Map<string, { keys: string[]; pairs: [string, string][]; items: Map<string, string[]> }>();
    for (const [key, type, item] of real) {
      const group = this.remember(type, item);
      if (group === undefined) continue; // already registered on this connection
      const g = byGroup.get(group) ?? { keys: [], pairs: [], items: new Map<string, string[]>() };
      byGroup.set(group, g);
      g.keys.push(key);
      g.pairs.push([type, item]);
      const types = g.items.get(item) ?? [];
      g.items.set(item, types);
      types.push(type);
    }
    const frames: string[] = [];
    for (const [group, g] of byGroup) {
      this.pendingReg.push({ keys: g.keys, pairs: g.pairs, alone });
      frames.push(requests.reg(group, entries(g.items, this.maxItems)));
    }
    return frames;
  }

  /** Records (type, item) as registered; its group, or undefined when it already was. */
  private remember(type: string, item: string): string | undefined {
    const wireItem = wideTypes.has(type) ? '' : item;
    const slot = accountTypes.has(type) ? `${ACCOUNT_GROUP}:` : wireItem;
    const known = this.items.get(slot);
    if (known) {
      if (known.types.has(type)) return undefined;
      known.types.add(type);
      return known.group;
    }
    const group = accountTypes.has(type) ? ACCOUNT_GROUP : this.freeGroup();
    this.items.set(slot, { group, types: new Set([type]) });
    this.groupSizes.set(group, (this.groupSizes.get(group) ?? 0) + 1);
    return group;
  }

  /** Forgets (type, item); its group, or undefined when it was not registered. */
  private forget(type: string, item: string): string | undefined {
    const slot = accountTypes.has(type) ? `${ACCOUNT_GROUP}:` : wideTypes.has(type) ? '' : item;
    const known = this.items.get(slot);
    if (!known || !known.types.delete(type)) return undefined;
    if (known.types.size === 0) {
      this.items.delete(slot);
      this.groupSizes.set(known.group, (this.groupSizes.get(known.group) ?? 1) - 1);
    }
    return known.group;
  }

  private freeGroup(): string {
    for (let g = FIRST_STOCK_GROUP; ; g++) {
      const name = String(g);
      if ((this.groupSizes.get(name) ?? 0) < this.maxItems) return name;
    }
  }

  private regAck(json: unknown, frame: string): FrameEvent<KiwoomMessage>[] {
    const ack = envelopes.REG.decode(json);
    if (ack._tag === 'Left') return [decodeFailure(`malformed ${(json as { trnm: string }).trnm} ack`, frame)];
    const { trnm, return_code: code, return_msg: msg } = ack.right;
    if (trnm === 'REMOVE') {
      const keys = this.pendingRemove.shift() ?? [];
      if (code === 0) return [{ type: 'released', keys }];
      return [
        report('notice', `kiwoom refused to release ${keys.join(', ') || 'a subscription'}: ${code} ${msg ?? ''}`.trim(), String(code)),
      ];
    }
    const pending = this.pendingReg.shift();
    if (code === 100013) {
      return [
        {
          type: 'failed',
          error: new FeedError({
            kind: 'connection',
            broker: BROKER,
            code: '100013',
            message: 'kiwoom ignored a request sent before the login was acknowledged (100013); reconnecting',
          }),
        },
      ];
    }
    if (!pending) return [report('notice', `kiwoom sent a REG ack nothing was waiting for (return_code ${code})`, String(code))];
    if (code === 0) return [{ type: 'subscribed', keys: pending.keys }];
    for (const [type, item] of pending.pairs) this.forget(type, item);
    if (!pending.alone && pending.keys.length > 1) {
      // The ack does not say which item it refused: the key table asks again (paced, as any
      // request) and this codec then registers each of these keys alone, once.
      for (const key of pending.keys) this.retryAlone.add(key);
      return [
        report(
          'notice',
          `kiwoom refused a batch of ${pending.keys.length} registrations (return_code ${code}${msg ? ` ${msg}` : ''}); asking for each alone`,
          String(code),
        ),
        { type: 'resubscribe', keys: pending.keys },
      ];
    }
    const error = new FeedError({
      kind: 'rejected',
      broker: BROKER,
      code: String(code),
      message: `kiwoom refused the registration of ${pending.keys.join(', ')}: return_code ${code}${msg ? ` ${msg}` : ''}`,
    });
    return [{ type: 'rejected', keys: pending.keys, error }];
  }

  // --- REAL ---------------------------------------------------------------------------------

  private real(json: unknown, frame: string): FrameEvent<KiwoomMessage>[] {
    // `is` checks what `decode` would, without building its result objects.
    if (!envelopes.REAL.is(json)) return [decodeFailure('a REAL frame has no data list', frame)];
    const out: FrameEvent<KiwoomMessage>[] = [];
    for (const raw of json.data) {
      const entry = plainRealEntry(raw) ?? decodeRealEntry(raw);
      if (entry === undefined) {
        out.push(decodeFailure('a REAL entry has no type or values', frame));
        continue;
      }
      const { type, item } = entry;
      if (!isRealCode(type)) {
        out.push(decodeFailure(`unknown real-time type ${JSON.stringify(type)}`, frame));
        continue;
      }
      const record = decodeRecord(this.options.tables, type as RealCode, entry);
      if ('error' in record) {
        out.push(decodeFailure(record.error, frame));
        continue;
      }
      const key = record.type === '02' ? conditionKey((record as AnyRealRecord & { type: '02' }).fields.conditionSeq) : realKey(type, item);
      out.push({ type: 'data', key, message: record as AnyRealRecord });
    }
    return out;
  }

  // --- LOGIN / SYSTEM ----------------------------------------------------------------------

  private loginAck(json: unknown, frame: string): FrameEvent<KiwoomMessage>[] {
    const ack = envelopes.LOGIN.decode(json);
    if (ack._tag === 'Left') return [decodeFailure('malformed LOGIN ack', frame)];
    const code = ack.right.return_code;
    if (code === 0) {
      this.options.onLoggedIn?.();
      return [{ type: 'loggedIn' }];
    }
    const msg = ack.right.return_msg ?? '';
    const said = `LOGIN return_code ${code}${msg ? `: ${msg}` : ''}`;
    if (isTokenError(String(code), msg)) {
      if (this.options.freshToken) {
        if (this.options.onFreshTokenRejected?.() === true) {
          return [
            failed(
              'auth',
              false,
              String(code),
              `kiwoom refused a newly issued access token (${said}); it may have been revoked, issuing one more`,
            ),
          ];
        }
        return [
          failed(
            'auth',
            true,
            String(code),
            `kiwoom rejected a newly issued access token (${said}); check that the app key belongs to this environment (production vs mock)`,
          ),
        ];
      }
      this.options.onTokenRejected();
      return [failed('auth', false, String(code), `kiwoom rejected the cached access token (${said}); fetching a new one`)];
    }
    return [failed('auth', true, String(code), `kiwoom refused the login (${said})`)];
  }

  private system(json: unknown, frame: string): FrameEvent<KiwoomMessage>[] {
    const notice = envelopes.SYSTEM.decode(json);
    if (notice._tag === 'Left') return [decodeFailure('malformed SYSTEM frame', frame)];
    const { code, message } = systemNotice(notice.right);
    const said = `SYSTEM ${code || '(no code)'}${message ? `: ${message}` : ''}`;
    if (code === 'R10001') {
      return [
        failed(
          'connection',
          true,
          code,
          `kiwoom closed this connection because another one logged in with the same app key (${said}); not reconnecting, since two clients would keep evicting each other`,
        ),
      ];
    }
    if (closingNotice.test(code)) return [failed('connection', false, code, `kiwoom is closing the connection (${said})`)];
    return [report('notice', `kiwoom notice (${said})`, code || undefined)];
  }

  // --- condition search --------------------------------------------------------------------

  private sendList(): string {
    this.listState = 'sent';
    return requests.conditionList();
  }

  private search(seq: string): string {
    this.pendingSearch.push(seq);
    return requests.conditionSearch(seq, this.stexTp);
  }

  private listAck(json: unknown, frame: string): FrameEvent<KiwoomMessage>[] {
    const ack = envelopes.CNSRLST.decode(json);
    if (ack._tag === 'Left') return [decodeFailure('malformed CNSRLST answer', frame)];
    const code = ack.right.return_code ?? 0;
    const waiting = [...this.waitingForList];
    this.waitingForList.clear();
    if (code !== 0) {
      this.listState = 'none';
      const keys = [...(this.listWanted ? [conditionListKey] : []), ...waiting.map(conditionKey)];
      const error = new FeedError({
        kind: 'rejected',
        broker: BROKER,
        code: String(code),
        message: `kiwoom refused the condition list (CNSRLST return_code ${code}${ack.right.return_msg ? ` ${ack.right.return_msg}` : ''})`,
      });
      return keys.length > 0 ? [{ type: 'rejected', keys, error }] : [report('notice', error.message, String(code))];
    }
    this.listState = 'acked';
    const out: FrameEvent<KiwoomMessage>[] = [];
    if (this.listWanted) {
      const conditions: Condition[] = (ack.right.data ?? []).map((c) =>
        Array.isArray(c) ? { seq: c[0].trim(), name: c[1] } : { seq: c.seq.trim(), name: c.name },
      );
      out.push({ type: 'subscribed', keys: [conditionListKey] });
      out.push({ type: 'data', key: conditionListKey, message: { kind: 'conditionList', conditions } });
    }
    // Searches asked for before the list came: the key table asks for them again, now the list is here.
    if (waiting.length > 0) out.push({ type: 'resubscribe', keys: waiting.map(conditionKey) });
    return out;
  }

  private searchAck(json: unknown, frame: string): FrameEvent<KiwoomMessage>[] {
    const ack = envelopes.CNSRREQ.decode(json);
    if (ack._tag === 'Left') return [decodeFailure('malformed CNSRREQ answer', frame)];
    const seq = takeSeq(this.pendingSearch, ack.right.seq);
    if (seq === undefined) return [report('notice', 'kiwoom sent a CNSRREQ answer nothing was waiting for')];
    const key = conditionKey(seq);
    const code = ack.right.return_code ?? 0;
    if (code !== 0) {
      const error = new FeedError({
        kind: 'rejected',
        broker: BROKER,
        code: String(code),
        key,
        message: `kiwoom refused live condition ${seq} (CNSRREQ return_code ${code}${ack.right.return_msg ? ` ${ack.right.return_msg}` : ''})`,
      });
      return [{ type: 'rejected', keys: [key], error }];
    }
    const rows = ack.right.data ?? [];
    const symbols = rows
      .map((r) => r['jmcode'] ?? r['9001'])
      .filter((c): c is string => typeof c === 'string' && c.trim() !== '')
      .map((c) => stripCodePrefix(c.trim()));
    return [
      { type: 'subscribed', keys: [key] },
      { type: 'data', key, message: { kind: 'conditionSnapshot', seq, symbols, rows } },
    ];
  }

  private clearAck(json: unknown, frame: string): FrameEvent<KiwoomMessage>[] {
    const ack = envelopes.CNSRCLR.decode(json);
    if (ack._tag === 'Left') return [decodeFailure('malformed CNSRCLR answer', frame)];
    const seq = takeSeq(this.pendingClear, ack.right.seq);
    if (seq === undefined) return [];
    const code = ack.right.return_code ?? 0;
    if (code === 0) return [{ type: 'released', keys: [conditionKey(seq)] }];
    return [report('notice', `kiwoom refused to stop live condition ${seq} (CNSRCLR return_code ${code})`, String(code))];
  }
}

/** Entries of a REG/REMOVE: items grouped by their exact type set, at most `max` items each. */
function entries(items: ReadonlyMap<string, readonly string[]>, max: number): RegEntry[] {
  const bySet = new Map<string, { types: string[]; items: string[] }>();
  for (const [item, types] of items) {
    const sorted = [...types].sort();
    const sig = sorted.join(',');
    const e = bySet.get(sig) ?? { types: sorted, items: [] };
    bySet.set(sig, e);
    e.items.push(item);
  }
  const out: RegEntry[] = [];
  for (const { types, items: list } of bySet.values()) {
    for (let i = 0; i < list.length; i += max) out.push({ item: list.slice(i, i + max), type: types });
  }
  return out;
}

/** The seq an answer names (space-padded on the wire), or the oldest pending one. */
function takeSeq(pending: string[], seq: string | undefined): string | undefined {
  const s = seq?.trim();
  if (s !== undefined && s !== '') {
    const at = pending.indexOf(s);
    if (at >= 0) pending.splice(at, 1);
    return at >= 0 ? s : undefined;
  }
  return pending.shift();
}

function decodeFailure(what: string, frame: string): FrameEvent<never> {
  return {
    type: 'report',
    error: new FeedError({ kind: 'decode', broker: BROKER, message: `kiwoom: ${what}; frame skipped`, raw: frame }),
  };
}

function report(kind: 'notice', message: string, code?: string): FrameEvent<never> {
  return { type: 'report', error: new FeedError({ kind, broker: BROKER, message, code }) };
}

function failed(kind: 'auth' | 'connection', fatal: boolean, code: string, message: string): FrameEvent<never> {
  return { type: 'failed', error: new FeedError({ kind, broker: BROKER, fatal, code, message }) };
}
