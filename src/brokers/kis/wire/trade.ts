/** H0STCNT0 / H0NXCNT0 / H0UNCNT0 records as normalized trades. */
import * as t from 'io-ts';
import { Trade } from '../../../model';
import { KisRecord } from './record';
import { TradeField } from './fields';
import {
  Code,
  DirectionFromSign,
  Hhmmss,
  KisNumber,
  decodeFields,
  describeErrors,
  directionOfSign,
  kisNumber,
  kisTime,
  sideOfTradeClass,
} from './values';
import { isDigits } from '../../../core/wire-number';
import { MapContext, Mapped, mapped, unmapped } from '../mapped';
import { venueOf } from '../venue';
import { optionalFigure, withDirection } from './figures';

/** What a trade needs from the record; the rest stays in `raw`. */
export const TradeValues = t.type({
  MKSC_SHRN_ISCD: Code,
  STCK_CNTG_HOUR: Hhmmss,
  STCK_PRPR: KisNumber,
  CNTG_VOL: KisNumber,
  PRDY_VRSS_SIGN: DirectionFromSign,
  BSOP_DATE: t.string,
});

type Values = t.TypeOf<typeof TradeValues>;

/**
 * `TradeValues` read without io-ts: the same values when io-ts accepts the record, undefined when
 * it would not (io-ts then says why). __tests__/kis/fast-path.test.ts checks the two agree.
 */
export function readTradeValues(fields: Readonly<Record<string, string | undefined>>): Values | undefined {
  const code = fields.MKSC_SHRN_ISCD;
  const hour = fields.STCK_CNTG_HOUR;
  const sign = fields.PRDY_VRSS_SIGN;
  const date = fields.BSOP_DATE;
  if (typeof code !== 'string' || typeof hour !== 'string' || typeof sign !== 'string' || typeof date !== 'string') return undefined;
  const price = kisNumber(fields.STCK_PRPR);
  const size = kisNumber(fields.CNTG_VOL);
  const symbol = code.trim();
  if (price === undefined || size === undefined || symbol === '' || !isDigits(hour, 6)) return undefined;
  return {
    MKSC_SHRN_ISCD: symbol,
    STCK_CNTG_HOUR: hour,
    STCK_PRPR: price,
    CNTG_VOL: size,
    PRDY_VRSS_SIGN: directionOfSign(sign),
    BSOP_DATE: date,
  };
}

export type KisTradeRecord = KisRecord<TradeField>;
export type KisTrade = Trade<KisTradeRecord>;

/**
 * A trade record as a Trade: the side from the trade class, the direction from the sign code, and
 * the day's figures (change, change percent, cumulative volume and turnover; see figures.ts).
 */
export function toTrade(record: KisTradeRecord, ctx: MapContext): Mapped<KisTrade> {
  let v = readTradeValues(record.fields);
  if (v === undefined) {
    const decoded = decodeFields(TradeValues, record.fields);
    if (decoded._tag === 'Left') return unmapped(describeErrors(decoded.left));
    v = decoded.right;
  }
  const fields = record.fields;
  const side = sideOfTradeClass(fields.CCLD_DVSN ?? fields.CNTG_CLS_CODE ?? '');
  const when = kisTime(v.STCK_CNTG_HOUR, v.BSOP_DATE, ctx.now);
  if (when === undefined) return unmapped(`STCK_CNTG_HOUR: not a valid time (${JSON.stringify(v.STCK_CNTG_HOUR)})`);
  const exchange = venueOf(record.trId);
  const direction = v.PRDY_VRSS_SIGN;
  const change = optionalFigure(fields.PRDY_VRSS);
  const changePercent = optionalFigure(fields.PRDY_CTRT);
  const cumulativeVolume = optionalFigure(fields.ACML_VOL);
  const cumulativeTurnover = optionalFigure(fields.ACML_TR_PBMN);
  // Built in the model's key order (the NDJSON lines keep it), optional fields only where present:
  // one literal when a KRX/NXT print carries everything (the usual case), else field by field.
  if (
    side !== undefined &&
    direction !== undefined &&
    exchange !== undefined &&
    change !== undefined &&
    changePercent !== undefined &&
    cumulativeVolume !== undefined &&
    cumulativeTurnover !== undefined
  ) {
    return mapped<KisTrade>({
      kind: 'trade',
      broker: 'kis',
      symbol: v.MKSC_SHRN_ISCD,
      price: v.STCK_PRPR,
      size: v.CNTG_VOL,
      side,
      direction,
      exchange,
      change: withDirection(change, direction),
      changePercent: withDirection(changePercent, direction),
      cumulativeVolume,
      cumulativeTurnover,
      time: when.time,
      timestamp: when.timestamp,
      raw: record,
    });
  }
  const trade: { -readonly [K in keyof KisTrade]: KisTrade[K] } = {
    kind: 'trade',
    broker: 'kis',
    symbol: v.MKSC_SHRN_ISCD,
    price: v.STCK_PRPR,
    size: v.CNTG_VOL,
  } as KisTrade;
  if (side !== undefined) trade.side = side;
  if (direction !== undefined) trade.direction = direction;
  if (exchange !== undefined) trade.exchange = exchange;
  if (change !== undefined) trade.change = withDirection(change, direction);
  if (changePercent !== undefined) trade.changePercent = withDirection(changePercent, direction);
  if (cumulativeVolume !== undefined) trade.cumulativeVolume = cumulativeVolume;
  if (cumulativeTurnover !== undefined) trade.cumulativeTurnover = cumulativeTurnover;
  trade.time = when.time;
  trade.timestamp = when.timestamp;
  trade.raw = record;
  return mapped<KisTrade>(trade);
}
