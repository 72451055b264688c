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
import { KisOrderEvent } from './wire/notice';

/** What each market stream's key carries. */
export interface KisMarketMessages {
  readonly trade: KisTrade;
  readonly book: KisOrderBook;
  readonly expected: KisExpectedTrade;
  readonly status: KisMarketStatus;
}

export type KisMarketKind = keyof KisMarketMessages;

/** The key of a market stream of one stock on one venue. */
export function marketKey<K extends KisMarketKind>(kind: K, exchange: KisExchange, code: string): Key<KisMarketMessages[K]> {
  return typedKey<KisMarketMessages[K]>(keyOf(marketTrId(kind, exchange), code));
}

/** The key of the user's order and fill notices. */
export function noticeKey(env: KisEnv, htsId: string): Key<KisOrderEvent> {
  return typedKey<KisOrderEvent>(keyOf(noticeTrId(env), htsId));
}
