/**
 * Who holds the broker session: a lock in a JetStream KV bucket, renewed by the leader and taken
 * over by a standby when it stops changing. Compare-and-set on the entry's revision decides every
 * race, so the server's clock and entry expiry play no part.
 *
 *   leader:  update(key, me, myRev) every renewMs ── fails with a newer revision ──► standby (lost)
 *   standby: get(key) every renewMs; missing → create(key, me); same revision for lockMs → update(key, me, rev)
 *
 * A leader cut off from NATS keeps its session (it cannot be taken over while it is the one that
 * cannot renew and nobody else can reach NATS either); on reconnect it renews or learns it lost.
 * A standby measures "unchanged for lockMs" only while connected.
 */
import { Observable } from 'rxjs';
import type { KV } from '@nats-io/kv';

export interface LeadershipOptions {
  /** A standby takes over once the lock went unrenewed this long. Default 3 000. */
  readonly lockMs?: number;
  /** The leader renews, and a standby looks, this often. Default lockMs / 3. */
  readonly renewMs?: number;
  /** Called with each change, for logs. */
  readonly log?: (line: string) => void;
}

/** Becoming leader: whether another gateway held the lock before (a failover) and when it last renewed. */
export interface Term {
  readonly leader: true;
  readonly previous?: { readonly id: string; readonly at: number };
}
export type Role = Term | { readonly leader: false; readonly holder?: string };

interface LockValue {
  readonly id: string;
  readonly at: number;
}

const parse = (data: Uint8Array): LockValue | undefined => {
  try {
    const v = JSON.parse(new TextDecoder().decode(data)) as LockValue;
    return typeof v.id === 'string' && typeof v.at === 'number' ? v : undefined;
  } catch {
    return undefined;
  }
};

/**
 * The role of gateway `id` over time (emits on every change; starts as standby). Unsubscribing
 * releases the lock if held, so a standby takes over at once on a clean stop.
 */
export function leadership(kv: KV, key: string, id: string, options: LeadershipOptions = {}): Observable<Role> {
  const lockMs = options.lockMs ?? 3_000;
  const renewMs = options.renewMs ?? Math.max(50, Math.floor(lockMs / 3));
  const log = options.log ?? (() => undefined);
  const value = (): string => JSON.stringify({ id, at: Date.now() });

  return new Observable<Role>((subscriber) => {
    let stopped = false;
    let myRev: number | undefined;
    let seen: { rev: number; since: number } | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let running = Promise.resolve();

    subscriber.add(() => {
      stopped = true;
      if (timer) clearTimeout(timer);
      const held = myRev;
      myRev = undefined;
      if (held !== undefined) {
        // Clean stop: hand the lock over now (only if it is still ours).
        running = running.then(() =>
          kv.delete(key, { previousSeq: held }).then(
            () => undefined,
            () => undefined,
          ),
        );
      }
    });

    const become = (role: Role): void => {
      if (!stopped) subscriber.next(role);
    };

    const tick = async (): Promise<void> => {
      if (myRev !== undefined) {
        try {
          myRev = await kv.update(key, value(), myRev);
        } catch (err) {
          if (/wrong last sequence/i.test(String(err))) {
            myRev = undefined;
            seen = undefined;
            log('lock lost to another gateway: standing by');
            become({ leader: false });
          }
          // Other failures (NATS unreachable): keep the session; the next renewal tells.
        }
        return;
      }
      const entry = await kv.get(key).catch(() => undefined);
      if (entry === undefined) {
        // NATS unreachable: nothing can be decided, and "unchanged since" starts again after.
        seen = undefined;
        return;
      }
      const now = Date.now();
      if (entry === null || entry.operation !== 'PUT') {
        const previous = entry && entry.operation === 'PUT' ? parse(entry.value) : undefined;
        const rev = await (entry === null ? kv.create(key, value()) : kv.update(key, value(), entry.revision)).catch(() => undefined);
        if (rev !== undefined) {
          myRev = rev;
          log('lock acquired: leading');
          become({ leader: true, previous });
        }
        return;
      }
      if (!seen || seen.rev !== entry.revision) {
        seen = { rev: entry.revision, since: now };
        const holder = parse(entry.value)?.id;
        if (holder === id) {
          // Our own lock from before a restart with the same id: take it back at once.
          const rev = await kv.update(key, value(), entry.revision).catch(() => undefined);
          if (rev !== undefined) {
            myRev = rev;
            become({ leader: true });
          }
        }
        return;
      }
      if (now - seen.since >= lockMs) {
        const previous = parse(entry.value);
        const rev = await kv.update(key, value(), entry.revision).catch(() => undefined);
        if (rev !== undefined) {
          myRev = rev;
          log(`lock of ${previous?.id ?? 'another gateway'} unrenewed for ${now - seen.since} ms: taking over`);
          become({ leader: true, previous });
        } else {
          seen = undefined;
        }
      }
    };

    const loop = (): void => {
      if (stopped) return;
      running = running.then(tick).catch(() => undefined);
      void running.then(() => {
        if (!stopped) timer = setTimeout(loop, renewMs);
      });
    };
    become({ leader: false });
    loop();
  });
}
