/**
 * The loopback Kiwoom server's REST TRs, answered from the simulator's state (see
 * ../rest-state.ts): always `POST` with a JSON body, the TR in the `api-id` header, paging by
 * `cont-yn`/`next-key` headers, errors as HTTP 200 with a non-zero `return_code`.
 *
 * - `/api/dostk/stkinfo`: ka10095 (quotes of up to 100 `|`-joined codes), ka10001 (price),
 *   ka10003 (recent trades), ka10084 (today's ticks, 20 a page, newest first)
 * - `/api/dostk/mrkcond`: ka10004 (10-level book)
 * - `/api/dostk/acnt`: ka10075 (open orders), kt00009 (orders and fills of the day, 20 rows a page)
 *
 * A quota fault answers as measured live: HTTP 200, `return_code: 5`, `[1700:...]` in the message.
 */
import { IncomingMessage, ServerResponse } from 'http';
import { OrderEvent } from '../../../model';
import { RestState, TapeEntry, answerFault, kstHhmmss, readBody } from '../rest-state';

export interface KiwoomRestContext {
  readonly state: RestState;
  /** Whether a bearer token is one the server issued and still accepts. */
  tokenValid(token: string | undefined): boolean;
}

const PAGE = 20;
const pad = (n: number, width: number): string => String(Math.round(n)).padStart(width, '0');
/** A price signed by its direction, as the quote TRs send it. */
const signed = (price: number | undefined, direction?: string): string =>
  price === undefined ? '' : `${direction === 'up' ? '+' : direction === 'down' ? '-' : ''}${price}`;
const colonTime = (ms: number): string => kstHhmmss(ms).replace(/(\d\d)(\d\d)(\d\d)/, '$1:$2:$3');

function tickRow({ trade: t, volume }: TapeEntry): Record<string, string> {
  return {
    tm: kstHhmmss(t.timestamp),
    cur_prc: signed(t.price, t.direction),
    pred_pre: '0',
    pre_rt: '0.00',
    pri_sel_bid_unit: '',
    pri_buy_bid_unit: '',
    cntr_trde_qty: `${t.side === 'buy' ? '+' : t.side === 'sell' ? '-' : ''}${t.size}`,
    sign: t.direction === 'up' ? '2' : t.direction === 'down' ? '5' : '3',
    acc_trde_qty: String(volume),
    acc_trde_prica: '0',
    cntr_str: '100.00',
    stex_tp: t.exchange ?? 'KRX',
    // Not a Kiwoom field: the simulator's trade id, so tests can count exact repeats.
    ...(t.tradeId ? { sim_trade_id: t.tradeId } : {}),
  };
}

function fillRow(o: OrderEvent, fillNo: number): Record<string, string> {
  const side = o.side === 'buy' ? '현금매수' : '현금매도';
  return {
    stk_bond_tp: '1',
    ord_no: o.orderId,
    stk_cd: `A${o.symbol}`,
    trde_tp: o.orderPrice > 0 ? '보통' : '시장가',
    io_tp_nm: side,
    ord_qty: pad(o.orderQty, 10),
    ord_uv: pad(o.orderPrice, 10),
    cnfm_qty: pad(0, 10),
    rsrv_oppo: '',
    cntr_no: fillNo > 0 ? pad(fillNo, 7) : '',
    acpt_tp: '접수',
    orig_ord_no: o.originalOrderId ?? '0000000',
    stk_nm: o.symbol,
    setl_tp: '',
    crd_deal_tp: '',
    cntr_qty: pad(o.fillQty ?? 0, 10),
    cntr_uv: pad(o.fillPrice ?? 0, 10),
    comm_ord_tp: '',
    mdfy_cncl_tp: o.status === 'cancelled' ? '취소' : '',
    cntr_tm: colonTime(o.timestamp),
    dmst_stex_tp: 'KRX',
    cond_uv: '',
  };
}

