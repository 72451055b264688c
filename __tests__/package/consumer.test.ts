/**
 * The package as users get it: `npm pack`, then fresh consumer projects that install the tarball
 * from the npm registry's point of view (peers resolved by npm):
 * - publint and @arethetypeswrong/cli on the packed package;
 * - CommonJS `require` and native ES module named imports, each streaming a trade from the
 *   loopback Kiwoom server that `rx-market/testing` starts;
 * - TypeScript type-checks under moduleResolution node10, node16, nodenext and bundler;
 * - an app on the lowest declared peers (rxjs 7.5.0, io-ts 2.2.20, fp-ts 2.16.0): one rxjs copy,
 *   `instanceof Observable` true, and the feed's Observable assignable to the app's.
 * `npm test` builds dist/ first (`pretest`); installs need the npm registry.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const root = path.join(__dirname, '..', '..');
const bin = (name: string): string => path.join(root, 'node_modules', '.bin', name);
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
let work: string;
let tarball: string;

const run = (cmd: string, args: readonly string[], cwd: string): string => {
  try {
    return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: cleanEnv() });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')} failed in ${cwd}:\n${err.stdout ?? ''}\n${err.stderr ?? ''}\n${err.message}`);
  }
};

/** The environment without what `npm test` set for this package (a consumer is its own project). */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('npm_') || k === 'npm_config_cache'));
}

/** A fresh project that installs the tarball and `deps`, with these files. */
function project(name: string, deps: readonly string[], files: Readonly<Record<string, string>>): string {
  const dir = path.join(work, name);
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: `consumer-${name}`, version: '1.0.0', private: true }, null, 2));
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts', tarball, ...deps], dir);
  return dir;
}

// Streams one trade from the loopback server through the installed package; prints what it proves.
const streamCjs = `
const { kiwoomFromEnv, FeedError } = require('rx-market');
const { bars } = require('rx-market/operators');
const { startKiwoomServer } = require('rx-market/testing');
const { Observable, firstValueFrom } = require('rxjs');
(async () => {
  const server = await startKiwoomServer({ pingIntervalMs: 0 });
  const feed = kiwoomFromEnv(server.env);
  const trades = feed.trades$('005930');
  const first = firstValueFrom(trades);
  await server.waitFor(() => server.registrations().includes('0B|005930'), 20000);
  server.publish({ kind: 'trade', broker: 'kiwoom', symbol: '005930', price: 60700, size: 5, side: 'buy', time: '2026-11-20T09:01:01+09:00', timestamp: Date.parse('2026-11-20T09:01:01+09:00'), raw: {} });
  const t = await first;
  console.log(JSON.stringify({ price: t.price, observable: trades instanceof Observable, bars: typeof bars, feedError: typeof FeedError,
    rxjs: require.resolve('rxjs') === require.resolve('rxjs', { paths: [require.resolve('rx-market')] }) }));
  feed.close?.();
  await server.close();
  process.exit(0);
})().catch((e) => { console.error(e); process.exit(1); });
`;
const streamEsm = `
import { kiwoomFromEnv, FeedError } from 'rx-market';
import { bars } from 'rx-market/operators';
import { startKiwoomServer } from 'rx-market/testing';
import { Observable, firstValueFrom } from 'rxjs';
import { createRequire } from 'module';
const require = createRequire(import.meta.url);
const server = await startKiwoomServer({ pingIntervalMs: 0 });
const feed = kiwoomFromEnv(server.env);
const trades = feed.trades$('005930');
const first = firstValueFrom(trades);
await server.waitFor(() => server.registrations().includes('0B|005930'), 20000);
server.publish({ kind: 'trade', broker: 'kiwoom', symbol: '005930', price: 60700, size: 5, side: 'buy', time: '2026-11-20T09:01:01+09:00', timestamp: Date.parse('2026-11-20T09:01:01+09:00'), raw: {} });
const t = await first;
console.log(JSON.stringify({ price: t.price, observable: trades instanceof Observable, bars: typeof bars, feedError: typeof FeedError,
  rxjs: require.resolve('rxjs') === require.resolve('rxjs', { paths: [require.resolve('rx-market')] }) }));
feed.close?.();
await server.close();
process.exit(0);
`;
// Every public entry, used with types that must line up with the app's own rxjs.
const typed = `
import { kiwoom, FeedError, type Trade, type OrderBook } from 'rx-market';
import { bars, vwap } from 'rx-market/operators';
import { strategyTest } from 'rx-market/testing';
import { replayFrames } from 'rx-market/replay';
import { kis } from 'rx-market/kis';
import { weex } from 'rx-market/weex';
import { kiwoom as kiwoomToo } from 'rx-market/kiwoom';
import { Observable } from 'rxjs';
const feed = kiwoom({ appKey: 'k', secretKey: 's' });
const trades: Observable<Trade> = feed.trades$('005930');
const books: Observable<OrderBook> = feed.orderBook$('005930');
const closes: Observable<number> = trades.pipe(bars(60_000), (b) => new Observable<number>((s) => b.subscribe((x) => s.next(x.close))));
export const used = [trades, books, closes, vwap, FeedError, strategyTest, replayFrames, kis, weex, kiwoomToo];
`;
const tsconfig = (module: string, moduleResolution: string, files: readonly string[] = ['typed.ts']) =>
  JSON.stringify({
    compilerOptions: { target: 'ES2022', module, moduleResolution, strict: true, noEmit: true, skipLibCheck: true, types: ['node'] },
    files,
  });

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'rx-market-consumer-'));
  // dist/ is built by `pretest`: pack it as it is (the prepare script would build it again).
  const out = run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], root);
  tarball = path.join(work, (JSON.parse(out) as { filename: string }[])[0].filename);
}, 120_000);

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

