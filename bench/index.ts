/**
 * `npm run bench [-- name...]`: runs the default benchmarks (or the named ones, or `all`) and
 * prints Markdown tables. Benchmarks are scripts, never tests: speed is measured here, not
 * asserted in jest. The default set (the real decode path, the book, the core and the
 * safeguards' CPU cost) fits in about 5 minutes on 2 cores; `memory` (six 60 s cases) and
 * `gateway` (1, 10 and 50 consumer processes on a nats-server) are long and run when named.
 */
const benches: Record<string, () => Promise<{ run(): Promise<void> }>> = {
  core: () => import('./core'),
  book: () => import('./book'),
  real: () => import('./real'),
  decode: () => import('./decode'),
  safeguards: () => import('./memory').then((m) => ({ run: m.runSafeguards })),
  gateway: () => import('./gateway'),
  memory: () => import('./memory'),
};

const defaults = ['core', 'book', 'real', 'decode', 'safeguards'];

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const names = wanted.length === 0 ? defaults : wanted.includes('all') ? Object.keys(benches) : wanted;
  if (wanted.length === 0) console.log('(default set; `npm run bench -- memory gateway` or `-- all` for the long ones)');
  for (const name of names) {
    const load = benches[name];
    if (!load) throw new Error(`unknown benchmark "${name}"; known: ${Object.keys(benches).join(', ')}`);
    await (await load()).run();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
