/**
 * The consumer side of interest: which keys this process wants, with a reference count per key,
 * and the lease that says so. Pure state with named mutators; the feed publishes the lease.
 *
 *   add('trade.A') add('trade.A') remove('trade.A')   →  lease keys: [trade.A] [trade.A] [trade.A]
 *   remove('trade.A')                                  →  lease keys: []   (goodbye for that key)
 */
import { KeyState } from '../core/status';

export interface LocalInterest {
  /** Counts one more subscriber; true when the key is new (the lease changed). */
  add(key: string): boolean;
  /** Counts one fewer; true when the key is gone (the lease changed). */
  remove(key: string): boolean;
  /** Marks a key as served (a message or snapshot arrived). */
  served(key: string): void;
  keys(): string[];
  table(): KeyState[];
}

export function localInterest(): LocalInterest {
  const counts = new Map<string, { subscribers: number; served: boolean }>();
  return {
    add(key) {
      const entry = counts.get(key);
      if (entry) {
        entry.subscribers += 1;
        return false;
      }
      counts.set(key, { subscribers: 1, served: false });
      return true;
    },
    remove(key) {
      const entry = counts.get(key);
      if (!entry) return false;
      entry.subscribers -= 1;
      if (entry.subscribers > 0) return false;
      counts.delete(key);
      return true;
    },
    served(key) {
      const entry = counts.get(key);
      if (entry) entry.served = true;
    },
    keys: () => [...counts.keys()],
    table: () => [...counts.entries()].map(([key, e]) => ({ key, state: e.served ? 'active' : 'requested', subscribers: e.subscribers })),
  };
}
