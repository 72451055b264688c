/** H0STASP0 / H0NXASP0 / H0UNASP0 records as normalized order books. */
import * as t from 'io-ts';
import { OrderBook, PriceLevel } from '../../../model';
import { KisRecord } from './record';
import { BookField } from './fields';
import { Code, Hhmmss, OptionalKisNumber, decodeFields, describeErrors, kisNumber, kisTime } from './values';
import { MapContext, Mapped, mapped, unmapped } from '../mapped';
import { venueOf } from '../venue';
import { bookTotals } from './figures';

const BookValues = t.type({ MKSC_SHRN_ISCD: Code, BSOP_HOUR: Hhmmss });

export type KisBookRecord = KisRecord<BookField>;
export type KisOrderBook = OrderBook<KisBookRecord>;

const depth = 10;

const names = (prefix: string): readonly string[] => Array.from({ length: depth }, (_, i) => `${prefix}${i + 1}`);
const levelNames = { ASKP: names('ASKP'), ASKP_RSQN: names('ASKP_RSQN'), BIDP: names('BIDP'), BIDP_RSQN: names('BIDP_RSQN') };

/** An optional number (`OptionalKisNumber`, without io-ts on the way that succeeds), or why not. */
function optionalNumber(fields: Readonly<Record<string, string>>, name: string): number | undefined | { readonly error: string } {
  const text = fields[name] ?? '';
  if (text === '') return undefined;
  const n = kisNumber(text);
  if (n !== undefined) return n;
  const decoded = OptionalKisNumber.decode(text);
  return { error: `${name}: ${decoded._tag === 'Left' ? describeErrors(decoded.left) : 'invalid'}` };
}

/** The ten levels of one side, best first, without empty levels (price or size 0 or blank). */
function side(
  fields: Readonly<Record<string, string>>,
  price: keyof typeof levelNames,
  size: keyof typeof levelNames,
): PriceLevel[] | string {
  const out: PriceLevel[] = [];
  const prices = levelNames[price];
  const sizes = levelNames[size];
  for (let i = 0; i < depth; i++) {
    const p = optionalNumber(fields, prices[i]);
    if (typeof p === 'object') return p.error;
    const s = optionalNumber(fields, sizes[i]);
    if (typeof s === 'object') return s.error;
    if (p && s && p > 0 && s > 0) out.push({ price: p, size: s });
  }
  return out;
}

/**
 * A book record as an OrderBook, with the venue's total resting sizes (`TOTAL_BIDP_RSQN`,
 * `TOTAL_ASKP_RSQN`). Books carry a time but no date: the date is the KST date of the session clock.
 */
export function toOrderBook(record: KisBookRecord, ctx: MapContext): Mapped<KisOrderBook> {
  const decoded = decodeFields(BookValues, record.fields);
  if (decoded._tag === 'Left') return unmapped(describeErrors(decoded.left));
  const asks = side(record.fields, 'ASKP', 'ASKP_RSQN');
  if (typeof asks === 'string') return unmapped(asks);
  const bids = side(record.fields, 'BIDP', 'BIDP_RSQN');
  if (typeof bids === 'string') return unmapped(bids);
  const when = kisTime(decoded.right.BSOP_HOUR, undefined, ctx.now);
  if (when === undefined) return unmapped(`BSOP_HOUR: not a valid time (${JSON.stringify(decoded.right.BSOP_HOUR)})`);
  const exchange = venueOf(record.trId);
  return mapped<KisOrderBook>({
    kind: 'book',
    broker: 'kis',
    symbol: decoded.right.MKSC_SHRN_ISCD,
    asks,
    bids,
    ...(exchange !== undefined ? { exchange } : {}),
    ...bookTotals(record.fields),
    time: when.time,
    timestamp: when.timestamp,
    raw: record,
  });
}
