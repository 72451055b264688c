/**
 * The loopback KIS server's REST, answered from the simulator's state (see ../rest-state.ts):
 *
 * - `POST /oauth2/tokenP`: access tokens (24 h; the same token again within 6 h, as KIS does)
 * - `GET /uapi/domestic-stock/v1/quotations/inquire-asking-price-exp-ccn` (FHKST01010200): book
 *   and last price; `inquire-price` (FHKST01010100); `inquire-time-itemconclusion`
 *   (FHPST01060000): up to 30 trades at or before `FID_INPUT_HOUR_1`, newest first
 * - `GET /uapi/domestic-stock/v1/trading/inquire-daily-ccld` (TTTC0081R / VTTC0081R): one row
 *   per order of the day with its cumulative fill, `tr_cont` paging (100 rows real, 15 paper)
 *   with `ctx_area_fk100`/`ctx_area_nk100`
 * - `inquire-psbl-rvsecncl` (TTTC0084R, real only): open orders
 *
 * Every call needs `authorization: Bearer <token>`, `appkey`, `appsecret` and `tr_id`. A quota
 * fault answers as measured live: HTTP 500, `rt_cd "1"`, `msg_cd "EGW00201"`.
 */
import { IncomingMessage, ServerResponse } from 'http';
import { randomUUID } from 'crypto';
import { OrderEvent } from '../../../model';
import { RestState, answerFault, kstHhmmss, kstYmd, readBody } from '../rest-state';

export interface KisRestContext {
  readonly state: RestState;
  readonly appKey: string;
  readonly appSecret: string;
  readonly env: 'real' | 'paper';
}

const ok = { rt_cd: '0', msg_cd: 'MCA00000', msg1: '정상처리 되었습니다.' };

export interface KisRestServer {
  handle(req: IncomingMessage, res: ServerResponse, body?: string): boolean;
  /** Access tokens issued so far. */
  readonly tokensIssued: number;
  /** Revokes every token (the next call gets EGW00123). */
  expireTokens(): void;
}

