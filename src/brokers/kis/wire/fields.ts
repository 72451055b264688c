/**
 * Ordered field lists of every decoded tr_id, and the record layouts accepted for each.
 *
 * KIS records are positional and their length has changed over time (fields appended to books,
 * expected matches and notices). A layout is chosen by (tr_id, values per record): known
 * lengths get their names; a longer, unknown record is read with the longest known layout that
 * fits and its tail is kept as `extra`, so an appended field never shifts a named one.
 */
import { KisTrId } from './tr-ids';

/** Trade (체결가): H0STCNT0 and, with index 21 renamed, H0NXCNT0 / H0UNCNT0 and the ANC feeds. */
function tradeFields<S extends string>(sideField: S) {
  return [
    'MKSC_SHRN_ISCD',
    'STCK_CNTG_HOUR',
    'STCK_PRPR',
    'PRDY_VRSS_SIGN',
    'PRDY_VRSS',
    'PRDY_CTRT',
    'WGHN_AVRG_STCK_PRC',
    'STCK_OPRC',
    'STCK_HGPR',
    'STCK_LWPR',
    'ASKP1',
    'BIDP1',
    'CNTG_VOL',
    'ACML_VOL',
    'ACML_TR_PBMN',
    'SELN_CNTG_CSNU',
    'SHNU_CNTG_CSNU',
    'NTBY_CNTG_CSNU',
    'CTTR',
    'SELN_CNTG_SMTN',
    'SHNU_CNTG_SMTN',
    sideField,
    'SHNU_RATE',
    'PRDY_VOL_VRSS_ACML_VOL_RATE',
    'OPRC_HOUR',
    'OPRC_VRSS_PRPR_SIGN',
    'OPRC_VRSS_PRPR',
    'HGPR_HOUR',
    'HGPR_VRSS_PRPR_SIGN',
    'HGPR_VRSS_PRPR',
    'LWPR_HOUR',
    'LWPR_VRSS_PRPR_SIGN',
    'LWPR_VRSS_PRPR',
    'BSOP_DATE',
    'NEW_MKOP_CLS_CODE',
    'TRHT_YN',
    'ASKP_RSQN1',
    'BIDP_RSQN1',
    'TOTAL_ASKP_RSQN',
    'TOTAL_BIDP_RSQN',
    'VOL_TNRT',
    'PRDY_SMNS_HOUR_ACML_VOL',
    'PRDY_SMNS_HOUR_ACML_VOL_RATE',
    'HOUR_CLS_CODE',
    'MRKT_TRTM_CLS_CODE',
    'VI_STND_PRC',
  ] as const;
}

const cntKrx = tradeFields('CCLD_DVSN');
const cntOther = tradeFields('CNTG_CLS_CODE');

const levels = (prefix: string): string[] => Array.from({ length: 10 }, (_, i) => `${prefix}${i + 1}`);

/** Order book (호가), indices 0–58, shared by the three venues. */
const aspBase = [
  'MKSC_SHRN_ISCD',
  'BSOP_HOUR',
  'HOUR_CLS_CODE',
  ...levels('ASKP'),
  ...levels('BIDP'),
  ...levels('ASKP_RSQN'),
  ...levels('BIDP_RSQN'),
  'TOTAL_ASKP_RSQN',
  'TOTAL_BIDP_RSQN',
  'OVTM_TOTAL_ASKP_RSQN',
  'OVTM_TOTAL_BIDP_RSQN',
  'ANTC_CNPR',
  'ANTC_CNQN',
  'ANTC_VOL',
  'ANTC_CNTG_VRSS',
  'ANTC_CNTG_VRSS_SIGN',
  'ANTC_CNTG_PRDY_CTRT',
  'ACML_VOL',
  'TOTAL_ASKP_RSQN_ICDC',
  'TOTAL_BIDP_RSQN_ICDC',
  'OVTM_TOTAL_ASKP_ICDC',
  'OVTM_TOTAL_BIDP_ICDC',
  'STCK_DEAL_CLS_CODE',
] as const;
const krxMid = ['MID_PRC', 'MIDP_TOTAL_RSQN', 'MIDP_CLS_CODE'] as const;
const kMid = ['KMID_PRC', 'KMID_TOTAL_RSQN', 'KMID_CLS_CODE'] as const;
const nMid = ['NMID_PRC', 'NMID_TOTAL_RSQN', 'NMID_CLS_CODE'] as const;

/**
 * Expected match (예상체결): the trade names 0–44, then a tail that differs by venue and year.
 * Index 45 is named VI_STND_PRC everywhere (the NXT/UN docs' name; KRX's 2026 "dummy" carries a
 * reference-price-like value), index 46 is the 2026 workbook's unnamed dummy.
 */
const ancBase = cntOther.slice(0, 45);

