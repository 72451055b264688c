/**
 * H0STANC0 / H0NXANC0 / H0UNANC0: the expected match of a call auction, as the shared
 * `ExpectedTrade` model (src/model/krx.ts; Kiwoom's 0H maps to the same).
 */
import * as t from 'io-ts';
import { ExpectedTrade } from '../../../model';
import { KisRecord } from './record';
import { ExpectedField } from './fields';
import { decodeFields, describeErrors, kisTime } from './values';
import { TradeValues } from './trade';
import { sessionFigures } from './figures';
import { MapContext, Mapped, mapped, unmapped } from '../mapped';
import { venueOf } from '../venue';

/**
 * @deprecated The KIS-only name of the expected match; `expected$` emits the shared
 * `ExpectedTrade` (`kind: 'expectedTrade'`, `changePercent` for the former `changeRate`,
 * `cumulativeVolume` for the former `volume`).
 */
export type ExpectedMatch<Raw = unknown> = ExpectedTrade<Raw>;

/** ANC records share CNT's leading fields (names and order), plus the auction's totals. */
const ExpectedValues = t.type(TradeValues.props);

export type KisExpectedRecord = KisRecord<ExpectedField>;
export type KisExpectedTrade = ExpectedTrade<KisExpectedRecord>;
/** @deprecated Use `KisExpectedTrade`. */
export type KisExpectedMatch = KisExpectedTrade;

/**
 * Where the auction would match now: `STCK_PRPR` the indicative price, `CNTG_VOL` the size that
 * would match there, `ACML_VOL` the expected cumulative volume, `PRDY_VRSS`/`PRDY_CTRT` the
 * change against the previous close (signed by `PRDY_VRSS_SIGN`, as on trades). ANC carries no
 * turnover the model could use (its `ACML_TR_PBMN` is the indicative value), so none is set.
 */
export function toExpectedTrade(record: KisExpectedRecord, ctx: MapContext): Mapped<KisExpectedTrade> {
  const decoded = decodeFields(ExpectedValues, record.fields);
  if (decoded._tag === 'Left') return unmapped(describeErrors(decoded.left));
  const v = decoded.right;
  const when = kisTime(v.STCK_CNTG_HOUR, v.BSOP_DATE, ctx.now);
  if (when === undefined) return unmapped(`STCK_CNTG_HOUR: not a valid time (${JSON.stringify(v.STCK_CNTG_HOUR)})`);
  const exchange = venueOf(record.trId);
  const { change, changePercent, cumulativeVolume } = sessionFigures(record.fields, v.PRDY_VRSS_SIGN);
  return mapped<KisExpectedTrade>({
    kind: 'expectedTrade',
    broker: 'kis',
    symbol: v.MKSC_SHRN_ISCD,
    price: v.STCK_PRPR,
    size: v.CNTG_VOL,
    ...(v.PRDY_VRSS_SIGN !== undefined ? { direction: v.PRDY_VRSS_SIGN } : {}),
    ...(exchange !== undefined ? { exchange } : {}),
    ...(change !== undefined ? { change } : {}),
    ...(changePercent !== undefined ? { changePercent } : {}),
    ...(cumulativeVolume !== undefined ? { cumulativeVolume } : {}),
    time: when.time,
    timestamp: when.timestamp,
    raw: record,
  });
}