/** Handles a REST TR; false when the path is not one of these (the server answers it). */
export function handleKiwoomRest(ctx: KiwoomRestContext, req: IncomingMessage, res: ServerResponse, body?: string): boolean {
  const path = req.url?.split('?')[0] ?? '';
  if (req.method !== 'POST' || !path.startsWith('/api/dostk/') || path === '/api/dostk/websocket') return false;
  const apiId = String(req.headers['api-id'] ?? '');
  const nextKey = String(req.headers['next-key'] ?? '');
  const { state } = ctx;
  const reply = (body: Record<string, unknown>, more?: string): void => {
    const headers: Record<string, string> = { 'Content-Type': 'application/json;charset=UTF-8', 'api-id': apiId };
    if (more !== undefined) {
      headers['cont-yn'] = 'Y';
      headers['next-key'] = more;
    } else headers['cont-yn'] = 'N';
    res.writeHead(200, headers);
    res.end(JSON.stringify({ ...body, return_code: body.return_code ?? 0, return_msg: body.return_msg ?? '정상적으로 처리되었습니다' }));
  };
  void (body !== undefined ? Promise.resolve(body) : readBody(req)).then((text) => {
    state.noteRequest(apiId);
    const fault = state.takeFault();
    if (answerFault(state, res, fault)) return;
    if (fault === 'quota') {
      reply({ return_code: 5, return_msg: `허용된 요청 개수를 초과하였습니다[1700:허용된 요청 개수를 초과하였습니다. API ID=${apiId}]` });
      return;
    }
    const auth = String(req.headers.authorization ?? '');
    if (!/^Bearer /.test(auth) || !ctx.tokenValid(auth.slice(7))) {
      reply({ return_code: 3, return_msg: '인증에 실패했습니다[8005:Token이 유효하지 않습니다]' });
      return;
    }
    let json: Record<string, string>;
    try {
      json = JSON.parse(text) as Record<string, string>;
    } catch {
      reply({ return_code: 2, return_msg: '입력 값 형식이 올바르지 않습니다[1517]' });
      return;
    }
    // Paging that never ends: always "more", with a fresh key.
    const endless =
      fault === 'endlessPaging' || nextKey.startsWith('endless-') ? `endless-${Math.random().toString(36).slice(2)}` : undefined;
    const offset = Number(nextKey) || 0;
    const page = <T>(rows: readonly T[]): { rows: readonly T[]; more?: string } => {
      const slice = rows.slice(offset, offset + PAGE);
      return { rows: slice, more: endless ?? (offset + PAGE < rows.length ? String(offset + PAGE) : undefined) };
    };
    const code = String(json.stk_cd ?? '').trim();
    switch (`${path} ${apiId}`) {
      case '/api/dostk/stkinfo ka10095': {
        const codes = code.split('|').filter((c) => c !== '');
        if (codes.length > 100) {
          reply({ return_code: 5, return_msg: '조회 종목수를 초과하였습니다[1634]' });
          return;
        }
        const rows = codes.map((c) => {
          const q = state.lastQuote(c);
          const b = state.lastBook(c);
          const t = state.lastTrade(c);
          const bestAsk = q?.bestAsk ?? b?.asks[0]?.price;
          const bestBid = q?.bestBid ?? b?.bids[0]?.price;
          return {
            stk_cd: c,
            stk_nm: c,
            cur_prc: signed(t?.price, t?.direction),
            base_pric: '',
            pred_pre: '0',
            pred_pre_sig: '3',
            flu_rt: '0.00',
            trde_qty: '0',
            cntr_qty: t ? `${t.side === 'sell' ? '-' : '+'}${t.size}` : '',
            sel_bid: signed(bestAsk),
            buy_bid: signed(bestBid),
            pri_sel_req: String(q?.bestAskSize ?? b?.asks[0]?.size ?? ''),
            pri_buy_req: String(q?.bestBidSize ?? b?.bids[0]?.size ?? ''),
            cntr_tm: t ? kstHhmmss(t.timestamp) : '',
            bid_tm: kstHhmmss(q?.timestamp ?? b?.timestamp ?? Date.now()),
          };
        });
        reply({ atn_stk_infr: rows });
        return;
      }
      case '/api/dostk/stkinfo ka10001': {
        const t = state.lastTrade(code);
        reply({ stk_cd: code, stk_nm: code, cur_prc: signed(t?.price, t?.direction), pred_pre: '0', flu_rt: '0.00', trde_qty: '0' });
        return;
      }
      case '/api/dostk/stkinfo ka10003':
        reply({ cntr_infr: state.trades(code).slice(0, 30).map(tickRow) });
        return;
      case '/api/dostk/stkinfo ka10084': {
        const { rows, more } = page(state.trades(code).map(tickRow));
        reply({ tdy_pred_cntr: rows }, more);
        return;
      }
      case '/api/dostk/mrkcond ka10004': {
        const b = state.lastBook(code);
        const out: Record<string, string> = { bid_req_base_tm: kstHhmmss(b?.timestamp ?? Date.now()) };
        const nth = (n: number): string => (n === 1 ? 'fpr' : `${n}th_pre`);
        for (let i = 1; i <= 10; i++) {
          const a = b?.asks[i - 1];
          const d = b?.bids[i - 1];
          out[i === 1 ? 'sel_fpr_bid' : `sel_${nth(i)}_bid`] = a ? String(a.price) : '';
          out[i === 1 ? 'sel_fpr_req' : `sel_${nth(i)}_req`] = a ? String(a.size) : '';
          out[i === 1 ? 'buy_fpr_bid' : `buy_${nth(i)}_bid`] = d ? String(d.price) : '';
          out[i === 1 ? 'buy_fpr_req' : `buy_${nth(i)}_req`] = d ? String(d.size) : '';
        }
        reply(out);
        return;
      }
      case '/api/dostk/acnt ka10075': {
        const open = [...state.orders.values()]
          .map((r) => r.last)
          .filter((o) => o.status === 'accepted' || o.status === 'partiallyFilled' || o.status === 'modified');
        const rows = open.map((o) => ({
          acnt_no: o.account ?? '',
          ord_no: o.orderId,
          stk_cd: o.symbol,
          ord_stt: '접수',
          stk_nm: o.symbol,
          ord_qty: String(o.orderQty),
          ord_pric: String(o.orderPrice),
          oso_qty: String(o.unfilledQty),
          cntr_tot_amt: '0',
          orig_ord_no: o.originalOrderId ?? '0000000',
          io_tp_nm: o.side === 'buy' ? '+매수' : '-매도',
          trde_tp: o.orderPrice > 0 ? '보통' : '시장가',
          tm: kstHhmmss(state.orders.get(o.orderId)?.placedAt ?? o.timestamp),
          cntr_qty: String(o.filledQty),
          stex_tp: '1',
          stex_tp_txt: 'KRX',
          sor_yn: 'N',
        }));
        reply({ oso: rows });
        return;
      }
      case '/api/dostk/acnt kt00009': {
        // One row per fill, and one per order without fills (cntr_no blank); oldest first.
        const fillRows = state.fills.map((f, i) => ({ at: f.timestamp, row: fillRow(f, i + 1) }));
        const unfilled = [...state.orders.values()]
          .filter((r) => r.filledQty === 0)
          .map((r) => ({ at: r.placedAt, row: fillRow({ ...r.last, timestamp: r.placedAt }, 0) }));
        const all = [...fillRows, ...unfilled].sort((a, b) => a.at - b.at).map((x) => x.row);
        const { rows, more } = page(json.qry_tp === '1' ? all.filter((r) => r.cntr_no !== '') : all);
        reply({ sell_grntl_engg_amt: pad(0, 12), buy_engg_amt: pad(0, 12), engg_amt: pad(0, 12), acnt_ord_cntr_prst_array: rows }, more);
        return;
      }
      default:
        reply({ return_code: 2, return_msg: `API ID가 존재하지 않습니다[1505:${apiId}]` });
    }
  });
  return true;
}
