/**
 * The NDJSON lines of `rx-market stream` are byte-identical to a recorded session's output
 * (__tests__/fixtures/cli-golden/*.ndjson, recorded before the output path was optimized): the
 * built CLI in its own process, fed deterministic official-layout frames by the loopback servers,
 * on a fixed clock. `RX_MARKET_GOLDEN=record npx jest cli-golden` rewrites the fixtures (only do so
 * for an intended change of the output, and say so in the commit).
 */
import { spawn } from 'child_process';
import { existsSync, readFileSync, writeFileSync } from 'fs';
import path from 'path';
import { startKiwoomServer, KisServer, startWeexServer } from '../../src/testing';
import * as frames from './frames';

const root = path.join(__dirname, '..', '..');
const fixtureDir = path.join(root, '__tests__', 'fixtures', 'cli-golden');
const recording = process.env.RX_MARKET_GOLDEN === 'record';
// 2026-11-20 10:00:00 KST, a Friday.
const FIXED_NOW = String(Date.parse('2026-11-20T10:00:00+09:00'));

interface Served {
  readonly env: Readonly<Record<string, string>>;
  /** Resolves once the CLI has subscribed to what the case streams. */
  ready(): Promise<void>;
  send(frame: string): void;
  close(): Promise<void>;
}

interface Case {
  readonly name: string;
  readonly args: readonly string[];
  readonly frames: () => string[];
  readonly serve: () => Promise<Served>;
}

const kiwoom =
  (...keys: string[]) =>
  async (): Promise<Served> => {
    const server = await startKiwoomServer({ pingIntervalMs: 0 });
    return {
      env: server.env,
      ready: () => server.waitFor(() => keys.every((k) => server.registrations().includes(k)), 20_000),
      send: (f) => server.broadcastRaw(f),
      close: () => server.close(),
    };
  };

const kis =
  (...keys: string[]) =>
  async (): Promise<Served> => {
    const server = await KisServer.start();
    return {
      env: server.env as Record<string, string>,
      ready: () => server.waitFor((s) => keys.every((k) => s.registrations().some((r) => r.some((x) => x.includes(k)))), 20_000),
      send: (f) => server.broadcastRaw(f),
      close: () => server.close(),
    };
  };

