/** Shared helpers of the Kiwoom tests (not a test file). */
import * as fs from 'fs';
import * as path from 'path';
import { KiwoomCodec, KiwoomMessage } from '../../src/brokers/kiwoom/codec';
import { realTables } from '../../src/brokers/kiwoom/wire/real-types';
import { FrameEvent } from '../../src/core/protocol';

export const fixtureDir = path.join(__dirname, '..', 'fixtures', 'kiwoom');

/** A fixture file's text. */
export function fixtureText(name: string): string {
  return fs.readFileSync(path.join(fixtureDir, name), 'utf8');
}

export function fixture<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(fixtureText(name)) as T;
}

/** Session frames (LOGIN, PING, acks, SYSTEM, condition search) by name, as JSON text. */
export function sessionFrame(name: string): string {
  const all = fixture<Record<string, unknown>>('session.json');
  if (!(name in all)) throw new Error(`no session frame ${name}`);
  return JSON.stringify(all[name]);
}

/** 2026-11-20 10:00:00 KST: the trading date of every decoded time in these tests. */
export const NOW = Date.parse('2026-11-20T10:00:00+09:00');
export const TRADING_DATE = '20261120';

export const tables = realTables(() => TRADING_DATE);

export function makeCodec(overrides: Partial<ConstructorParameters<typeof KiwoomCodec>[0]> = {}): KiwoomCodec {
  return new KiwoomCodec({ token: 'test-token-abcdef', freshToken: false, onTokenRejected: () => undefined, tables, ...overrides });
}

/** The data messages of decoded events, by key. */
export function dataOf(events: readonly FrameEvent<KiwoomMessage>[]): { key: string; message: KiwoomMessage }[] {
  return events.flatMap((e) => (e.type === 'data' ? [{ key: e.key, message: e.message }] : []));
}
