/**
 * `npm run chaos -- --seconds 60 --seed 7 [--broker kis]`: the fault-injection run for every
 * broker (or one), printing the per-fault table. See run.ts for what is counted and how.
 */
import { brokers, findBroker } from '../brokers';
import { faultSchedule } from '../../testing/fault-proxy';
import { ChaosResult, chaosTable, runChaos } from './run';

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? (process.argv[i + 1] as string) : fallback;
}

async function main(): Promise<void> {
  const seconds = Number(flag('seconds', '60'));
  const seed = Number(flag('seed', '1'));
  const only = flag('broker', '');
  if (!Number.isFinite(seconds) || seconds < 15) throw new Error('--seconds must be at least 15');
  const chosen = only ? [findBroker(only)].filter((b) => b !== undefined) : brokers;
  if (chosen.length === 0) throw new Error(`unknown broker ${only}`);
  const schedule = faultSchedule(seed, seconds);
  console.log(`chaos: ${seconds} s, seed ${seed}, faults: ${schedule.map((f) => `${f.kind}@${(f.at / 1000).toFixed(1)}s`).join(' ')}`);
  // The brokers run at once, each with its own server, proxy and feed (same schedule).
  const results: ChaosResult[] = await Promise.all(
    chosen.map((broker) => runChaos({ broker, schedule, seconds, log: (l) => console.log(l) })),
  );
  console.log('');
  console.log(chaosTable(results));
  const bad = results.some(
    (r) => r.lostOutside > 0 || r.repeats > 0 || (r.account !== undefined && (r.account.lost > 0 || r.account.repeated > 0)),
  );
  const rss = Math.round(process.memoryUsage().rss / 1024 / 1024);
  console.log(
    `\nrss at end: ${rss} MB${bad ? '   (losses outside fault windows, repeats or account fills lost/repeated: see the table)' : ''}`,
  );
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
