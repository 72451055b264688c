import * as fs from 'fs';
import * as path from 'path';
import { defineConfig } from 'tsup';

/**
 * Two builds into dist/:
 * - the library: every public entry as ES modules (.mjs + .d.mts) and CommonJS (.js + .d.ts), code
 *   split so the entries share one copy of each module (one FeedError class across subpaths);
 *   dependencies and peers stay external.
 * - the CLI (dist/cli.js, loaded by bin/rx-market.js): CommonJS, with commander and cli-progress
 *   bundled in, so a library user's install never contains them; terminal-kit is an optional peer
 *   loaded only by the full-screen dashboard.
 */
/**
 * fp-ts has no `exports` map: `fp-ts/Either` is a directory, which Node's ES module loader refuses.
 * Point deep imports at the file (`fp-ts/lib/Either.js`), which every loader and bundler takes.
 */
const fpTsFiles = {
  name: 'fp-ts-files',
  setup(build: { onResolve(o: { filter: RegExp }, cb: (a: { path: string }) => { path: string; external: boolean }): void }) {
    build.onResolve({ filter: /^fp-ts\/[A-Za-z]+$/ }, (args) => ({
      path: args.path.replace(/^fp-ts\//, 'fp-ts/lib/') + '.js',
      external: true,
    }));
  },
};

/**
 * The browser build of the root entry (`exports` "browser" condition): the same code with the
 * REST clients and `withRest` swapped for stand-ins (src/feed/rest-absent.ts), since broker REST
 * belongs on a server (secrets, CORS). Where a broker folder has no `rest/browser.ts`, its real
 * client stays.
 */
const browserStandIns = {
  name: 'browser-stand-ins',
  setup(build: { onResolve(o: { filter: RegExp }, cb: (a: { path: string; importer: string }) => { path: string } | undefined): void }) {
    build.onResolve({ filter: /^(\.\/rest|\.\.\/\.\.\/feed\/with-rest)$/ }, (args) => {
      if (!/[\\/]src[\\/]brokers[\\/][a-z]+[\\/]feed\.ts$/.test(args.importer)) return undefined;
      const dir = path.dirname(args.importer);
      const standIn =
        args.path === './rest' ? path.join(dir, 'rest', 'browser.ts') : path.join(dir, '..', '..', 'feed', 'with-rest.browser.ts');
      return fs.existsSync(standIn) ? { path: standIn } : undefined;
    });
  },
};

const library = {
  index: 'src/index.ts',
  operators: 'src/operators/index.ts',
  testing: 'src/testing/index.ts',
  replay: 'src/app/replay/index.ts',
  kiwoom: 'src/brokers/kiwoom/index.ts',
  kis: 'src/brokers/kis/index.ts',
  weex: 'src/brokers/weex/index.ts',
  sqlite: 'src/sqlite/index.ts',
  nats: 'src/nats/index.ts',
  'nats-browser': 'src/nats/browser.ts',
};

export default defineConfig([
  {
    entry: library,
    format: ['cjs', 'esm'],
    target: 'es2022',
    platform: 'node',
    dts: true,
    splitting: true,
    sourcemap: true,
    clean: true,
    outDir: 'dist',
    tsconfig: 'tsconfig.build.json',
    noExternal: [/^fp-ts\/[A-Za-z]+$/], // handed to fpTsFiles, which keeps them external
    esbuildPlugins: [fpTsFiles],
  },
  {
    entry: { index: 'src/index.ts' },
    format: ['esm'],
    target: 'es2022',
    platform: 'browser',
    dts: false,
    sourcemap: true,
    outDir: 'dist/browser',
    tsconfig: 'tsconfig.build.json',
    noExternal: [/^fp-ts\/[A-Za-z]+$/],
    esbuildPlugins: [fpTsFiles, browserStandIns],
  },
  {
    entry: { cli: 'src/app/cli/main.ts' },
    format: ['cjs'],
    target: 'es2022',
    platform: 'node',
    sourcemap: true,
    outDir: 'dist',
    tsconfig: 'tsconfig.build.json',
    noExternal: ['commander', 'cli-progress'],
    external: ['terminal-kit', 'better-sqlite3'],
  },
]);
