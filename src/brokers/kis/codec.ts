/**
 * The codec of one KIS connection: register/release requests out; data frames, control replies
 * and PINGPONG in. It holds what only lives as long as the connection: the AES key/iv each
 * subscription reply hands out, and the keys registered on it.
 */
import { FrameEvent, SessionCodec } from '../../core/protocol';
import { FeedError } from '../../core/errors';
import { CipherKey, decryptPayload } from './wire/cipher';
import { ControlMessage, formatRequest, keyOf, meaningOf, parseKey } from './wire/control';
import { DataEnvelope, parseEnvelope } from './wire/envelope';
import { KisWireRecord } from './wire/message';
import { KisRecord, chooseLayout, cutRecords, valueAt } from './wire/record';
import { trIdInfo } from './wire/tr-ids';

export interface KisCodecOptions {
  readonly approvalKey: string;
  readonly custType: 'P' | 'B';
  /** (tr_id, length) pairs already reported as carrying unknown trailing values (feed-wide). */
  readonly reportedLayouts: Set<string>;
  /** A registration succeeded: the approval key is good. */
  readonly onSubscribed?: () => void;
}

type Event = FrameEvent<KisWireRecord>;

const broker = 'kis';

export class KisCodec implements SessionCodec<KisWireRecord> {
  /** AES key/iv per tr_id, from this connection's subscribe replies. */
  private readonly ciphers = new Map<string, CipherKey>();

  /** The AES keys and ivs this connection was handed: secrets, never to be logged or recorded. */
  cipherSecrets(): string[] {
    return [...this.ciphers.values()].flatMap((c) => [c.key, c.iv]);
  }
  /** Keys registered (or being registered) on this connection, by tr_id. */
  private readonly keys = new Map<string, Set<string>>();

  constructor(private readonly options: KisCodecOptions) {}

  subscribe(keys: readonly string[]): readonly string[] {
    return this.requests(keys, '1');
  }

  release(keys: readonly string[]): readonly string[] {
    const frames = this.requests(keys, '2');
    for (const key of keys) {
      const parts = parseKey(key);
      if (parts) this.keys.get(parts.trId)?.delete(key);
    }
    return frames;
  }

  decode(frame: string): readonly Event[] {
    const env = parseEnvelope(frame);
    if (env.type === 'control') return this.decodeControl(frame);
    if (env.type === 'malformed') return [decodeError(env.reason, frame)];
    return this.decodeData(env.envelope, frame);
  }

  private requests(keys: readonly string[], trType: '1' | '2'): string[] {
    const frames: string[] = [];
    for (const key of keys) {
      const parts = parseKey(key);
      if (!parts) continue; // keys come from the feed, which only makes `${tr_id}|${tr_key}`
      if (trType === '1') {
        const set = this.keys.get(parts.trId) ?? new Set<string>();
        set.add(key);
        this.keys.set(parts.trId, set);
      }
      frames.push(formatRequest({ approvalKey: this.options.approvalKey, custType: this.options.custType, trType, ...parts }));
    }
    return frames;
  }

