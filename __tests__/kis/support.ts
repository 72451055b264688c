import { Observable, firstValueFrom, take, toArray, timeout } from 'rxjs';
import { SessionOptions } from '../../src/core/session-types';
import { KisFeed, kis } from '../../src/brokers/kis';
import { KisKeys, KisSettings } from '../../src/brokers/kis/options';
import { KisServer } from '../../src/app/servers/kis/server';

/** Short timings so reconnect tests stay fast. */
export const fastSession: SessionOptions = {
  keyLingerMs: 0,
  connectionLingerMs: 0,
  livenessMs: 0,
  backoff: { initialMs: 20, maxMs: 50, random: () => 0.5, healthyAfterMs: 60_000 },
};

/** A feed pointed at a loopback server. */
export function feedFor(server: KisServer, options: Partial<KisSettings & KisKeys> = {}, session: SessionOptions = {}): KisFeed {
  return kis(
    { appKey: server.appKey, appSecret: server.appSecret, htsId: server.htsId, restUrl: server.restUrl, wsUrl: server.wsUrl, ...options },
    { ...fastSession, ...session },
  );
}

/** The first `n` values, or a timeout error. */
export function firstN<T>(source: Observable<T>, n: number, ms = 5_000): Promise<T[]> {
  return firstValueFrom(source.pipe(take(n), toArray(), timeout(ms)));
}

/** Whether some open connection has registered `key`. */
export const registered =
  (...keys: string[]) =>
  (s: KisServer): boolean =>
    s.registrations().some((r) => keys.every((k) => r.includes(k)));

/** Six-digit stock codes for filling the registration table. */
export const codes = (n: number): string[] => Array.from({ length: n }, (_, i) => String(100000 + i));
