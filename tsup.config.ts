import * as fs from 'fs';
import * as path from 'path';
import { defineConfig } from 'tsup';

/**
 * Two builds into dist/:
 * - the library: every public entry as ES modules (.mjs + .d.mts) and CommonJS (.js + .d.ts), code
 *   split so the entries share one copy of each module (one FeedError class across subpaths);
 *   dependencies and peers stay external.
 * - the CLI (dist/cli.js, loaded by bin/rx-market.js): one CommonJS file with commander and
 *   cli-progress bundled in (a library user's install never contains them) and, for start time,
 *   rxjs, rxjs-websockets, io-ts, fp-ts, ws and @noble/ciphers too (the CLI is an application: its
 *   copy of rxjs never meets a user's); terminal-kit, better-sqlite3 and the NATS client stay
 *   optional peers, loaded only by the commands that use them.
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

/** rxjs and its subpaths (`rxjs/operators`, ...) from its ES2015 module build, for the CLI bundle. */
const rxEsm = {
  name: 'rxjs-esm',
  setup(build: { onResolve(o: { filter: RegExp }, cb: (a: { path: string }) => { path: string }): void }) {
    // tsup runs from the package root (npm scripts), where rxjs is installed.
    const dist = path.resolve('node_modules', 'rxjs', 'dist', 'esm');
    build.onResolve({ filter: /^rxjs(\/[a-z]+)?$/ }, (args) => ({ path: path.join(dist, args.path.slice('rxjs'.length), 'index.js') }));
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
    // No map: it would carry every bundled dependency's sources (2.7 MB) into each install.
    sourcemap: false,
    outDir: 'dist',
    tsconfig: 'tsconfig.build.json',
    // Start time: `rx-market stream` should load one file, not rxjs' ~220 (they were most of the
    // 1 s from spawn to the first event). The library entries above keep every dependency external.
    noExternal: ['commander', 'cli-progress', 'rxjs', 'rxjs-websockets', 'io-ts', 'fp-ts', 'ws', '@noble/ciphers'],
    external: ['terminal-kit', 'better-sqlite3', 'bufferutil', 'utf-8-validate'],
    // ES module builds of the dependencies (rxjs' `es2015`, packages' `module`): esbuild drops what
    // the CLI never calls, where the CommonJS builds would be taken whole.
    // (rxjs' exports map puts `node` first, which esbuild always matches on Node: rxEsm redirects.)
    esbuildOptions(options) {
      options.mainFields = ['module', 'main'];
    },
    esbuildPlugins: [rxEsm],
  },
]);