  private decodeControl(text: string): Event[] {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return [decodeError('neither a data frame nor JSON', text)];
    }
    const decoded = ControlMessage.decode(json);
    if (decoded._tag === 'Left') return [decodeError('unrecognised control message', text)];
    const m = decoded.right;
    const meaning = meaningOf(m);
    const trId = m.header.tr_id;
    const key = keyOf(trId, m.header.tr_key ?? '');
    const code = m.body?.msg_cd;
    const said = `${code ?? ''} ${m.body?.msg1 ?? ''}`.trim();
    switch (meaning.type) {
      case 'ping':
        // Echo the text itself: works in browsers too, where pong frames cannot be sent.
        return [{ type: 'reply', frame: text }];
      case 'subscribed':
        if (meaning.cipher) this.ciphers.set(trId, meaning.cipher);
        this.options.onSubscribed?.();
        return [{ type: 'subscribed', keys: [key] }];
      case 'released':
        if ((this.keys.get(trId)?.size ?? 0) === 0) this.ciphers.delete(trId);
        return [{ type: 'released', keys: [key] }];
      case 'refused': {
        const limit = code === 'OPSP0008';
        const message = limit
          ? `KIS refused ${key}: ${said} (the session already holds its maximum of registrations)`
          : `KIS refused ${key}: ${said}`;
        const error = new FeedError({ kind: 'rejected', broker, code, key, message });
        // A refused key is not registered: it must not count when routing records without a code.
        return this.keys.get(trId)?.delete(key) ? [{ type: 'rejected', keys: [key], error }] : [{ type: 'report', error }];
      }
      case 'invalidApproval':
        return [
          {
            type: 'failed',
            error: new FeedError({
              kind: 'auth',
              broker,
              code,
              fatal: false,
              message: `KIS rejected the approval key (${said}); reconnecting with a new one`,
            }),
          },
        ];
      case 'appKeyInUse':
        return [
          {
            type: 'failed',
            error: new FeedError({
              kind: 'auth',
              broker,
              code,
              fatal: true,
              message:
                `KIS app key already in use by another session (${said}): KIS allows one WebSocket session ` +
                'per app key; close the other session (or use another app key) and start again',
            }),
          },
        ];
      case 'error':
        return [{ type: 'report', error: new FeedError({ kind: 'notice', broker, code, message: `KIS says: ${said || text}` }) }];
    }
  }

  private decodeData(env: DataEnvelope, frame: string): Event[] {
    const info = trIdInfo(env.trId);
    if (info === undefined) return [decodeError(`unknown tr_id ${env.trId}`, frame)];
    let payload = env.payload;
    if (env.encrypted) {
      const cipher = this.ciphers.get(env.trId);
      if (cipher === undefined) return [decodeError(`encrypted ${env.trId} frame before its key arrived; dropped`, frame)];
      try {
        payload = decryptPayload(env.payload, cipher);
      } catch (err) {
        return [decodeError(`cannot decrypt ${env.trId} frame (${(err as Error).message})`, frame)];
      }
    }
    const cut = cutRecords(payload, env.count);
    if (!cut.ok) return [decodeError(`${env.trId}: ${cut.reason}`, frame)];
    const { ends, values: length } = cut;
    const choice = chooseLayout(env.trId, length, valueAt(payload, ends, 0));
    if (!choice.ok) return [decodeError(choice.reason, frame)];
    const events: Event[] = [];
    if (!choice.known) {
      const seen = `${env.trId}/${length}`;
      if (!this.options.reportedLayouts.has(seen)) {
        this.options.reportedLayouts.add(seen);
        const message =
          `${env.trId} records have ${length} values; read with the ${choice.layout.length}-value layout, ` +
          `${length - choice.layout.length} trailing value(s) kept in raw.extra (reported once)`;
        events.push({ type: 'report', error: new FeedError({ kind: 'notice', broker, message, raw: frame }) });
      }
    }
    // What `layout.codec.decode(values)` gives for the split values (the layout fits: never a
    // failure), without splitting them: __tests__/kis/fast-path.test.ts checks the two agree.
    const { layout } = choice;
    const route = this.route(info.kind, env.trId);
    // Keyed as registered: notices by the HTS ID, market records by their stock code (or, for
    // records without one, by the only key of their tr_id). The feed maps the record.
    const codeAt = layout.indexOf(info.kind === 'notice' ? 'CUST_ID' : 'MKSC_SHRN_ISCD');
    for (let first = 0; first < ends.length; first += length) {
      const positional = layout.read(payload, ends, first, length);
      const record: KisRecord = { trId: env.trId, fields: positional.fields, extra: positional.extra };
      const value = codeAt < 0 ? '' : valueAt(payload, ends, first + codeAt);
      const code = info.kind === 'notice' ? value : value.trim() || route.symbol || '';
      const key = route.key ?? keyOf(env.trId, code);
      const message: KisWireRecord =
        route.symbol !== undefined ? { kind: info.kind, record, symbol: route.symbol } : { kind: info.kind, record };
      events.push({ type: 'data', key, message });
    }
    return events;
  }

  /**
   * Records name their instrument in their first value, except notices (keyed by HTS ID, which
   * is one per session in practice) and doc-style H0UNMKO0 records (no code): those go to the
   * only key of their tr_id when there is exactly one.
   */
  private route(kind: string, trId: string): Route {
    if (kind !== 'notice' && kind !== 'status') return noRoute;
    const keys = this.keys.get(trId);
    if (keys === undefined || keys.size !== 1) return noRoute;
    const [only] = keys;
    if (kind === 'notice') return { key: only };
    return { symbol: parseKey(only)?.trKey };
  }
}

interface Route {
  readonly key?: string;
  readonly symbol?: string;
}
const noRoute: Route = {};

function decodeError(message: string, raw: string): Event {
  return { type: 'report', error: new FeedError({ kind: 'decode', broker, message, raw }) };
}
