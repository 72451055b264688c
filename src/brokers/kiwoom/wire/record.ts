/**
 * One decoded REAL entry: the named fields of its type, where it came from, and every FID the
 * table does not name. This is the `raw` of every normalized Kiwoom event and what
 * `feed.stream$(code, item)` emits.
 */
import { Exchange, splitItem } from '../endpoints';
import { Values } from './fields';
import { RealCode, RealFields, RealTables } from './real-types';

export interface RealRecord<C extends RealCode = RealCode> {
  /** Real-time type code (`0B`, `0D`, ...). */
  readonly type: C;
  /** The item as on the wire, with its venue suffix (`005930_AL`); the stock code for 00/04. */
  readonly item: string;
  /** Instrument without venue suffix ('' for market-wide notices). */
  readonly symbol: string;
  /** Venue from the item's suffix. */
  readonly exchange: Exchange;
  /** The type's label as the server sent it (`주식체결`); not always present. */
  readonly name?: string;
  readonly fields: RealFields<C>;
  /** FIDs the table does not name, and optional values that could not be read, verbatim. */
  readonly extra: Values;
}

/** A record of any type, discriminated by `type`. */
export type AnyRealRecord = { [C in RealCode]: RealRecord<C> }[RealCode];

/** Maps each code to its record type: `RealRecordMap['0J']`. */
export type RealRecordMap = { [C in RealCode]: RealRecord<C> };

/** A REAL entry as the envelope gives it. */
export interface RealEntry {
  readonly type: string;
  readonly item: string;
  readonly name?: string;
  readonly values: Values;
}

/** Decodes one entry by its type's table; an error message when the type needs a field it lacks. */
export function decodeRecord<C extends RealCode>(
  tables: RealTables,
  type: C,
  entry: RealEntry,
): RealRecord<C> | { readonly error: string } {
  const out = (tables[type] as RealTables[RealCode]).read(entry.values);
  if ('error' in out) return out;
  const fields = out.fields as RealFields<C>;
  const { symbol, exchange } = splitItem(entry.item);
  // Account and VI records name their stock in FID 9001; the item may be '' or suffixed.
  const named = (fields as { readonly symbol?: string }).symbol;
  // `extra` stays as lazy as the table made it (computed on first look).
  return entry.name === undefined
    ? { type, item: entry.item, symbol: named ?? symbol, exchange, fields, extra: out.extra }
    : { type, item: entry.item, symbol: named ?? symbol, exchange, name: entry.name, fields, extra: out.extra };
}
