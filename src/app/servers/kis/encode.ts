/**
 * Normalized events as KIS records: the loopback server's side of the mapping, so tests and the
 * simulator can publish the model and clients decode it back.
 */
import { MarketStatus, OrderBook, OrderEvent, Trade, kstDate } from '../../../model';
import { layouts } from '../../../brokers/kis/wire/fields';
import { KisTrId } from '../../../brokers/kis/wire/tr-ids';
import { DirectionFromSign, SideFromTradeClass } from '../../../brokers/kis/wire/values';

type Values = Record<string, string>;

/** The KST date and HHMMSS of an instant. */
function kstParts(epochMs: number): { readonly date: string; readonly hhmmss: string } {
  const d = new Date(epochMs + 9 * 3_600_000);
  const hhmmss = [d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()].map((n) => String(n).padStart(2, '0')).join('');
  return { date: kstDate(epochMs), hhmmss };
}

/** The values of a named record in `trId`'s base layout order; missing names are '0'. */
function ordered(trId: KisTrId, named: Values, layoutIndex = 0): string[] {
  return layouts[trId][layoutIndex].map((n) => named[n] ?? '0');
}

/** The named values an event's raw KIS record carried, to start from (keeps what the model drops). */
function rawFields(raw: unknown): Values {
  const fields = (raw as { fields?: unknown } | undefined)?.fields;
  return typeof fields === 'object' && fields !== null ? { ...(fields as Values) } : {};
}

const pad = (n: number, width: number): string => String(Math.round(n)).padStart(width, '0');

/** A trade as a CNT record (H0STCNT0 / H0NXCNT0 / H0UNCNT0). */
export function tradeRecord(trId: KisTrId, t: Trade): string[] {
  const { date, hhmmss } = kstParts(t.timestamp);
  const v: Values = {
    HOUR_CLS_CODE: '0',
    NEW_MKOP_CLS_CODE: '20',
    TRHT_YN: 'N',
    MRKT_TRTM_CLS_CODE: '',
    ...rawFields(t.raw),
    MKSC_SHRN_ISCD: t.symbol,
    STCK_CNTG_HOUR: hhmmss,
    STCK_PRPR: String(t.price),
    PRDY_VRSS_SIGN: DirectionFromSign.encode(t.direction) || '3',
    CNTG_VOL: String(t.size),
    BSOP_DATE: date,
  };
  v.CCLD_DVSN = v.CNTG_CLS_CODE = SideFromTradeClass.encode(t.side);
  return ordered(trId, v);
}

/** A book as an ASP record (10 levels a side, empty levels 0). */
export function bookRecord(trId: KisTrId, b: OrderBook): string[] {
  const v: Values = { HOUR_CLS_CODE: '0', STCK_DEAL_CLS_CODE: '0', ...rawFields(b.raw) };
  for (let i = 0; i < 10; i++) {
    v[`ASKP${i + 1}`] = String(b.asks[i]?.price ?? 0);
    v[`ASKP_RSQN${i + 1}`] = String(b.asks[i]?.size ?? 0);
    v[`BIDP${i + 1}`] = String(b.bids[i]?.price ?? 0);
    v[`BIDP_RSQN${i + 1}`] = String(b.bids[i]?.size ?? 0);
  }
  v.TOTAL_ASKP_RSQN = String(b.asks.reduce((s, l) => s + l.size, 0));
  v.TOTAL_BIDP_RSQN = String(b.bids.reduce((s, l) => s + l.size, 0));
  v.MKSC_SHRN_ISCD = b.symbol;
  v.BSOP_HOUR = kstParts(b.timestamp).hhmmss;
  return ordered(trId, v);
}

/** A market status as an MKO record (10 values, as seen on the wire). */
export function statusRecord(trId: KisTrId, s: MarketStatus): string[] {
  const v: Values = {
    TR_SUSP_REAS_CNTT: '(null)',
    ANTC_MKOP_CLS_CODE: '',
    MRKT_TRTM_CLS_CODE: '',
    DIVI_APP_CLS_CODE: '',
    ISCD_STAT_CLS_CODE: '55',
    VI_CLS_CODE: 'N',
    OVTM_VI_CLS_CODE: 'N',
    ...rawFields(s.raw),
    MKSC_SHRN_ISCD: s.symbol,
    TRHT_YN: s.halted || s.phase === 'halted' ? 'Y' : 'N',
    MKOP_CLS_CODE: s.code,
  };
  return ordered(trId, v);
}

const fillStatuses = new Set(['partiallyFilled', 'filled']);

/**
 * An order event as a notice record (26-field layout). Receipts carry the order quantity and
 * price in the fill slots, as KIS does.
 */
export function noticeRecord(trId: KisTrId, o: OrderEvent, htsId: string): string[] {
  const fill = fillStatuses.has(o.status);
  const v: Values = {
    ODER_KIND: '00',
    ODER_COND: '0',
    BRNC_NO: '06010',
    ACNT_NAME: '',
    ORD_COND_PRC: '0',
    ORD_EXG_GB: '1',
    POPUP_YN: 'Y',
    FILLER: '   ',
    CRDT_CLS: '10',
    CRDT_LOAN_DATE: '',
    CNTG_ISNM40: '',
    ...rawFields(o.raw),
    CUST_ID: htsId,
    ACNT_NO: o.account ?? '1234567801',
    ODER_NO: o.orderId,
    OODER_NO: o.originalOrderId ?? '',
    SELN_BYOV_CLS: o.side === 'sell' ? '01' : '02',
    RCTF_CLS: o.status === 'modified' ? '1' : o.status === 'cancelled' ? '2' : '0',
    STCK_SHRN_ISCD: o.symbol,
    CNTG_QTY: pad(fill ? (o.fillQty ?? o.filledQty) : o.orderQty, 10),
    CNTG_UNPR: pad(fill ? (o.fillPrice ?? o.orderPrice) : o.orderPrice, 9),
    STCK_CNTG_HOUR: kstParts(o.timestamp).hhmmss,
    RFUS_YN: o.status === 'rejected' ? '1' : '0',
    CNTG_YN: fill ? '2' : '1',
    ACPT_YN: fill || o.status === 'modified' || o.status === 'cancelled' ? '2' : '1',
    ODER_QTY: pad(o.orderQty, 9),
    ODER_PRC: pad(o.orderPrice, 9),
  };
  return ordered(trId, v, 1);
}
