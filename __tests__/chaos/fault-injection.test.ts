import { kisModule } from '../../src/app/brokers/kis';
import { kiwoomModule } from '../../src/app/brokers/kiwoom';
import { weexModule } from '../../src/app/brokers/weex';
import { BrokerModule } from '../../src/app/broker-module';
import { runChaos } from '../../src/app/chaos/run';
import { ScheduledFault } from '../../src/testing/fault-proxy';

/**
 * The fault-injection suite in CI: each broker's feed, through its public API, behind a
 * FaultProxy on its loopback server, meets a close, a reset and a half-open stall. Asserted by
 * counts and order, never by timing: every fault is detected, every key is registered again,
 * nothing published outside a fault window is lost, nothing is delivered twice.
 * (`npm run chaos` runs the long seeded schedule and prints the timings.)
 */
const schedule: ScheduledFault[] = [
  { kind: 'close', at: 1_000, forMs: 0 },
  { kind: 'reset', at: 3_000, forMs: 0 },
  { kind: 'stall', at: 5_000, forMs: 4_000 },
];

const session = {
  // Short detectors so the stall is found within the test; the defaults are 4 s + 4 s.
  pingAfterMs: 500,
  pongTimeoutMs: 1_000,
  backoff: { initialMs: 200, random: () => 0.5, healthyAfterMs: 500 },
};

describe.each<[string, BrokerModule<any>]>([
  ['kiwoom', kiwoomModule],
  ['kis', kisModule],
  ['weex', weexModule],
])('%s behind a fault-injecting proxy', (_name, broker) => {
  it('detects close, reset and stall, registers every key again, loses nothing outside the fault windows, repeats nothing', async () => {
    // 14 s: after the stall is healed (9 s) KIS may still be retrying its ghost session's OPSP8996.
    const result = await runChaos({ broker, schedule, seconds: 14, session, publishEveryMs: 25 });
    expect(result.rows.map((r) => r.fault)).toEqual(['close', 'reset', 'stall']);
    for (const row of result.rows) {
      expect(row.detectedMs).toBeDefined();
      expect(row.reregistered).toBe('3/3');
    }
    expect(result.rows.map((r) => r.detector)).toEqual(['socket', 'socket', 'pong']);
    expect(result.published).toBeGreaterThan(100);
    expect(result.lostOutside).toBe(0);
    // WEEX sends the last 20 trades of a symbol to every new subscription: de-duplicated by trade id.
    expect(result.repeats).toBe(0);
    // Data flowed between the faults: far more was received than lost in the windows.
    expect(result.received).toBeGreaterThan(result.lostInside);
    // The account stream through the same faults, with the REST catch-up: every fill exactly once.
    expect(result.account).toMatchObject({ lost: 0, repeated: 0 });
    expect(result.account?.published).toBeGreaterThan(20);
  }, 60_000);
});
