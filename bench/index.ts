/**
 * `npm run bench [-- name...]`: runs every benchmark (or the named ones) and prints Markdown
 * tables. Benchmarks are scripts, never tests: speed is measured here, not asserted in jest.
 */
const benches: Record<string, () => Promise<{ run(): Promise<void> }>> = {
  core: () => import('./core'),
  book: () => import('./book'),
  real: () => import('./real'),
  decode: () => import('./decode'),
  gateway: () => import('./gateway'),
  memory: () => import('./memory'),
};

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const names = wanted.length > 0 ? wanted : Object.keys(benches);
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