const weex = (stream: string) => async (): Promise<Served> => {
  // The server's own snapshot carries its clock: the same fixed instant as the CLI's.
  const server = await startWeexServer({ now: () => Number(FIXED_NOW) });
  return {
    env: server.env,
    ready: async () => {
      const until = Date.now() + 20_000;
      while (!server.subscribedStreams('public').includes(stream)) {
        if (Date.now() > until) throw new Error(`the CLI did not subscribe to ${stream}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    send: (f) => server.broadcastRaw(f),
    close: () => server.close(),
  };
};

const symbols = frames.kiwoomSymbols;
const cases: Case[] = [
  {
    name: 'kiwoom-trades',
    args: ['stream', 'kiwoom', 'trades', ...symbols],
    frames: frames.kiwoomTrades,
    serve: kiwoom(...symbols.map((s) => `0B|${s}`)),
  },
  {
    name: 'kiwoom-trades-raw',
    args: ['stream', 'kiwoom', 'trades', ...symbols, '--raw'],
    frames: frames.kiwoomTrades,
    serve: kiwoom(...symbols.map((s) => `0B|${s}`)),
  },
  { name: 'kiwoom-book', args: ['stream', 'kiwoom', 'book', '005930'], frames: frames.kiwoomBooks, serve: kiwoom('0D|005930') },
  {
    name: 'kiwoom-book-raw',
    args: ['stream', 'kiwoom', 'book', '005930', '--depth', '5', '--raw'],
    frames: frames.kiwoomBooks,
    serve: kiwoom('0D|005930'),
  },
  {
    name: 'kiwoom-quotes',
    args: ['stream', 'kiwoom', 'quotes', '005930', '--raw'],
    frames: frames.kiwoomQuotes,
    serve: kiwoom('0C|005930'),
  },
  {
    name: 'kiwoom-raw-0B',
    args: ['stream', 'kiwoom', 'raw', '005930', '--type', '0B'],
    frames: frames.kiwoomTrades,
    serve: kiwoom('0B|005930'),
  },
  {
    name: 'kis-trades',
    args: ['stream', 'kis', 'trades', '005930', '--exchange', 'KRX'],
    frames: frames.kisTrades,
    serve: kis('H0STCNT0|005930'),
  },
  {
    name: 'kis-trades-raw',
    args: ['stream', 'kis', 'trades', '005930', '--exchange', 'KRX', '--raw'],
    frames: frames.kisTrades,
    serve: kis('H0STCNT0|005930'),
  },
  {
    name: 'kis-book',
    args: ['stream', 'kis', 'book', '005930', '--exchange', 'KRX'],
    frames: frames.kisBooks,
    serve: kis('H0STASP0|005930'),
  },
  {
    name: 'kis-book-raw',
    args: ['stream', 'kis', 'book', '005930', '--exchange', 'KRX', '--depth', '3', '--raw'],
    frames: frames.kisBooks,
    serve: kis('H0STASP0|005930'),
  },
  { name: 'weex-trades', args: ['stream', 'weex', 'trades', 'BTCUSDT'], frames: frames.weexTrades, serve: weex('BTCUSDT@trade') },
  {
    name: 'weex-trades-raw',
    args: ['stream', 'weex', 'trades', 'BTCUSDT', '--raw'],
    frames: frames.weexTrades,
    serve: weex('BTCUSDT@trade'),
  },
  {
    name: 'weex-book',
    args: ['stream', 'weex', 'book', 'BTCUSDT', '--depth', '15'],
    frames: frames.weexBooks,
    serve: weex('BTCUSDT@depth15'),
  },
  {
    name: 'weex-book-raw',
    args: ['stream', 'weex', 'book', 'BTCUSDT', '--depth', '15', '--raw'],
    frames: frames.weexBooks,
    serve: weex('BTCUSDT@depth15'),
  },
];

/** Runs one case: the CLI until `count` lines (comparing) or until a quiet timeout (recording). */
async function runCase(c: Case, count: number | undefined): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const served = await c.serve();
  try {
    const limit = count === undefined ? ['--timeout', '6'] : ['--count', String(count), '--timeout', '40'];
    const child = spawn(
      process.execPath,
      ['-r', path.join(root, '__tests__', 'support', 'fixed-clock.js'), path.join(root, 'bin', 'rx-market.js'), ...c.args, ...limit],
      {
        cwd: root,
        env: { PATH: process.env.PATH ?? '', ...served.env, RX_MARKET_FIXED_NOW: FIXED_NOW },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = new Promise<number | null>((resolve) => child.on('close', resolve));
    await served.ready();
    for (const f of c.frames()) served.send(f);
    return { code: await code, stdout, stderr };
  } finally {
    await served.close();
  }
}

describe('rx-market stream output is byte-identical to the recorded session', () => {
  for (const c of cases) {
    const file = path.join(fixtureDir, `${c.name}.ndjson`);
    it(`${c.name}: ${c.args.slice(1).join(' ')}`, async () => {
      if (recording) {
        const { stdout, stderr } = await runCase(c, undefined);
        expect(stdout.length).toBeGreaterThan(0);
        writeFileSync(file, stdout);
        if (stderr.includes('[error]')) process.stderr.write(`${c.name}: ${stderr}\n`);
        return;
      }
      expect(existsSync(file)).toBe(true);
      const expected = readFileSync(file, 'utf8');
      const lines = expected.split('\n').length - 1;
      const { code, stdout, stderr } = await runCase(c, lines);
      expect({ code, stderr: code === 0 ? '' : stderr }).toEqual({ code: 0, stderr: '' });
      expect(stdout).toBe(expected);
    }, 60_000);
  }
});
