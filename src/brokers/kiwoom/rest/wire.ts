/**
 * io-ts codecs of the Kiwoom REST rows the streams use, built from the same value pieces as the
 * socket codecs (../wire/values.ts), so a REST price means what a FID price means: the sign is
 * the direction against the previous close, the magnitude the price; quantities are
 * non-negative integers (the account TRs zero-pad them: `"0000000010"` is 10).
 *
 * Every value is a string on the wire; an empty or blank string is "absent" (undefined), never
 * a zero. A value that is present but not what the field holds fails the row (a decode error).
 */
import * as t from 'io-ts';
import { ReturnCode } from '../wire/envelope';
import { Piece, aggressor, code, direction, price, qty, size, text } from '../wire/values';

/** A wire string read by a piece; blank → undefined; anything but a string fails. */
function wire<A>(p: Piece<A>): t.Type<A | undefined, string, unknown> {
  return new t.Type<A | undefined, string, unknown>(
    p.name,
    (_u): _u is A | undefined => true,
    (u, c) => {
      if (u === undefined || u === null) return t.success(undefined);
      if (typeof u !== 'string') return t.failure(u, c, `${p.name}: not a string`);
      if (u.trim() === '') return t.success(undefined);
      return p.validate(u, c);
    },
    (a) => p.encode(a),
  );
}

/** HHMMSS or HH:MM:SS (the account TRs) as HHMMSS; blank → undefined. */
export const Hhmmss = new t.Type<string | undefined, string, unknown>(
  'HHMMSS',
  (_u): _u is string | undefined => true,
  (u, c) => {
    if (u === undefined || u === null || u === '') return t.success(undefined);
    if (typeof u !== 'string') return t.failure(u, c, 'time: not a string');
    const v = u.trim().replace(/:/g, '');
    return /^([01]\d|2[0-3])[0-5]\d[0-5]\d$/.test(v) ? t.success(v) : t.failure(u, c, `not an HHMMSS time: ${JSON.stringify(u)}`);
  },
  (s) => s ?? '',
);

export const Price = wire(price);
export const Direction = wire(direction);
export const Qty = wire(qty);
export const Size = wire(size);
export const Aggressor = wire(aggressor);
export const Code = wire(code);
export const Text = wire(text);

/** The envelope every TR answer has: `return_code` (number or numeric string; or `returnCode`) and its message. */
export const Envelope = t.partial({
  return_code: ReturnCode,
  returnCode: ReturnCode,
  return_msg: t.string,
  returnMsg: t.string,
});

/** ka10095 row: a quote and the best level of each side. */
export const WatchRow = t.type({
  stk_cd: Code,
  cur_prc: Price,
  sel_bid: Price,
  buy_bid: Price,
  pri_sel_req: Qty,
  pri_buy_req: Qty,
  bid_tm: Hhmmss,
});
export type WatchRow = t.TypeOf<typeof WatchRow>;
export const WatchAnswer = t.type({ atn_stk_infr: t.array(WatchRow) });

/**
 * A signed wire value read twice: its magnitude and what its sign says (`"+74100"` → 74100 and
 * 'up'; `"-5"` → 5 and 'sell'), since decoding keeps only the magnitude otherwise.
 */
function signed<A, S>(value: t.Type<A | undefined, string, unknown>, sign: t.Type<S | undefined, string, unknown>) {
  return new t.Type<{ readonly value?: A; readonly sign?: S }, string, unknown>(
    value.name,
    (_u): _u is { value?: A; sign?: S } => true,
    (u, c) => {
      const v = value.validate(u, c);
      const s = sign.validate(u, c);
      return v._tag === 'Left' ? v : s._tag === 'Left' ? s : t.success({ value: v.right, sign: s.right });
    },
    () => '',
  );
}

/** ka10003 / ka10084 tick row; `acc_trde_qty` (the day's volume after it) identifies it within the day. */
export const TickRow = t.intersection([
  t.type({ tm: Hhmmss, cur_prc: signed(Price, Direction), cntr_trde_qty: signed(Size, Aggressor) }),
  t.partial({ acc_trde_qty: Qty, stex_tp: Text, sim_trade_id: Text }),
]);
export type TickRow = t.TypeOf<typeof TickRow>;
export const RecentAnswer = t.type({ cntr_infr: t.array(TickRow) });
export const TicksAnswer = t.type({ tdy_pred_cntr: t.array(TickRow) });

/** ka10004: ten levels a side under irregular names (level 1 is `fpr`, then `2th_pre` ... `10th_pre`). */
export const BookAnswer = t.UnknownRecord;

/** ka10075 row: an open order. */
export const OpenOrderRow = t.intersection([
  t.type({ ord_no: Text, stk_cd: Code, ord_qty: Qty, oso_qty: Qty, io_tp_nm: Text }),
  t.partial({ ord_pric: Price, tm: Hhmmss, cntr_qty: Qty, orig_ord_no: Text, acnt_no: Text }),
]);
export type OpenOrderRow = t.TypeOf<typeof OpenOrderRow>;
export const OpenOrdersAnswer = t.type({ oso: t.array(OpenOrderRow) });

/** kt00009 row: an order, and one fill of it where `cntr_no` is set. */
export const OrderFillRow = t.intersection([
  t.type({ ord_no: Text, stk_cd: Code, io_tp_nm: Text, ord_qty: Qty }),
  t.partial({ ord_uv: Price, cntr_no: Text, cntr_qty: Qty, cntr_uv: Price, cntr_tm: Hhmmss, orig_ord_no: Text, mdfy_cncl_tp: Text }),
]);
export type OrderFillRow = t.TypeOf<typeof OrderFillRow>;
export const OrderFillAnswer = t.type({ acnt_ord_cntr_prst_array: t.array(OrderFillRow) });
