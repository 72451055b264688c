/**
 * Normalized events as KIS records, as the real server fills them: every field of the layout,
 * computed from the symbol's tape (krx-tape.ts) so a trade's change, rate, cumulative volume and
 * value, open/high/low (with times and the current price against each), best quotes and sizes,
 * trade counts and strength agree with each other and with the book of the same moment.
 *
 * KIS conventions (the docs' sample frames): prices unsigned; changes signed with '-' only
 * ('-100', '200'); rates with two decimals ('-0.14'); sign codes 1–5 beside each change;
 * quantities and values plain integers; the weighted average price with two decimals.
 */
import { MarketStatus, OrderBook, OrderEvent, Trade, kstDate } from '../../../model';
import { layouts } from '../../../brokers/kis/wire/fields';
import { KisTrId } from '../../../brokers/kis/wire/tr-ids';
import { DirectionFromSign, SideFromTradeClass } from '../../../brokers/kis/wire/values';
import { KrxTape, changeSign, kstHhmmss, venueHints } from '../krx-tape';

type Values = Record<string, string>;

/** The KST date and HHMMSS of an instant. */
function kstParts(epochMs: number): { readonly date: string; readonly hhmmss: string } {
  return { date: kstDate(epochMs), hhmmss: kstHhmmss(epochMs) };
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
/** A KIS signed number: '-' when negative, nothing otherwise. */
const delta = (n: number): string => String(n);
const rate2 = (n: number): string => (Math.round(n * 100) / 100).toFixed(2);

/** 1 pre-open, 2 regular, 3 after close, 4 after-hours single price: the first char of NEW_MKOP_CLS_CODE. */
function sessionCode(session: string | undefined): string {
  return session === '1' ? '10' : session === '3' ? '40' : '20';
}

/** A trade as a CNT record (H0STCNT0 / H0NXCNT0 / H0UNCNT0). Updates the tape first (once per trade). */
export function tradeRecord(trId: KisTrId, t: Trade, tape: KrxTape, update = true): string[] {
  const { date, hhmmss } = kstParts(t.timestamp);
  if (update) tape.onTrade(t, hhmmss);
  const hints = venueHints(t.raw);
  const ref = tape.previousClose ?? t.price;
  const open = tape.open ?? { price: t.price, time: hhmmss };
  const high = tape.high ?? open;
  const low = tape.low ?? open;
  const ask = tape.bestAsk();
  const bid = tape.bestBid();
  const book = tape.book;
  const totalAsk = book ? book.asks.reduce((s, l) => s + l.size, 0) : 0;
  const totalBid = book ? book.bids.reduce((s, l) => s + l.size, 0) : 0;
  const v: Values = {
    MKSC_SHRN_ISCD: t.symbol,
    STCK_CNTG_HOUR: hhmmss,
    STCK_PRPR: String(t.price),
    PRDY_VRSS_SIGN: t.direction === undefined ? changeSign(t.price, ref) : DirectionFromSign.encode(t.direction) || '3',
    PRDY_VRSS: delta(t.price - ref),
    PRDY_CTRT: rate2(((t.price - ref) / ref) * 100),
    WGHN_AVRG_STCK_PRC: tape.vwap().toFixed(2),
    STCK_OPRC: String(open.price),
    STCK_HGPR: String(high.price),
    STCK_LWPR: String(low.price),
    ASKP1: String(ask?.price ?? t.price),
    BIDP1: String(bid?.price ?? t.price),
    CNTG_VOL: String(t.size),
    ACML_VOL: String(tape.cumVolume),
    ACML_TR_PBMN: String(tape.cumValue),
    SELN_CNTG_CSNU: String(tape.sellTrades),
    SHNU_CNTG_CSNU: String(tape.buyTrades),
    NTBY_CNTG_CSNU: String(tape.buyTrades - tape.sellTrades),
    CTTR: rate2(tape.strength()),
    SELN_CNTG_SMTN: String(tape.sellVolume),
    SHNU_CNTG_SMTN: String(tape.buyVolume),
    SHNU_RATE: rate2(tape.cumVolume === 0 ? 0 : (tape.buyVolume / tape.cumVolume) * 100),
    PRDY_VOL_VRSS_ACML_VOL_RATE: rate2((tape.cumVolume / tape.previousVolume) * 100),
    OPRC_HOUR: open.time,
    OPRC_VRSS_PRPR_SIGN: changeSign(t.price, open.price),
    OPRC_VRSS_PRPR: delta(t.price - open.price),
    HGPR_HOUR: high.time,
    HGPR_VRSS_PRPR_SIGN: changeSign(t.price, high.price),
    HGPR_VRSS_PRPR: delta(t.price - high.price),
    LWPR_HOUR: low.time,
    LWPR_VRSS_PRPR_SIGN: changeSign(t.price, low.price),
    LWPR_VRSS_PRPR: delta(t.price - low.price),
    BSOP_DATE: date,
    NEW_MKOP_CLS_CODE: sessionCode(hints.session),
    TRHT_YN: 'N',
    ASKP_RSQN1: String(ask?.size ?? 0),
    BIDP_RSQN1: String(bid?.size ?? 0),
    TOTAL_ASKP_RSQN: String(totalAsk),
    TOTAL_BIDP_RSQN: String(totalBid),
    VOL_TNRT: rate2((tape.cumVolume / tape.listedShares) * 100),
    PRDY_SMNS_HOUR_ACML_VOL: String(tape.previousVolume),
    PRDY_SMNS_HOUR_ACML_VOL_RATE: rate2((tape.cumVolume / tape.previousVolume) * 100),
    HOUR_CLS_CODE: hints.auction ? 'A' : '0',
    MRKT_TRTM_CLS_CODE: '',
    VI_STND_PRC: String(ref),
    ...rawFields(t.raw),
  };
  v.MKSC_SHRN_ISCD = t.symbol;
  v.STCK_PRPR = String(t.price);
  v.CNTG_VOL = String(t.size);
  v.CCLD_DVSN = v.CNTG_CLS_CODE = SideFromTradeClass.encode(t.side);
  return ordered(trId, v);
}

/** A book as an ASP record (10 levels a side, empty levels 0). Updates the tape first (once per book). */
export function bookRecord(trId: KisTrId, b: OrderBook, tape: KrxTape, update = true): string[] {
  if (update) tape.onBook(b);
  const hints = venueHints(b.raw);
  const before = tape.previousBook;
  const ref = tape.previousClose ?? b.bids[0]?.price ?? 0;
  const sum = (levels: readonly { size: number }[] | undefined): number => (levels ?? []).slice(0, 10).reduce((s, l) => s + l.size, 0);
  const v: Values = { HOUR_CLS_CODE: hints.auction ? 'B' : '0', STCK_DEAL_CLS_CODE: '0' };
  for (let i = 0; i < 10; i++) {
    v[`ASKP${i + 1}`] = String(b.asks[i]?.price ?? 0);
    v[`ASKP_RSQN${i + 1}`] = String(b.asks[i]?.size ?? 0);
    v[`BIDP${i + 1}`] = String(b.bids[i]?.price ?? 0);
    v[`BIDP_RSQN${i + 1}`] = String(b.bids[i]?.size ?? 0);
  }
  const totalAsk = sum(b.asks);
  const totalBid = sum(b.bids);
  const expected = hints.expected;
  Object.assign(v, {
    TOTAL_ASKP_RSQN: String(totalAsk),
    TOTAL_BIDP_RSQN: String(totalBid),
    OVTM_TOTAL_ASKP_RSQN: '0',
    OVTM_TOTAL_BIDP_RSQN: '0',
    ANTC_CNPR: expected ? String(expected.price) : '0',
    ANTC_CNQN: expected ? String(expected.size) : '0',
    ANTC_VOL: expected ? String(expected.size) : '0',
    ANTC_CNTG_VRSS: expected ? delta(expected.price - ref) : '0',
    ANTC_CNTG_VRSS_SIGN: expected ? changeSign(expected.price, ref) : '3',
    ANTC_CNTG_PRDY_CTRT: expected ? rate2(((expected.price - ref) / ref) * 100) : '0.00',
    ACML_VOL: String(tape.cumVolume),
    TOTAL_ASKP_RSQN_ICDC: delta(before ? totalAsk - sum(before.asks) : 0),
    TOTAL_BIDP_RSQN_ICDC: delta(before ? totalBid - sum(before.bids) : 0),
    OVTM_TOTAL_ASKP_ICDC: '0',
    OVTM_TOTAL_BIDP_ICDC: '0',
  });
  Object.assign(v, rawFields(b.raw));
  v.MKSC_SHRN_ISCD = b.symbol;
  v.BSOP_HOUR = kstParts(b.timestamp).hhmmss;
  return ordered(trId, v);
}

/** An expected auction match as an ANC record (the trade layout, at the indicative price). */
export function expectedRecord(trId: KisTrId, b: OrderBook, tape: KrxTape): string[] | undefined {
  const expected = venueHints(b.raw).expected;
  if (!expected) return undefined;
  const { date, hhmmss } = kstParts(b.timestamp);
  const ref = tape.previousClose ?? expected.price;
  const v: Values = {
    MKSC_SHRN_ISCD: b.symbol,
    STCK_CNTG_HOUR: hhmmss,
    STCK_PRPR: String(expected.price),
    PRDY_VRSS_SIGN: changeSign(expected.price, ref),
    PRDY_VRSS: delta(expected.price - ref),
    PRDY_CTRT: rate2(((expected.price - ref) / ref) * 100),
    WGHN_AVRG_STCK_PRC: '0.00',
    STCK_OPRC: '0',
    STCK_HGPR: '0',
    STCK_LWPR: '0',
    ASKP1: String(b.asks[0]?.price ?? 0),
    BIDP1: String(b.bids[0]?.price ?? 0),
    CNTG_VOL: String(expected.size),
    ACML_VOL: String(expected.size),
    ACML_TR_PBMN: String(expected.size * expected.price),
    CNTG_CLS_CODE: '3',
    BSOP_DATE: date,
    NEW_MKOP_CLS_CODE: '00',
    TRHT_YN: 'N',
    ASKP_RSQN1: String(b.asks[0]?.size ?? 0),
    BIDP_RSQN1: String(b.bids[0]?.size ?? 0),
    TOTAL_ASKP_RSQN: String(b.asks.reduce((s, l) => s + l.size, 0)),
    TOTAL_BIDP_RSQN: String(b.bids.reduce((s, l) => s + l.size, 0)),
    HOUR_CLS_CODE: 'B',
    MRKT_TRTM_CLS_CODE: '',
    VI_STND_PRC: String(ref),
    OPRC_HOUR: '000000',
    HGPR_HOUR: '000000',
    LWPR_HOUR: '000000',
    OPRC_VRSS_PRPR_SIGN: '3',
    HGPR_VRSS_PRPR_SIGN: '3',
    LWPR_VRSS_PRPR_SIGN: '3',
  };
  return ordered(trId, v, 1);
}

/** A Kiwoom 0s code → the KIS MKOP_CLS_CODE of the same transition. */
const mkopFromOperation: Readonly<Record<string, string>> = {
  '0': '110', // pre-open call auction starts
  '3': '112', // regular session opens
  '2': '121', // closing call auction starts
  '4': '129', // regular session closes
  a: '140', // post-close closing-price session starts
  b: '149', // ... ends
  c: '150', // after-hours single-price session starts
  d: '159', // ... ends
};

/** The KIS MKOP_CLS_CODE of a status: its own (raw.kisCode), or the Kiwoom code's counterpart. */
export function kisOperationCode(s: MarketStatus): string | undefined {
  const hints = venueHints(s.raw) as { readonly kisCode?: string };
  return hints.kisCode ?? mkopFromOperation[s.code];
}

/** A market status as an MKO record (10 values, as seen on the wire). */
export function statusRecord(trId: KisTrId, s: MarketStatus, symbol = s.symbol): string[] {
  const code = kisOperationCode(s) ?? s.code;
  const v: Values = {
    TR_SUSP_REAS_CNTT: '(null)',
    ANTC_MKOP_CLS_CODE: '',
    MRKT_TRTM_CLS_CODE: '',
    DIVI_APP_CLS_CODE: '',
    ISCD_STAT_CLS_CODE: '55',
    VI_CLS_CODE: s.phase === 'halted' || s.halted ? 'Y' : 'N',
    OVTM_VI_CLS_CODE: 'N',
    ...rawFields(s.raw),
    MKSC_SHRN_ISCD: symbol,
    TRHT_YN: s.halted || s.phase === 'halted' ? 'Y' : 'N',
    MKOP_CLS_CODE: code,
  };
  return ordered(trId, v);
}

const fillStatuses = new Set(['partiallyFilled', 'filled']);

const STOCK_NAMES: Readonly<Record<string, string>> = {
  '005930': '삼성전자',
  '000660': 'SK하이닉스',
  '005380': '현대차',
  '035720': '카카오',
  '035420': 'NAVER',
};

/**
 * An order event as a notice record (26-field layout). Receipts carry the order quantity and
 * price in the fill slots, as KIS does.
 */
export function noticeRecord(trId: KisTrId, o: OrderEvent, htsId: string): string[] {
  const fill = fillStatuses.has(o.status);
  const v: Values = {
    ODER_KIND: o.orderPrice > 0 ? '00' : '01',
    ODER_COND: '0',
    BRNC_NO: '06010',
    ACNT_NAME: '모의투자',
    ORD_COND_PRC: '0',
    ORD_EXG_GB: '1',
    POPUP_YN: 'Y',
    FILLER: '   ',
    CRDT_CLS: '10',
    CRDT_LOAN_DATE: '',
    CNTG_ISNM40: STOCK_NAMES[o.symbol] ?? o.symbol,
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
