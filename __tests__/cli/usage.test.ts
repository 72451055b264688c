/**
 * CLI hygiene, on the built CLI in child processes: every usage error is one `rx-market:` line and
 * exit 2 (the parser's own included), flags are checked before credentials, `--version` and a
 * `--help` that says what a user needs (credential variables, streams, exit codes, examples).
 */
import * as fs from 'fs';
import * as path from 'path';
import { killRunningClis, spawnCli } from '../support/cli';
import { brokers, cliStreams } from '../../src/app/brokers';

afterEach(killRunningClis);

/** Runs with no credentials at all: only PATH. */
const run = (...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> => spawnCli(args, {}).done;

const version = (JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }).version;

it('--version and -V print the package version', async () => {
  for (const flag of ['--version', '-V']) {
    const r = await run(flag);
    expect(r).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  }
});

it('--help lists every broker’s credential variables and streams, the exit codes and examples', async () => {
  const r = await run('--help');
  expect(r.code).toBe(0);
  for (const broker of brokers) {
    for (const name of broker.envVars) expect(r.stdout).toContain(name);
    const line = r.stdout.split('\n').find((l) => l.trim().startsWith(`${broker.name} `) && l.includes('trades'));
    expect(line).toBeDefined();
    for (const stream of Object.keys(cliStreams(broker))) expect(line).toMatch(new RegExp(`\\b${stream}\\b`));
  }
  expect(r.stdout).toMatch(/Exit codes:[\s\S]*\n {2}2 +bad usage/);
  expect(r.stdout).toMatch(/Examples:\n(.*rx-market .*\n){2,}/);
});

it('stream --help lists the streams of every broker', async () => {
  const r = await run('stream', '--help');
  expect(r.code).toBe(0);
  for (const broker of brokers) expect(r.stdout).toMatch(new RegExp(`\\n {2}${broker.name} +trades`));
});

describe('usage errors: exit 2, one rx-market: line on stderr, nothing on stdout', () => {
  const cases: [string, string[], RegExp][] = [
    ['an unknown command', ['nonsense'], /unknown command 'nonsense'/],
    ['an unknown option', ['stream', 'kiwoom', 'trades', '005930', '--bogus'], /unknown option '--bogus'/],
    ['a missing argument', ['stream'], /missing required argument 'broker'/],
    ['a bad option value', ['stream', 'kiwoom', 'trades', '005930', '--count', 'ten'], /--count.*positive whole number/],
    ['an unknown broker', ['stream', 'nyse', 'trades', 'IBM'], /unknown broker "nyse"/],
    ['an unknown stream', ['stream', 'kiwoom', 'candles', '005930'], /unknown kiwoom stream "candles"/],
    ['a missing symbol', ['stream', 'kis', 'trades'], /needs at least one symbol/],
    // Flags before credentials: no keys are set, yet the flag is what is reported.
    [
      'a bad venue (no credentials set)',
      ['stream', 'kiwoom', 'trades', '005930', '--exchange', 'XYZ'],
      /--exchange must be one of KRX, NXT, SOR, got "XYZ"/,
    ],
    ['a flag the broker does not take', ['stream', 'weex', 'book', 'BTCUSDT', '--exchange', 'KRX'], /weex takes no --exchange/],
    ['symbols on an account stream', ['stream', 'weex', 'orders', 'BTCUSDT'], /takes no symbols/],
    ['--type on a contract stream', ['stream', 'kiwoom', 'trades', '005930', '--type', '0J'], /--type is for the raw stream/],
  ];
  it.each(cases)('%s', async (_name, args, message) => {
    const r = await run(...args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.split('\n').filter((l) => l !== '');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^rx-market: /);
    expect(lines[0]).toMatch(message);
  });
});

it('missing credentials: exit 1 with one line naming the variables, and no status line before it', async () => {
  const r = await run('stream', 'weex', 'orders');
  expect(r.code).toBe(1);
  expect(r.stderr.split('\n').filter((l) => l !== '')).toEqual([expect.stringMatching(/^rx-market: weex: .*WEEX_API_KEY/)]);
  const k = await run('stream', 'kiwoom', 'trades', '005930');
  expect(k.code).toBe(1);
  expect(k.stderr).toBe('rx-market: kiwoom: set KIWOOM_APPKEY and KIWOOM_SECRETKEY (see `rx-market --help`)\n');
});
