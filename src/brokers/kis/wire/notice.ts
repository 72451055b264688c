/** H0STCNI0 / H0STCNI9 order and fill notices (decrypted) as OrderEvent. */
import * as t from 'io-ts';
import { OrderEvent, OrderStatus, Side } from '../../../model';
import { KisRecord } from './record';
import { NoticeField } from './fields';
import { Code, Hhmmss, OptionalKisNumber, decodeFields, describeErrors, kisTime } from './values';
import { MapContext, Mapped, mapped, unmapped } from '../mapped';

export type KisNoticeRecord = KisRecord<NoticeField>;
export type KisOrderEvent = OrderEvent<KisNoticeRecord>;

const SideFromOrderClass = new t.Type<Side, string, unknown>(
  'SideFromOrderClass',
  (u): u is Side => u === 'buy' || u === 'sell',
  (u, c) => (u === '01' ? t.success('sell') : u === '02' ? t.success('buy') : t.failure(u, c, 'not 01 (sell) or 02 (buy)')),
  (s) => (s === 'sell' ? '01' : '02'),
);

const NoticeValues = t.type({
  ODER_NO: Code,
  STCK_SHRN_ISCD: Code,
  SELN_BYOV_CLS: SideFromOrderClass,
  STCK_CNTG_HOUR: Hhmmss,
  CNTG_QTY: OptionalKisNumber,
  CNTG_UNPR: OptionalKisNumber,
  ODER_QTY: OptionalKisNumber,
  ODER_PRC: OptionalKisNumber,
  CNTG_YN: t.keyof({ '1': null, '2': null }),
});

/** Receipt status: rejected (RFUS_YN), modified/cancelled (RCTF_CLS), IOC/FOK cancels (ACPT_YN 3). */
function receiptStatus(f: Readonly<Record<string, string>>): OrderStatus {
  if (f.RFUS_YN === '1') return 'rejected';
  if (f.RCTF_CLS === '1') return 'modified';
  if (f.RCTF_CLS === '2' || f.ACPT_YN === '3') return 'cancelled';
  return 'accepted';
}

const nonZero = (s: string | undefined): string | undefined => (s && /[1-9]/.test(s) ? s : undefined);

/**
 * A notice as an OrderEvent. CNTG_YN tells the kind: 1 a receipt (order, modify, cancel, reject),
 * 2 a fill. On receipts the fill-quantity slot (CNTG_QTY) carries the order quantity and the
 * fill-price slot the order price, as KIS' samples label them. A fill's `filledQty` is this
 * fill's quantity here; the feed adds up fills per order (see FillBook).
 */
export function toOrderEvent(record: KisNoticeRecord, ctx: MapContext): Mapped<KisOrderEvent> {
  const decoded = decodeFields(NoticeValues, record.fields);
  if (decoded._tag === 'Left') return unmapped(describeErrors(decoded.left));
  const v = decoded.right;
  const when = kisTime(v.STCK_CNTG_HOUR, undefined, ctx.now);
  if (when === undefined) return unmapped(`STCK_CNTG_HOUR: not a valid time (${JSON.stringify(v.STCK_CNTG_HOUR)})`);
  const f = record.fields as Readonly<Record<string, string>>;
  const base = {
    kind: 'order' as const,
    broker: 'kis',
    symbol: v.STCK_SHRN_ISCD,
    orderId: v.ODER_NO,
    ...(nonZero(f.OODER_NO) !== undefined ? { originalOrderId: f.OODER_NO.trim() } : {}),
    side: v.SELN_BYOV_CLS,
    ...(f.ACNT_NO ? { account: f.ACNT_NO } : {}),
    time: when.time,
    timestamp: when.timestamp,
    raw: record,
  };
  if (v.CNTG_YN === '1') {
    const status = receiptStatus(f);
    const orderQty = v.CNTG_QTY || v.ODER_QTY || 0;
    const orderPrice = v.ODER_PRC ?? v.CNTG_UNPR ?? 0;
    const open = status === 'accepted' || status === 'modified';
    return mapped<KisOrderEvent>({ ...base, status, orderQty, orderPrice, filledQty: 0, unfilledQty: open ? orderQty : 0 });
  }
  const fillQty = v.CNTG_QTY ?? 0;
  const fillPrice = v.CNTG_UNPR ?? 0;
  const orderQty = v.ODER_QTY || fillQty;
  const unfilledQty = Math.max(0, orderQty - fillQty);
  return mapped<KisOrderEvent>({
    ...base,
    status: unfilledQty === 0 ? 'filled' : 'partiallyFilled',
    orderQty,
    orderPrice: v.ODER_PRC ?? 0,
    filledQty: fillQty,
    unfilledQty,
    fillPrice,
    fillQty,
  });
}
