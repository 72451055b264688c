/**
 * KIS subscription keys: `${tr_id}|${tr_key}`, exactly what a register request names (tr_key is
 * the stock code, or the HTS ID for order notices). Each builder says what its key carries.
 */
import { Key, typedKey } from '../../core/key';
import { keyOf } from './wire/control';
import { KisEnv, KisExchange, marketTrId, noticeTrId } from './wire/tr-ids';
import { KisTrade } from './wire/trade';
import { KisOrderBook } from './wire/book';
import { KisExpectedTrade } from './wire/expected';
import { KisMarketStatus } from './wire/market-status';
import { KisWireRecord } from './wire/message';

/** What each market stream's key carries. */
export interface KisMarketMessages {
  readonly trade: KisTrade;
  readonly book: KisOrderBook;
  readonly expected: KisExpectedTrade;
  readonly status: KisMarketStatus;
}

export type KisMarketKind = keyof KisMarketMessages;

/** The key of a market stream of one stock on one venue: its records, which the feed maps to `KisMarketMessages[K]`. */
export function marketKey<K extends KisMarketKind>(kind: K, exchange: KisExchange, code: string): Key<KisWireRecord> {
  return typedKey<KisWireRecord>(keyOf(marketTrId(kind, exchange), code));
}

/** The key of the user's order and fill notices (records the feed maps to `KisOrderEvent`). */
export function noticeKey(env: KisEnv, htsId: string): Key<KisWireRecord> {
  return typedKey<KisWireRecord>(keyOf(noticeTrId(env), htsId));
}
