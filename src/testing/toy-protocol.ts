import { BrokerProtocol, FrameEvent, SessionCodec } from '../core/protocol';
import { FeedError } from '../core/errors';

/**
 * A minimal JSON protocol that exercises every part of the core and nothing else, so core specs
 * do not depend on any broker.
 *
 * client → {"op":"login"} {"op":"sub","keys":[..]} {"op":"unsub","keys":[..]} {"op":"pong","n":..}
 * server → {"op":"login","ok":true|false} {"op":"ping","n":..} {"op":"subbed","keys":[..]}
 *          {"op":"rejected","keys":[..]} {"op":"bye"} {"k":"key","v":value} {"batch":[{"k","v"},..]}
 *          {"op":"again","keys":[..]} (the codec asks the key table to request these keys again)
 *          {"op":"crash"} (decode throws, as a buggy codec would: the core must survive it)
 */
export interface ToyOptions {
  readonly withLogin?: boolean;
  readonly keysPerConnection?: number;
  readonly secret?: string;
  /** Makes open() fail with this error. */
  readonly openError?: () => FeedError | undefined;
  readonly url?: string;
  /** Named in the login frame: which credential set logged in. */
  readonly user?: string;
}

export function toyProtocol(options: ToyOptions = {}): BrokerProtocol<unknown> & { readonly opened: number[] } {
  const opened: number[] = [];
  return {
    name: 'toy',
    opened,
    keysPerConnection: options.keysPerConnection,
    secrets: () => (options.secret ? [options.secret] : []),
    open: (context) => {
      opened.push(context.attempt);
      const error = options.openError?.();
      if (error) throw error;
      return { url: options.url ?? 'ws://toy.invalid/feed', codec: toyCodec(options.withLogin ?? true, options.user) };
    },
  };
}

export function toyCodec(withLogin: boolean, user?: string): SessionCodec<unknown> {
  return {
    login: withLogin ? () => JSON.stringify(user === undefined ? { op: 'login' } : { op: 'login', user }) : undefined,
    subscribe: (keys) => [JSON.stringify({ op: 'sub', keys })],
    release: (keys) => [JSON.stringify({ op: 'unsub', keys })],
    decode: decodeToy,
  };
}

export function decodeToy(frame: string): FrameEvent<unknown>[] {
  let msg: Record<string, unknown>;
  try {
    msg = JSON.parse(frame) as Record<string, unknown>;
  } catch {
    return [{ type: 'report', error: new FeedError({ kind: 'decode', message: 'toy: not JSON', raw: frame }) }];
  }
  if (typeof msg.k === 'string') return [{ type: 'data', key: msg.k, message: msg.v }];
  if (Array.isArray(msg.batch)) {
    return (msg.batch as { k: string; v: unknown }[]).map((m) => ({ type: 'data', key: m.k, message: m.v }));
  }
  const keys = Array.isArray(msg.keys) ? (msg.keys as string[]) : [];
  switch (msg.op) {
    case 'login':
      return msg.ok
        ? [{ type: 'loggedIn' }]
        : [
            {
              type: 'failed',
              error: new FeedError({ kind: 'auth', fatal: msg.fatal === true, message: `toy: login refused (${String(msg.why)})` }),
            },
          ];
    case 'ping':
      return [{ type: 'reply', frame: JSON.stringify({ op: 'pong', n: msg.n }) }];
    case 'subbed':
      return [{ type: 'subscribed', keys }];
    case 'unsubbed':
      return [{ type: 'released', keys }];
    case 'rejected':
      return [
        {
          type: 'rejected',
          keys,
          error: new FeedError({ kind: 'rejected', message: `toy: refused ${keys.join(',')}: ${String(msg.why)}` }),
        },
      ];
    case 'again':
      return [{ type: 'resubscribe', keys }];
    case 'notice':
      return [{ type: 'report', error: new FeedError({ kind: 'notice', message: `toy: ${String(msg.text)}` }) }];
    case 'crash':
      throw new Error('toy: codec bug');
    case 'bye':
      return [{ type: 'failed', error: new FeedError({ kind: 'connection', message: 'toy: server said bye' }) }];
    default:
      return [{ type: 'report', error: new FeedError({ kind: 'decode', message: 'toy: unknown frame', raw: frame }) }];
  }
}

/** Frames, for marble value maps. */
export const toy = {
  loginOk: JSON.stringify({ op: 'login', ok: true }),
  loginFatal: JSON.stringify({ op: 'login', ok: false, fatal: true, why: 'bad key' }),
  login: JSON.stringify({ op: 'login' }),
  sub: (...keys: string[]) => JSON.stringify({ op: 'sub', keys }),
  unsub: (...keys: string[]) => JSON.stringify({ op: 'unsub', keys }),
  subbed: (...keys: string[]) => JSON.stringify({ op: 'subbed', keys }),
  rejected: (why: string, ...keys: string[]) => JSON.stringify({ op: 'rejected', keys, why }),
  again: (...keys: string[]) => JSON.stringify({ op: 'again', keys }),
  data: (k: string, v: unknown) => JSON.stringify({ k, v }),
  batch: (...items: [string, unknown][]) => JSON.stringify({ batch: items.map(([k, v]) => ({ k, v })) }),
  ping: (n: number) => JSON.stringify({ op: 'ping', n }),
  pong: (n: number) => JSON.stringify({ op: 'pong', n }),
  notice: (text: string) => JSON.stringify({ op: 'notice', text }),
  bye: JSON.stringify({ op: 'bye' }),
  crash: JSON.stringify({ op: 'crash' }),
};

/** A server that acks login and every subscription at once. */
export function ackEverything(frame: string): string[] {
  const msg = JSON.parse(frame) as { op: string; keys?: string[] };
  if (msg.op === 'login') return [toy.loginOk];
  if (msg.op === 'sub') return [toy.subbed(...(msg.keys ?? []))];
  return [];
}
