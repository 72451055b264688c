/**
 * The gateway side of interest: every consumer's lease and the keys they want together.
 * Pure state with named mutators; the gateway drives it with its clock.
 *
 *   renew(c1,[A],ttl 3s)@0  renew(c2,[A,B])@1  expire@3.5 → c1 lapsed   wanted: {A,B}
 *   renew(c2,[])@4 (goodbye)                                           wanted: {}
 *   renew(c3,[A],ttl,raw)                                              wantsRaw: true while c3's lease lives
 */
export interface LeaseTable {
  /** Records a consumer's lease (`raw`: it wants events' raw records); an empty key list removes it. */
  renew(consumer: string, keys: readonly string[], ttlMs: number, now: number, raw?: boolean): void;
  /** Drops leases not renewed in time; returns the consumers that lapsed. */
  expire(now: number): string[];
  /** Gives every lease a fresh ttl (after the gateway itself was cut off from NATS). */
  extendAll(now: number): void;
  /** Keys some lease names now. */
  wanted(): Set<string>;
  /** true while some lease asks for events' raw records. */
  wantsRaw(): boolean;
  consumers(): number;
}

export function leaseTable(): LeaseTable {
  const leases = new Map<string, { keys: readonly string[]; ttlMs: number; expiresAt: number; raw: boolean }>();
  return {
    renew(consumer, keys, ttlMs, now, raw = false) {
      if (keys.length === 0) leases.delete(consumer);
      else leases.set(consumer, { keys, ttlMs, expiresAt: now + ttlMs, raw });
    },
    expire(now) {
      const lapsed: string[] = [];
      for (const [consumer, lease] of leases) {
        if (lease.expiresAt <= now) {
          leases.delete(consumer);
          lapsed.push(consumer);
        }
      }
      return lapsed;
    },
    extendAll(now) {
      for (const lease of leases.values()) lease.expiresAt = now + lease.ttlMs;
    },
    wanted() {
      const keys = new Set<string>();
      for (const lease of leases.values()) for (const k of lease.keys) keys.add(k);
      return keys;
    },
    wantsRaw() {
      for (const lease of leases.values()) if (lease.raw) return true;
      return false;
    },
    consumers: () => leases.size,
  };
}