/** Market operation (장운영정보). The last field is documented but never seen on the wire. */
const mkoFields = [
  'MKSC_SHRN_ISCD',
  'TRHT_YN',
  'TR_SUSP_REAS_CNTT',
  'MKOP_CLS_CODE',
  'ANTC_MKOP_CLS_CODE',
  'MRKT_TRTM_CLS_CODE',
  'DIVI_APP_CLS_CODE',
  'ISCD_STAT_CLS_CODE',
  'VI_CLS_CODE',
  'OVTM_VI_CLS_CODE',
  'EXCH_CLS_CODE',
] as const;

/** Order/fill notice, 26-field layout (current docs). */
const notice26 = [
  'CUST_ID',
  'ACNT_NO',
  'ODER_NO',
  'OODER_NO',
  'SELN_BYOV_CLS',
  'RCTF_CLS',
  'ODER_KIND',
  'ODER_COND',
  'STCK_SHRN_ISCD',
  'CNTG_QTY',
  'CNTG_UNPR',
  'STCK_CNTG_HOUR',
  'RFUS_YN',
  'CNTG_YN',
  'ACPT_YN',
  'BRNC_NO',
  'ODER_QTY',
  'ACNT_NAME',
  'ORD_COND_PRC',
  'ORD_EXG_GB',
  'POPUP_YN',
  'FILLER',
  'CRDT_CLS',
  'CRDT_LOAN_DATE',
  'CNTG_ISNM40',
  'ODER_PRC',
] as const;
/** Order/fill notice, older 23-field layout (the docs' own sample frames, python-kis). */
const notice23 = [...notice26.slice(0, 18), 'CNTG_ISNM', 'CRDT_CLS', 'CRDT_LOAN_DATE', 'CNTG_ISNM40', 'ODER_PRC'] as const;

/** Every field name of a family, for typing the decoded records. */
export type TradeField = (typeof cntKrx)[number] | (typeof cntOther)[number] | 'MARKET_CLS_CODE';
export type BookField =
  | (typeof aspBase)[number]
  | (typeof krxMid)[number]
  | (typeof kMid)[number]
  | (typeof nMid)[number]
  | 'MARKET_CLS_CODE'
  | 'ANTC_EXCH_CLS_CODE';
export type ExpectedField = (typeof ancBase)[number] | 'VI_STND_PRC' | 'DUMMY';
export type StatusField = (typeof mkoFields)[number];
export type NoticeField = (typeof notice26)[number] | (typeof notice23)[number];

/**
 * Accepted layouts per tr_id, by record length. Assumptions where the sources disagree:
 * - MARKET_CLS_CODE (reported from 2026-09-14, position not published) is taken as appended last.
 * - A 62-value H0NXASP0 tail is read as the NXT mid-point (2026 workbook), not the KRX one.
 * - H0UNMKO0 records start with the stock code, as live frames do (its doc omits the code);
 *   a record that starts with Y/N instead is read by `statusWithoutCode`.
 */
export const layouts: Readonly<Record<KisTrId, readonly (readonly string[])[]>> = {
  H0STCNT0: [cntKrx, [...cntKrx, 'MARKET_CLS_CODE']],
  H0NXCNT0: [cntOther, [...cntOther, 'MARKET_CLS_CODE']],
  H0UNCNT0: [cntOther, [...cntOther, 'MARKET_CLS_CODE']],
  H0STASP0: [aspBase, [...aspBase, ...krxMid], [...aspBase, ...krxMid, 'MARKET_CLS_CODE']],
  H0NXASP0: [aspBase, [...aspBase, ...nMid], [...aspBase, ...kMid, ...nMid]],
  H0UNASP0: [aspBase, [...aspBase, ...kMid, ...nMid], [...aspBase, ...kMid, ...nMid, 'ANTC_EXCH_CLS_CODE']],
  H0STANC0: [ancBase, [...ancBase, 'VI_STND_PRC'], [...ancBase, 'VI_STND_PRC', 'DUMMY']],
  H0NXANC0: [ancBase, [...ancBase, 'VI_STND_PRC'], [...ancBase, 'VI_STND_PRC', 'DUMMY']],
  H0UNANC0: [ancBase, [...ancBase, 'VI_STND_PRC'], [...ancBase, 'VI_STND_PRC', 'DUMMY']],
  H0STMKO0: [mkoFields.slice(0, 10), mkoFields],
  H0NXMKO0: [mkoFields.slice(0, 10), mkoFields],
  H0UNMKO0: [mkoFields.slice(0, 10), mkoFields],
  H0STCNI0: [notice23, notice26],
  H0STCNI9: [notice23, notice26],
};

/** H0UNMKO0 as its doc lists it: no stock code, 10 values from TRHT_YN to EXCH_CLS_CODE. */
export const statusWithoutCode: readonly string[] = mkoFields.slice(1);