it('publint and arethetypeswrong pass on the packed package', () => {
  expect(run(bin('publint'), ['--strict', '--pack', 'false'], root)).toMatch(/All good|Suggestions|No issues/i);
  const attw = run(bin('attw'), [tarball, '--format', 'table-flipped'], root);
  expect(attw).toMatch(/No problems found/);
}, 120_000);

it('the tarball holds the build, the CLI, LICENSE and CHANGELOG, and no sources or tests', () => {
  const files = run('tar', ['-tzf', tarball], work).split('\n').filter(Boolean);
  expect(files).toEqual(
    expect.arrayContaining([
      'package/dist/index.js',
      'package/dist/index.mjs',
      'package/dist/index.d.ts',
      'package/dist/index.d.mts',
      'package/dist/cli.js',
      'package/bin/rx-market.js',
      'package/LICENSE',
      'package/CHANGELOG.md',
      'package/README.md',
    ]),
  );
  expect(files.filter((f) => /^package\/(src|__tests__|marbles|bench|examples)\//.test(f))).toEqual([]);
});

describe('a fresh project on the newest rxjs 7', () => {
  let dir: string;
  beforeAll(() => {
    dir = project('latest', ['rxjs@^7', '@types/node@^20'], { 'stream.cjs': streamCjs, 'stream.mjs': streamEsm, 'typed.ts': typed });
  }, 300_000);

  it('installs no CLI-only packages; the peers once', () => {
    const names = fs
      .readdirSync(path.join(dir, 'node_modules'))
      .flatMap((n) => (n.startsWith('@') ? fs.readdirSync(path.join(dir, 'node_modules', n)).map((m) => `${n}/${m}`) : [n]));
    for (const cliOnly of ['commander', 'terminal-kit', 'cli-progress', 'better-sqlite3']) expect(names).not.toContain(cliOnly);
    expect(names).toEqual(expect.arrayContaining(['rx-market', 'rxjs', 'io-ts', 'fp-ts', 'ws', 'rxjs-websockets', '@noble/ciphers']));
    expect(fs.existsSync(path.join(dir, 'node_modules', 'rx-market', 'node_modules', 'rxjs'))).toBe(false);
  });

  it('CommonJS require streams a trade; one rxjs, instanceof Observable', () => {
    expect(JSON.parse(run('node', ['stream.cjs'], dir))).toEqual({
      price: 60700,
      observable: true,
      bars: 'function',
      feedError: 'function',
      rxjs: true,
    });
  }, 60_000);

  it('native ES module named imports stream a trade; one rxjs, instanceof Observable', () => {
    expect(JSON.parse(run('node', ['stream.mjs'], dir))).toEqual({
      price: 60700,
      observable: true,
      bars: 'function',
      feedError: 'function',
      rxjs: true,
    });
  }, 60_000);

  it.each([
    ['node10', 'commonjs', 'node10'],
    ['node16', 'node16', 'node16'],
    ['nodenext', 'nodenext', 'nodenext'],
    ['bundler', 'esnext', 'bundler'],
  ])(
    'TypeScript type-checks every entry under moduleResolution %s (from CommonJS and ES module files)',
    (name, module, resolution) => {
      // Under node16/nodenext a .ts file here is CommonJS (require conditions), a .mts file ESM (import).
      fs.writeFileSync(path.join(dir, 'typed-esm.mts'), typed);
      fs.writeFileSync(
        path.join(dir, `tsconfig.${name}.json`),
        tsconfig(module, resolution, name === 'node10' ? ['typed.ts'] : ['typed.ts', 'typed-esm.mts']),
      );
      run('node', [tsc, '-p', `tsconfig.${name}.json`], dir);
    },
    120_000,
  );
});

describe('an app on the lowest declared peers (rxjs 7.5.0, io-ts 2.2.20, fp-ts 2.16.0)', () => {
  let dir: string;
  beforeAll(() => {
    dir = project('oldest', ['rxjs@7.5.0', 'io-ts@2.2.20', 'fp-ts@2.16.0', '@types/node@^20'], {
      'stream.cjs': streamCjs,
      'stream.mjs': streamEsm,
      'typed.ts': typed,
    });
  }, 300_000);

  it('has one rxjs, 7.5.0', () => {
    expect(
      (JSON.parse(fs.readFileSync(path.join(dir, 'node_modules', 'rxjs', 'package.json'), 'utf8')) as { version: string }).version,
    ).toBe('7.5.0');
    const copies = run('npm', ['ls', 'rxjs', '--all', '--parseable'], dir)
      .trim()
      .split('\n')
      .filter((l) => l.includes('rxjs'));
    expect(copies).toEqual([path.join(dir, 'node_modules', 'rxjs')]);
  });

  it('streams a trade from CommonJS and from an ES module; instanceof Observable', () => {
    const expected = { price: 60700, observable: true, bars: 'function', feedError: 'function', rxjs: true };
    expect(JSON.parse(run('node', ['stream.cjs'], dir))).toEqual(expected);
    expect(JSON.parse(run('node', ['stream.mjs'], dir))).toEqual(expected);
  }, 60_000);

  // rxjs 7.5.0's own `exports` have no types (added in 7.5.7), so TypeScript finds rxjs's types
  // only through node10 resolution there; newer 7.x works under every resolution (above).
  it("type-checks: the feed's Observable is the app's Observable (no TS2322)", () => {
    fs.writeFileSync(path.join(dir, 'tsconfig.json'), tsconfig('commonjs', 'node10'));
    run('node', [tsc, '-p', 'tsconfig.json'], dir);
  }, 120_000);
});
