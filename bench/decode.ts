/**
 * Decode cost per frame, in process, no sockets: each broker's codec (`decode(frame)` → events,
 * then the feed's mapping to the normalized event) beside JSON.parse / split of the same frame.
 * Tells where the real-path time goes (bench/real measures the whole path).
 */
import { KiwoomCodec } from '../src/brokers/kiwoom/codec';
import { realTables } from '../src/brokers/kiwoom/wire/real-types';
import { toTrade, toOrderBook } from '../src/brokers/kiwoom/mapping';
import { KisCodec } from '../src/brokers/kis/codec';
import { toModel } from '../src/brokers/kis/mapping';
import { KisWireRecord } from '../src/brokers/kis/wire/message';
import { createV3Codec } from '../src/brokers/weex/codec';
import { toTrades } from '../src/brokers/weex/mapping';
import { TradePush } from '../src/brokers/weex/wire/public-pushes';
import { framesOf, FrameKind } from './real/frames';

const N = Number(process.env.BENCH_DECODE_FRAMES ?? 200_000);

function time(label: string, frames: string[], f: (s: string) => unknown): number {
  let sink = 0;
  for (let i = 0; i < 20_000; i++) if (f(frames[i % frames.length])) sink++;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i++) if (f(frames[i % frames.length])) sink++;
  const ns = Number(process.hrtime.bigint() - t0) / N;
  if (sink < 0) console.log(label);
  return ns;
}

function frames(kind: FrameKind, symbols: string[]): string[] {
  const f = framesOf(kind);
  return Array.from({ length: 1000 }, (_, i) => f.frame(i, symbols));
}

export async function run(): Promise<void> {
  const tables = realTables(() => '20261120');
  const codec = new KiwoomCodec({ token: 't', freshToken: true, onTokenRejected: () => undefined, tables });
  const rows: [string, number, number][] = [];
  const k0B = frames('kiwoom-0B', ['005930', '000660', '035720']);
  rows.push([
    'Kiwoom 0B → Trade',
    time('json', k0B, (s) => JSON.parse(s)),
    time('codec', k0B, (s) => {
      const ev = codec.decode(s);
      const e = ev[0] as { message?: unknown };
      return e.message && toTrade(e.message as never);
    }),
  ]);
  const k0D = frames('kiwoom-0D', ['005930']);
  rows.push([
    'Kiwoom 0D → OrderBook',
    time('json', k0D, (s) => JSON.parse(s)),
    time('codec', k0D, (s) => {
      const ev = codec.decode(s);
      const e = ev[0] as { message?: unknown };
      return e.message && toOrderBook(e.message as never);
    }),
  ]);
  const kis = new KisCodec({ approvalKey: 'a', custType: 'P', reportedLayouts: new Set() });
  const kCnt = frames('kis-H0STCNT0', ['005930', '000660', '035720']);
  rows.push([
    'KIS H0STCNT0 → Trade',
    time('split', kCnt, (s) => s.split('|')[3].split('^')),
    time('codec', kCnt, (s) => {
      const e = kis.decode(s)[0] as { message?: KisWireRecord };
      return e.message && toModel(e.message, Date.now());
    }),
  ]);
  const weex = createV3Codec();
  const wTrade = frames('weex-trade', ['BTCUSDT', 'ETHUSDT', 'SOLUSDT']);
  rows.push([
    'WEEX trade → Trade',
    time('json', wTrade, (s) => JSON.parse(s)),
    time('codec', wTrade, (s) => {
      const e = weex.decode(s)[0] as { message?: unknown };
      return e.message && toTrades(e.message as TradePush);
    }),
  ]);
  console.log(`\n# decode: ns per frame, ${N} frames, in process (KIS: beside splitting the frame)\n`);
  console.log('| frame | JSON.parse / split only | rx-market decode + mapping | ratio |');
  console.log('|---|---:|---:|---:|');
  for (const [l, j, c] of rows) console.log(`| ${l} | ${j.toFixed(0)} | ${c.toFixed(0)} | ${(c / j).toFixed(2)}× |`);
}