export function kisRest(ctx: KisRestContext): KisRestServer {
  const tokens = new Set<string>();
  let current: string | undefined;
  let issued = 0;
  const { state } = ctx;

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
  };

  const orderRow = (o: OrderEvent): Record<string, string> => {
    const rec = state.orders.get(o.orderId);
    const filled = rec?.filledQty ?? 0;
    const amount = rec?.filledValue ?? 0;
    return {
      ord_dt: kstYmd(rec?.placedAt ?? o.timestamp),
      ord_gno_brno: '06010',
      // As the notices spell it (real KIS: 10 digits on both).
      odno: o.orderId,
      orgn_odno: o.originalOrderId ?? '',
      ord_dvsn_name: '지정가',
      ord_dvsn_cd: o.orderPrice > 0 ? '00' : '01',
      sll_buy_dvsn_cd: o.side === 'sell' ? '01' : '02',
      sll_buy_dvsn_cd_name: o.side === 'sell' ? '매도' : '매수',
      pdno: o.symbol,
      prdt_name: o.symbol,
      ord_qty: String(o.orderQty),
      ord_unpr: String(o.orderPrice),
      ord_tmd: kstHhmmss(rec?.placedAt ?? o.timestamp),
      tot_ccld_qty: String(filled),
      avg_prvs: filled > 0 ? String(amount / filled) : '0',
      tot_ccld_amt: String(amount),
      cncl_yn: o.status === 'cancelled' ? 'Y' : 'N',
      cnc_cfrm_qty: o.status === 'cancelled' ? String(o.orderQty - filled) : '0',
      rmn_qty: String(o.status === 'cancelled' || o.status === 'rejected' ? 0 : Math.max(0, o.orderQty - filled)),
      rjct_qty: o.status === 'rejected' ? String(o.orderQty) : '0',
      infm_tmd: kstHhmmss(o.timestamp),
      excg_id_dvsn_Cd: 'KRX',
      psbl_qty: String(Math.max(0, o.orderQty - filled)),
    };
  };

  const handle = (req: IncomingMessage, res: ServerResponse, given?: string): boolean => {
    const url = new URL(req.url ?? '/', 'http://loopback');
    const path = url.pathname;
    if (path === '/oauth2/tokenP' && req.method === 'POST') {
      void (given !== undefined ? Promise.resolve(given) : readBody(req)).then((text) => {
        state.noteRequest('tokenP');
        let body: Record<string, unknown> = {};
        try {
          body = JSON.parse(text) as Record<string, unknown>;
        } catch {
          // refused below
        }
        if (body.grant_type !== 'client_credentials' || body.appkey !== ctx.appKey || body.appsecret !== ctx.appSecret) {
          send(res, 403, { error_code: 'EGW00103', error_description: '유효하지 않은 AppKey입니다.' });
          return;
        }
        if (!current) {
          current = `kis-loopback-token-${randomUUID()}`;
          tokens.add(current);
          issued += 1;
        }
        const expires = Date.now() + 86_400_000;
        send(res, 200, {
          access_token: current,
          token_type: 'Bearer',
          expires_in: 86_400,
          access_token_token_expired: new Date(expires + 9 * 3600_000).toISOString().slice(0, 19).replace('T', ' '),
        });
      });
      return true;
    }
    if (req.method !== 'GET' || !path.startsWith('/uapi/domestic-stock/v1/')) return false;
    const q = (name: string): string => url.searchParams.get(name) ?? '';
    const trId = String(req.headers.tr_id ?? '');
    state.noteRequest(trId);
    const fault = state.takeFault();
    if (answerFault(state, res, fault)) return true;
    if (fault === 'quota') {
      send(res, 500, { rt_cd: '1', msg_cd: 'EGW00201', msg1: '초당 거래건수를 초과하였습니다.' });
      return true;
    }
    const auth = String(req.headers.authorization ?? '');
    if (!auth.startsWith('Bearer ') || !tokens.has(auth.slice(7))) {
      send(res, 500, { rt_cd: '1', msg_cd: 'EGW00123', msg1: '기간이 만료된 token 입니다.' });
      return true;
    }
    if (req.headers.appkey !== ctx.appKey || req.headers.appsecret !== ctx.appSecret) {
      send(res, 500, { rt_cd: '1', msg_cd: 'EGW00105', msg1: '유효하지 않은 AppSecret입니다.' });
      return true;
    }
    const symbol = q('FID_INPUT_ISCD');
    const paperMismatch = (id: string): boolean => (ctx.env === 'paper' ? id[0] !== 'V' : id[0] === 'V');
    switch (path.replace('/uapi/domestic-stock/v1/', '')) {
      case 'quotations/inquire-asking-price-exp-ccn': {
        const b = state.lastBook(symbol);
        const qt = state.lastQuote(symbol);
        const t = state.lastTrade(symbol);
        const output1: Record<string, string> = {
          aspr_acpt_hour: kstHhmmss(b?.timestamp ?? qt?.timestamp ?? Date.now()),
          new_mkop_cls_code: '20',
        };
        for (let i = 1; i <= 10; i++) {
          const a = b?.asks[i - 1] ?? (i === 1 && qt?.bestAsk ? { price: qt.bestAsk, size: qt.bestAskSize ?? 0 } : undefined);
          const d = b?.bids[i - 1] ?? (i === 1 && qt?.bestBid ? { price: qt.bestBid, size: qt.bestBidSize ?? 0 } : undefined);
          output1[`askp${i}`] = a ? String(a.price) : '0';
          output1[`bidp${i}`] = d ? String(d.price) : '0';
          output1[`askp_rsqn${i}`] = a ? String(a.size) : '0';
          output1[`bidp_rsqn${i}`] = d ? String(d.size) : '0';
        }
        send(res, 200, { ...ok, output1, output2: { stck_prpr: t ? String(t.price) : '0', stck_shrn_iscd: symbol, antc_cnpr: '0' } });
        return true;
      }
      case 'quotations/inquire-price': {
        const t = state.lastTrade(symbol);
        send(res, 200, {
          ...ok,
          output: { stck_prpr: t ? String(t.price) : '0', prdy_vrss: '0', prdy_vrss_sign: '3', prdy_ctrt: '0.00', stck_shrn_iscd: symbol },
        });
        return true;
      }
      case 'quotations/inquire-time-itemconclusion': {
        const hour = q('FID_INPUT_HOUR_1') || '235959';
        const rows = state
          .trades(symbol)
          .filter((e) => kstHhmmss(e.trade.timestamp) <= hour)
          .slice(0, 30)
          .map(({ trade: t, volume }) => ({
            stck_cntg_hour: kstHhmmss(t.timestamp),
            stck_pbpr: String(t.price),
            prdy_vrss: '0',
            prdy_vrss_sign: '3',
            prdy_ctrt: '0.00',
            askp: '0',
            bidp: '0',
            tday_rltv: '100.00',
            acml_vol: String(volume),
            cnqn: String(t.size),
          }));
        send(res, 200, { ...ok, output1: { stck_prpr: String(state.lastTrade(symbol)?.price ?? 0), acml_vol: '0' }, output2: rows });
        return true;
      }
      case 'trading/inquire-daily-ccld': {
        if (paperMismatch(trId)) {
          send(res, 500, { rt_cd: '1', msg_cd: 'EGW00213', msg1: '모의투자 TR 이 아닙니다.' });
          return true;
        }
        const size = ctx.env === 'paper' ? 15 : 100;
        const all = [...state.orders.values()].map((r) => r.last);
        const wanted = q('CCLD_DVSN') === '02' ? all.filter((o) => o.status === 'accepted' || o.status === 'partiallyFilled') : all;
        const ordered = q('INQR_DVSN') === '00' ? [...wanted].reverse() : wanted;
        const offset = Number(q('CTX_AREA_NK100')) || 0;
        const endless = fault === 'endlessPaging';
        const page = ordered.slice(offset, offset + size).map(orderRow);
        const more = endless || offset + size < ordered.length;
        const next = endless ? String(Math.floor(Math.random() * 1e9)) : more ? String(offset + size) : '';
        const totals = { tot_ord_qty: '0', tot_ccld_qty: '0', tot_ccld_amt: '0', prsm_tlex_smtl: '0', pchs_avg_pric: '0' };
        send(
          res,
          200,
          { ...ok, ctx_area_fk100: 'loopback', ctx_area_nk100: next, output1: page, output2: totals },
          { tr_cont: more ? 'M' : 'D' },
        );
        return true;
      }
      case 'trading/inquire-psbl-rvsecncl': {
        if (ctx.env === 'paper') {
          send(res, 500, { rt_cd: '1', msg_cd: 'OPSQ0002', msg1: '모의투자에서는 해당업무가 제공되지 않습니다.' });
          return true;
        }
        const open = [...state.orders.values()].map((r) => r.last).filter((o) => o.status === 'accepted' || o.status === 'partiallyFilled');
        send(res, 200, { ...ok, ctx_area_fk100: '', ctx_area_nk100: '', output: open.map(orderRow) }, { tr_cont: 'D' });
        return true;
      }
      default:
        send(res, 404, { rt_cd: '1', msg_cd: 'OPSQ0001', msg1: `없는 서비스입니다: ${path}` });
        return true;
    }
  };

  return {
    handle,
    get tokensIssued() {
      return issued;
    },
    expireTokens() {
      tokens.clear();
      current = undefined;
    },
  };
}
