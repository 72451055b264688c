/**
 * Subscription keys: `${type}|${item}`, the item as registered on the wire (venue suffix
 * included). Types that are registered with item '' (account 00/04, market-wide 0s/1h) have one
 * key each, `00|`, whatever stock their pushes name. Condition search uses the same table:
 * `CNSRLST|` for the list of conditions and `02|${seq}` for one live condition.
 */
import { FeedError } from '../../core/errors';
import { Key, typedKey } from '../../core/key';
import { ConditionList, ConditionSnapshot } from './conditions';
import { Exchange, exchanges, itemOf } from './endpoints';
import { RealCode, isRealCode } from './wire/real-types';
import { RealRecord, RealRecordMap } from './wire/record';

/** Registered with item '' and routed by type alone. */
export const wideTypes: ReadonlySet<string> = new Set(['00', '04', '0s', '1h']);

/** The token's account: kept in their own REG group. */
export const accountTypes: ReadonlySet<string> = new Set(['00', '04']);

/** The key of the condition list: one `ConditionList` answer. */
export const conditionListKey: Key<ConditionList> = typedKey<ConditionList>('CNSRLST|');

/** What a live condition's key carries: its start snapshot, then 02 entries and exits. */
export type ConditionMessage = RealRecord<'02'> | ConditionSnapshot;

/** The key of a (type, item) pair; the codec routes that type's records to it. */
export function realKey<C extends RealCode>(type: C, item: string): Key<RealRecordMap[C]>;
export function realKey(type: string, item: string): string;
export function realKey(type: string, item: string): string {
  return wideTypes.has(type) ? `${type}|` : `${type}|${item}`;
}

export function conditionKey(seq: string): Key<ConditionMessage> {
  return typedKey<ConditionMessage>(`02|${seq}`);
}

export type ParsedKey =
  | { readonly kind: 'real'; readonly type: string; readonly item: string }
  | { readonly kind: 'conditionList' }
  | { readonly kind: 'condition'; readonly seq: string };

export function parseKey(key: string): ParsedKey {
  if (key === conditionListKey) return { kind: 'conditionList' };
  const bar = key.indexOf('|');
  const type = key.slice(0, bar);
  const item = key.slice(bar + 1);
  if (type === '02') return { kind: 'condition', seq: item };
  return { kind: 'real', type, item };
}

const symbolPattern = /^[0-9A-Za-z]{1,12}$/;

function configError(message: string): FeedError {
  return new FeedError({ kind: 'config', broker: 'kiwoom', fatal: true, message: `kiwoom: ${message}` });
}

/** Checks a user's symbol and venue; throws a config FeedError that says what to do instead. */
export function checkedItem(symbol: string, exchange: Exchange | undefined): string {
  if (typeof symbol !== 'string' || symbol === '') throw configError('a symbol is required (e.g. "005930")');
  if (/_(NX|AL)$/.test(symbol)) {
    throw configError(
      `symbol ${JSON.stringify(symbol)} carries a venue suffix: pass the plain code with { exchange: '${symbol.endsWith('_NX') ? 'NXT' : 'SOR'}' } instead`,
    );
  }
  if (!symbolPattern.test(symbol)) throw configError(`invalid symbol ${JSON.stringify(symbol)} (expected a code such as "005930")`);
  if (exchange !== undefined && !exchanges.includes(exchange)) {
    throw configError(`unknown exchange ${JSON.stringify(exchange)} (expected one of ${exchanges.join(', ')})`);
  }
  return itemOf(symbol, exchange ?? 'KRX');
}

/** The key a user's (code, item) names; items of stock types get their venue suffix from `exchange`. */
export function keyFor<C extends RealCode>(code: C, item: string, exchange: Exchange | undefined): Key<RealRecordMap[C]> {
  if (!isRealCode(code)) throw configError(`unknown real-time type ${JSON.stringify(code)}`);
  // 02's key also carries the condition's start snapshot; stream$('02') filters it out.
  if (code === '02') return conditionKey(checkedSeq(item)) as Key<RealRecordMap[C]>;
  if (wideTypes.has(code)) return realKey(code, '');
  if (code === '0J' || code === '0U' || code === '0I') {
    if (!symbolPattern.test(item)) throw configError(`invalid ${code} item ${JSON.stringify(item)} (e.g. "001" for KOSPI)`);
    return realKey(code, item);
  }
  return realKey(code, checkedItem(item, exchange));
}

export function checkedSeq(seq: string): string {
  const s = String(seq).trim();
  if (!/^\d{1,3}$/.test(s)) throw configError(`invalid condition seq ${JSON.stringify(seq)} (a number from the conditions list)`);
  return s;
}
