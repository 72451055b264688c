/**
 * io-ts codecs of the KIS REST outputs the streams use, from the same value pieces as the socket
 * codecs (../wire/values.ts): every value is a string; numbers plain (`"70000"`) or padded;
 * an empty string is "absent" (paper sends blanks in numeric fields); times HHMMSS.
 */
import * as t from 'io-ts';
import { Code, Hhmmss, OptionalKisNumber } from '../wire/values';

/** A number, blank or missing → undefined (KIS paper leaves numeric fields blank). */
export const Num = new t.Type<number | undefined, string, unknown>(
  'KisRestNumber',
  (u): u is number | undefined => u === undefined || typeof u === 'number',
  (u, c) =>
    u === undefined || u === null || (typeof u === 'string' && u.trim() === '')
      ? t.success(undefined)
      : OptionalKisNumber.validate(typeof u === 'string' ? u.trim() : u, c),
  (n) => (n === undefined ? '' : String(n)),
);

/** A non-negative number (quantities, prices): the model cannot hold a negative size. */
export const Amount = Num.pipe(
  new t.Type<number | undefined, number | undefined, number | undefined>(
    'non-negative',
    (u): u is number | undefined => u === undefined || (typeof u === 'number' && u >= 0),
    (u, c) => (u === undefined || (Number.isFinite(u) && u >= 0) ? t.success(u) : t.failure(u, c, 'negative or not finite')),
    t.identity,
  ),
);

export const Envelope = t.intersection([
  t.type({ rt_cd: t.string }),
  t.partial({ msg_cd: t.string, msg1: t.string, ctx_area_fk100: t.string, ctx_area_nk100: t.string }),
]);

/** inquire-asking-price-exp-ccn `output1`: ten levels a side (`askp1..10`, `bidp1..10`, `askp_rsqn1..10`, `bidp_rsqn1..10`). */
export const AskingPrice = t.type({
  output1: t.intersection([t.type({ aspr_acpt_hour: Hhmmss }), t.UnknownRecord]),
  output2: t.partial({ stck_prpr: Num }),
});

/** inquire-time-itemconclusion `output2` rows, newest first. */
export const TimeTradeRow = t.intersection([
  t.type({ stck_cntg_hour: Hhmmss, stck_pbpr: Amount, cnqn: Amount }),
  t.partial({ acml_vol: Amount, prdy_vrss_sign: t.string }),
]);
export type TimeTradeRow = t.TypeOf<typeof TimeTradeRow>;
export const TimeTrades = t.type({ output2: t.array(TimeTradeRow) });

/** inquire-daily-ccld `output1`: one row per order, with its cumulative fill. */
export const DailyOrderRow = t.intersection([
  t.type({ odno: Code, pdno: Code, sll_buy_dvsn_cd: t.string, ord_qty: Amount, ord_tmd: Hhmmss }),
  t.partial({
    ord_unpr: Amount,
    tot_ccld_qty: Amount,
    tot_ccld_amt: Amount,
    avg_prvs: Amount,
    rmn_qty: Amount,
    cncl_yn: t.string,
    rjct_qty: Amount,
    orgn_odno: t.string,
    infm_tmd: t.string,
    ord_dt: t.string,
  }),
]);
export type DailyOrderRow = t.TypeOf<typeof DailyOrderRow>;
export const DailyOrders = t.type({ output1: t.array(DailyOrderRow) });
export const OpenOrders = t.type({ output: t.array(DailyOrderRow) });
