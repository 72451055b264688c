/** H0STANC0 / H0NXANC0 / H0UNANC0: the expected match of a call auction, as its own event. */
import * as t from 'io-ts';
import { Direction, MarketEventBase } from '../../../model';
import { KisRecord } from './record';
import { ExpectedField } from './fields';
import { OptionalKisNumber, decodeFields, describeErrors, kisTime, signed } from './values';
import { TradeValues } from './trade';
import { MapContext, Mapped, mapped, unmapped } from '../mapped';
import { venueOf } from '../venue';

/**
 * Where a call auction (opening, closing, after a volatility interruption) would match now:
 * the price and quantity that would trade if the auction ended at this instant.
 */
export interface ExpectedMatch<Raw = unknown> extends MarketEventBase<Raw> {
  readonly kind: 'expected';
  /** Expected match price. */
  readonly price: number;
  /** Quantity that would match at that price. */
  readonly size: number;
  /** Expected cumulative volume. */
  readonly volume?: number;
  /** Expected price minus the previous close (signed). */
  readonly change?: number;
  /** The same in percent. */
  readonly changeRate?: number;
  readonly direction?: Direction;
  readonly exchange?: string;
}

/** ANC records share CNT's leading fields (names and order), plus the auction's totals. */
const ExpectedValues = t.type({
  ...TradeValues.props,
  ACML_VOL: OptionalKisNumber,
  PRDY_VRSS: OptionalKisNumber,
  PRDY_CTRT: OptionalKisNumber,
});

export type KisExpectedRecord = KisRecord<ExpectedField>;
export type KisExpectedMatch = ExpectedMatch<KisExpectedRecord>;

export function toExpectedMatch(record: KisExpectedRecord, ctx: MapContext): Mapped<KisExpectedMatch> {
  const decoded = decodeFields(ExpectedValues, record.fields);
  if (decoded._tag === 'Left') return unmapped(describeErrors(decoded.left));
  const v = decoded.right;
  const when = kisTime(v.STCK_CNTG_HOUR, v.BSOP_DATE, ctx.now);
  if (when === undefined) return unmapped(`STCK_CNTG_HOUR: not a valid time (${JSON.stringify(v.STCK_CNTG_HOUR)})`);
  const exchange = venueOf(record.trId);
  return mapped<KisExpectedMatch>({
    kind: 'expected',
    broker: 'kis',
    symbol: v.MKSC_SHRN_ISCD,
    price: v.STCK_PRPR,
    size: v.CNTG_VOL,
    ...(v.ACML_VOL !== undefined ? { volume: v.ACML_VOL } : {}),
    ...(v.PRDY_VRSS !== undefined ? { change: signed(v.PRDY_VRSS, v.PRDY_VRSS_SIGN) } : {}),
    ...(v.PRDY_CTRT !== undefined ? { changeRate: signed(v.PRDY_CTRT, v.PRDY_VRSS_SIGN) } : {}),
    ...(v.PRDY_VRSS_SIGN !== undefined ? { direction: v.PRDY_VRSS_SIGN } : {}),
    ...(exchange !== undefined ? { exchange } : {}),
    time: when.time,
    timestamp: when.timestamp,
    raw: record,
  });
}
