/**
 * The day's figures KIS prints beside a price (CNT, ANC) and the totals of a book (ASP), in the
 * model's words (`SessionFigures`, `OrderBook.totalBidSize/totalAskSize`).
 *
 * - `PRDY_VRSS` (change vs the previous close) and `PRDY_CTRT` (the same in percent) are signed on
 *   the wire in KIS's samples ('-100', '-0.14'), and `PRDY_VRSS_SIGN` (1–5) says the direction
 *   too. The sign code wins: 4/5 (down) make the figure negative, 1/2 (up) positive, whatever
 *   sign the text carried; 3 (unchanged) or no code keeps the text's own sign. So a feed that sends
 *   unsigned magnitudes (as prices are sent) reads the same as one that signs them.
 * - `PRDY_CTRT` is already a percent (-0.14 means -0.14 %), the model's unit: no conversion.
 * - `ACML_VOL` (shares since the open) and `ACML_TR_PBMN` (KRW since the open) are the
 *   cumulative volume and turnover of the venue the record is from (the integrated feed: both).
 * - An empty value is absent from the event, never 0; a value that is not a number is left out
 *   as well (the record's text stays in `raw`): a bad figure does not cost the print.
 */
import { Direction, SessionFigures } from '../../../model';
import { kisNumber } from './values';

/**
 * A KIS number, or undefined when empty or not a number: what `OptionalKisNumber` decodes from
 * the trimmed text, read without io-ts (`kisNumber` skips the white space `trim()` removes, and
 * refuses empty text). __tests__/kis/fast-path.test.ts checks the two agree.
 */
export function optionalFigure(text: string | undefined): number | undefined {
  return kisNumber(text);
}

/** A magnitude with the direction of a 1–5 sign code applied (the code wins over the text's sign). */
export function withDirection(value: number, direction: Direction | undefined): number {
  if (direction === 'down') return -Math.abs(value);
  if (direction === 'up') return Math.abs(value);
  return value;
}

/** Copies only the defined values: absent on the wire stays absent in the model. */
function present<T extends object>(fields: T): Partial<T> {
  const out: Partial<T> = {};
  for (const key in fields) if (fields[key] !== undefined) out[key] = fields[key];
  return out;
}

/** Change, change percent, cumulative volume and turnover of a CNT (or ANC) record. */
export function sessionFigures(fields: Readonly<Record<string, string | undefined>>, direction: Direction | undefined): SessionFigures {
  const change = optionalFigure(fields.PRDY_VRSS);
  const percent = optionalFigure(fields.PRDY_CTRT);
  return present({
    change: change === undefined ? undefined : withDirection(change, direction),
    changePercent: percent === undefined ? undefined : withDirection(percent, direction),
    cumulativeVolume: optionalFigure(fields.ACML_VOL),
    cumulativeTurnover: optionalFigure(fields.ACML_TR_PBMN),
  });
}

/** An ASP record's total resting sizes (`TOTAL_BIDP_RSQN`, `TOTAL_ASKP_RSQN`: all ten levels and beyond). */
export function bookTotals(fields: Readonly<Record<string, string | undefined>>): { totalBidSize?: number; totalAskSize?: number } {
  return present({ totalBidSize: optionalFigure(fields.TOTAL_BIDP_RSQN), totalAskSize: optionalFigure(fields.TOTAL_ASKP_RSQN) });
}
