/**
 * The normalized model → Kiwoom REAL entries, as the real server words them: every FID of the
 * official sample of the type, in the sample's order, prices signed against the previous close
 * (book prices too), changes and rates signed, cumulative volume and value, open/high/low, best
 * quotes and strength taken from the symbol's tape (krx-tape.ts), so a 0B, the 0D and the 0C of a
 * moment agree. Trade → 0B, OrderBook → 0D, Quote → 0C, OrderEvent → 00, Position → 04,
 * IndexTick → 0J, market-wide MarketStatus → 0s, a stock's halt/resume → 1h (VI), and an
 * expected auction price → 0H.
 *
 * Fields the samples leave empty stay empty where the simulator has nothing to say (CFD margins,
 * program-trading ratios); NXT/LP split quantities are 0 for KRX items, as the samples show.
 */
import { IndexTick, MarketEvent, MarketStatus, OrderBook, OrderEvent, Position, PriceLevel, Quote, Trade } from '../../../model';
import { Exchange, exchanges, itemOf } from '../../../brokers/kiwoom/endpoints';
import { realKey } from '../../../brokers/kiwoom/keys';
import { RealEntry } from '../../../brokers/kiwoom/wire/record';
import { KrxTape, KrxTapes, changeSign, kstHhmmss, percent, signedDelta, signedVs, venueHints } from '../krx-tape';

/** A REAL entry and the key a client must have registered to receive it. */
export interface EncodedEntry {
  readonly key: string;
  readonly entry: RealEntry;
}

const names = {
  '00': '주문체결',
  '04': '현물잔고',
  '0B': '주식체결',
  '0C': '주식우선호가',
  '0D': '주식호가잔량',
  '0H': '주식예상체결',
  '0J': '업종지수',
  '0s': '장시작시간',
  '1h': 'VI발동/해제',
} as const;

const STOCK_NAMES: Readonly<Record<string, string>> = {
  '005930': '삼성전자',
  '000660': 'SK하이닉스',
  '005380': '현대차',
  '035720': '카카오',
  '035420': 'NAVER',
};

const stockName = (symbol: string): string => STOCK_NAMES[symbol] ?? symbol;

function venueOf(exchange: string | undefined): Exchange {
  return exchange !== undefined && (exchanges as readonly string[]).includes(exchange) ? (exchange as Exchange) : 'KRX';
}

function entry(type: keyof typeof names, item: string, values: Record<string, string>): EncodedEntry {
  return { key: realKey(type, item), entry: { type, name: names[type], item, values } };
}

function hhmmss(event: { readonly timestamp: number; readonly time: string }): string {
  const ms = Number.isFinite(event.timestamp) ? event.timestamp : Date.parse(event.time);
  return kstHhmmss(Number.isFinite(ms) ? ms : 0);
}

const millions = (won: number): string => String(Math.round(won / 1_000_000));

/** 0B: the ~45 FIDs of the official sample, in its order. Updates the tape first. */
export function encodeTrade(t: Trade, tape: KrxTape = new KrxTape(t.symbol)): EncodedEntry {
  const time = hhmmss(t);
  tape.onTrade(t, time);
  const hints = venueHints(t.raw);
  const ref = tape.previousClose ?? t.price;
  const ask = tape.bestAsk()?.price ?? t.price;
  const bid = tape.bestBid()?.price ?? t.price;
  const volumeDelta = tape.cumVolume - tape.previousVolume;
  const previousValue = tape.previousVolume * ref;
  const signedSize = t.side === 'buy' ? `+${t.size}` : t.side === 'sell' ? `-${t.size}` : String(t.size);
  const buyRatio = tape.cumVolume === 0 ? 0 : (tape.buyVolume / tape.cumVolume) * 100;
  const values: Record<string, string> = {
    '20': time,
    '10': signedVs(t.price, ref),
    '11': signedDelta(t.price - ref),
    '12': percent(((t.price - ref) / ref) * 100, true),
    '27': signedVs(ask, ref),
    '28': signedVs(bid, ref),
    '15': signedSize,
    '13': String(tape.cumVolume),
    '14': millions(tape.cumValue),
    '16': signedVs(tape.open!.price, ref),
    '17': signedVs(tape.high!.price, ref),
    '18': signedVs(tape.low!.price, ref),
    '25': changeSign(t.price, ref),
    '26': signedDelta(volumeDelta),
    '29': signedDelta(tape.cumValue - previousValue),
    '30': percent((tape.cumVolume / tape.previousVolume) * 100 * (volumeDelta < 0 ? -1 : 1), true),
    '31': percent((tape.cumVolume / tape.listedShares) * 100, false),
    '32': '0',
    '228': percent(tape.strength(), false),
    '311': String(Math.round((t.price * tape.listedShares) / 100_000_000)),
    '290': hints.session ?? '2',
    '691': '0',
    '567': '000000',
    '568': '000000',
    '851': '',
    '1890': tape.open!.time,
    '1891': tape.high!.time,
    '1892': tape.low!.time,
    '1030': String(tape.sellVolume),
    '1031': String(tape.buyVolume),
    '1032': percent(buyRatio, false),
    '1071': String(tape.sellTrades),
    '1072': String(tape.buyTrades),
    '1313': signedDelta(t.side === 'sell' ? -t.price * t.size : t.price * t.size),
    '1315': t.side === 'sell' ? String(t.size) : '0',
    '1316': t.side === 'buy' ? String(t.size) : '0',
    '1314': signedDelta(tape.buyVolume - tape.sellVolume),
    '1497': '',
    '1498': '',
    '620': tape.vwap().toFixed(2),
    '732': '',
    '852': '',
    '9081': venueOf(t.exchange) === 'NXT' ? '2' : '1',
  };
  return entry('0B', itemOf(t.symbol, venueOf(t.exchange)), values);
}

/** 0D: ten levels a side with every per-level and aggregate FID of the official sample. */
export function encodeOrderBook(b: OrderBook, tape: KrxTape = new KrxTape(b.symbol)): EncodedEntry {
  tape.onBook(b);
  const hints = venueHints(b.raw);
  const ref = tape.previousClose ?? b.bids[0]?.price ?? b.asks[0]?.price ?? 0;
  const before = tape.previousBook;
  const priceAt = (levels: readonly PriceLevel[], i: number): string => (levels[i] ? signedVs(levels[i].price, ref) : '0');
  const sizeAt = (levels: readonly PriceLevel[], i: number): string => String(levels[i]?.size ?? 0);
  /** The change of a level's resting quantity since the previous book, at the same price (81–100, assumed). */
  const changeAt = (side: 'asks' | 'bids', i: number): string => {
    const level = b[side][i];
    if (!level || !before) return '0';
    const previous = before[side].find((l) => l.price === level.price)?.size ?? 0;
    return signedDelta(level.size - previous);
  };
  const totalAsk = b.asks.slice(0, 10).reduce((s, l) => s + l.size, 0);
  const totalBid = b.bids.slice(0, 10).reduce((s, l) => s + l.size, 0);
  const prevAsk = before ? before.asks.slice(0, 10).reduce((s, l) => s + l.size, 0) : totalAsk;
  const prevBid = before ? before.bids.slice(0, 10).reduce((s, l) => s + l.size, 0) : totalBid;
  const expected = hints.expected;
  const v: Record<string, string> = { '21': hhmmss(b) };
  for (let i = 0; i < 10; i++) {
    v[String(41 + i)] = priceAt(b.asks, i);
    v[String(61 + i)] = sizeAt(b.asks, i);
    v[String(81 + i)] = changeAt('asks', i);
    v[String(51 + i)] = priceAt(b.bids, i);
    v[String(71 + i)] = sizeAt(b.bids, i);
    v[String(91 + i)] = changeAt('bids', i);
  }
  Object.assign(v, {
    '121': String(totalAsk),
    '122': signedDelta(totalAsk - prevAsk),
    '125': String(totalBid),
    '126': signedDelta(totalBid - prevBid),
    '23': expected ? String(expected.price) : '0',
    '24': expected ? String(expected.size) : '0',
    '128': signedDelta(totalBid - totalAsk),
    '129': percent(totalAsk === 0 ? 0 : (totalBid / totalAsk) * 100, false),
    '138': signedDelta(totalAsk - totalBid),
    '139': percent(totalBid === 0 ? 0 : (totalAsk / totalBid) * 100, false),
    '200': expected ? signedDelta(expected.price - ref) : '0',
    '201': expected ? percent(((expected.price - ref) / ref) * 100, true) : '0.00',
    '238': expected ? changeSign(expected.price, ref) : '3',
    '291': expected ? String(expected.price) : '0',
    '292': expected ? String(expected.size) : '0',
    '293': expected ? changeSign(expected.price, ref) : '3',
    '294': expected ? signedDelta(expected.price - ref) : '0',
    '295': expected ? percent(((expected.price - ref) / ref) * 100, true) : '0.00',
  });
  for (let i = 0; i < 10; i++) {
    v[String(621 + i)] = '0';
    v[String(631 + i)] = '0';
  }
  v['13'] = String(tape.cumVolume);
  v['299'] = percent(((tape.cumVolume - tape.previousVolume) / tape.previousVolume) * 100, true);
  v['215'] = hints.operation ?? '';
  v['216'] = '';
  for (let f = 6044; f <= 6087; f++) v[String(f)] = '0';
  for (let f = 6100; f <= 6115; f++) v[String(f)] = '0';
  return entry('0D', itemOf(b.symbol, venueOf(b.exchange)), v);
}

/** 0C: best ask and bid, signed against the previous close. */
export function encodeQuote(q: Quote, tape: KrxTape = new KrxTape(q.symbol)): EncodedEntry {
  const ask = q.bestAsk ?? 0;
  const bid = q.bestBid ?? 0;
  const ref = tape.reference(bid || ask, undefined, venueHints(q.raw));
  return entry('0C', itemOf(q.symbol, venueOf(q.exchange)), { '27': ask ? signedVs(ask, ref) : '0', '28': bid ? signedVs(bid, ref) : '0' });
}

/** OrderStatus → FID 913 and 905. */
function statusFields(o: OrderEvent): { readonly status: string; readonly kind: string } {
  const side = o.side === 'buy' ? '매수' : '매도';
  const sign = o.side === 'buy' ? '+' : '-';
  switch (o.status) {
    case 'accepted':
      return { status: '접수', kind: `${sign}${side}` };
    case 'partiallyFilled':
    case 'filled':
      return { status: '체결', kind: `${sign}${side}` };
    case 'modified':
      return { status: '확인', kind: `${sign}${side}정정` };
    case 'cancelled':
      return { status: '취소', kind: `${sign}${side}취소` };
    case 'rejected':
      return { status: '거부', kind: `${sign}${side}` };
  }
}

/** 00: the 37 FIDs of the official sample. */
export function encodeOrderEvent(o: OrderEvent, tape: KrxTape = new KrxTape(o.symbol)): EncodedEntry {
  const isFill = o.status === 'filled' || o.status === 'partiallyFilled';
  const { status, kind } = statusFields(o);
  const ref = tape.previousClose ?? o.orderPrice;
  const last = tape.last ?? o.fillPrice ?? o.orderPrice;
  const ask = tape.bestAsk()?.price ?? last;
  const bid = tape.bestBid()?.price ?? last;
  const filledAmount = isFill && o.fillPrice !== undefined ? Math.round(o.fillPrice * o.filledQty) : 0;
  const values: Record<string, string> = {
    '9201': o.account ?? '1111111111',
    '9203': o.orderId,
    '9205': '',
    '9001': o.symbol,
    '912': 'JJ',
    '913': status,
    '302': stockName(o.symbol),
    '900': String(o.orderQty),
    '901': String(o.orderPrice),
    '902': String(o.unfilledQty),
    '903': String(filledAmount),
    '904': o.originalOrderId ?? '0000000',
    '905': kind,
    '906': o.orderPrice > 0 ? '보통' : '시장가',
    '907': o.side === 'buy' ? '2' : '1',
    '908': hhmmss(o),
    '909': isFill ? `${o.orderId}${String(o.filledQty).padStart(3, '0')}`.slice(-7) : '',
    '910': isFill && o.fillPrice !== undefined ? String(o.fillPrice) : '',
    '911': isFill || o.filledQty > 0 ? String(o.filledQty) : '',
    '10': last ? signedVs(last, ref) : '0',
    '27': ask ? signedVs(ask, ref) : '0',
    '28': bid ? signedVs(bid, ref) : '0',
    '914': o.fillPrice !== undefined ? String(o.fillPrice) : '',
    '915': o.fillQty !== undefined ? String(o.fillQty) : '',
    '938': '0',
    '939': '0',
    '919': o.status === 'rejected' ? '주문가능금액부족' : '0',
    '920': '',
    '921': '0701002',
    '922': '00',
    '923': '00000000',
    '10010': '',
    '2134': '1',
    '2135': 'KRX',
    '2136': 'N',
  };
  return entry('00', o.symbol, values);
}

/** 04: the 28 FIDs of the official sample. */
export function encodePosition(p: Position, tape: KrxTape = new KrxTape(p.symbol)): EncodedEntry {
  const qty = Math.abs(p.qty);
  const ref = tape.previousClose ?? p.lastPrice ?? p.avgPrice;
  const last = p.lastPrice ?? tape.last ?? p.avgPrice;
  const ask = tape.bestAsk()?.price ?? last;
  const bid = tape.bestBid()?.price ?? last;
  const values: Record<string, string> = {
    '9201': p.account ?? '1111111111',
    '9001': p.symbol,
    '917': '00',
    '916': '00000000',
    '302': stockName(p.symbol),
    '10': signedVs(last, ref),
    '930': String(qty),
    '931': String(Math.round(p.avgPrice)),
    '932': String(Math.round(p.avgPrice * qty)),
    '933': String(p.availableQty ?? qty),
    '945': String(qty),
    '946': '2',
    '950': '0',
    '951': '0',
    '27': signedVs(ask, ref),
    '28': signedVs(bid, ref),
    '307': String(ref),
    '8019': '0.00',
    '957': '0',
    '958': '0',
    '918': '00000000',
    '990': '0',
    '991': '0.00',
    '992': '0',
    '993': '0.00',
    '959': '0',
    '924': '0',
  };
  return entry('04', p.symbol, values);
}

/** 0J: the 12 FIDs of the official sample (index levels with two decimals). */
export function encodeIndexTick(i: IndexTick, tape: KrxTape = new KrxTape(`index:${i.symbol}`)): EncodedEntry {
  const change = i.change ?? 0;
  const ref = Math.round((i.value - change) * 100) / 100;
  const fixed = (n: number): string => n.toFixed(2);
  const signedLevel = (n: number): string => (n > ref ? `+${fixed(n)}` : n < ref ? `-${fixed(n)}` : fixed(n));
  const time = hhmmss(i);
  if (!tape.open) tape.open = { price: i.value, time };
  if (!tape.high || i.value > tape.high.price) tape.high = { price: i.value, time };
  if (!tape.low || i.value < tape.low.price) tape.low = { price: i.value, time };
  const values: Record<string, string> = {
    '20': time,
    '10': signedLevel(i.value),
    '11': change > 0 ? `+${fixed(change)}` : change < 0 ? `-${fixed(-change)}` : fixed(0),
    '12': percent(ref === 0 ? 0 : (change / ref) * 100, true),
    '15': '0',
    '13': '0',
    '14': '0',
    '16': signedLevel(tape.open.price),
    '17': signedLevel(tape.high.price),
    '18': signedLevel(tape.low.price),
    '25': change > 0 ? '2' : change < 0 ? '5' : '3',
    '26': '0',
  };
  return entry('0J', i.symbol, values);
}

/** A phase → the first 장운영구분 code that means it. */
const phaseCodes: Readonly<Record<MarketStatus['phase'], string>> = {
  preOpen: '0',
  open: '3',
  preClose: '2',
  closed: '4',
  afterHours: 'a',
  halted: '8',
  unknown: '9',
};

/** 0s: operation code, time, and the time left until the open (HHMMSS; 000000 once open). */
export function encodeMarketStatus(s: MarketStatus): EncodedEntry {
  const code = /^[0-9a-zA-Z]$/.test(s.code) ? s.code : phaseCodes[s.phase];
  const time = hhmmss(s);
  const untilOpen = code === '0' ? remainingUntil(time, '090000') : '000000';
  return entry('0s', '', { '215': code, '20': time, '214': untilOpen });
}

function remainingUntil(from: string, to: string): string {
  const secs = (t: string): number => Number(t.slice(0, 2)) * 3600 + Number(t.slice(2, 4)) * 60 + Number(t.slice(4, 6));
  const left = Math.max(0, secs(to) - secs(from));
  return [Math.floor(left / 3600), Math.floor((left % 3600) / 60), left % 60].map((n) => String(n).padStart(2, '0')).join('');
}

/** VIs triggered today, per stock tape (1h FID 1490). */
const viCounts = new WeakMap<KrxTape, number>();

/** 1h: a volatility interruption of one stock triggered (halted) or released. */
export function encodeVolatilityInterruption(s: MarketStatus, tape: KrxTape): EncodedEntry {
  const time = hhmmss(s);
  if (s.halted) viCounts.set(tape, (viCounts.get(tape) ?? 0) + 1);
  const count = Math.max(1, viCounts.get(tape) ?? 0);
  const price = tape.current();
  const reference = tape.previousClose ?? price;
  // A dynamic VI is measured from the simulator's VI reference (the price after the last VI), where given.
  const given = (s.raw as { viReference?: unknown } | undefined)?.viReference;
  const viReference = typeof given === 'number' && given > 0 ? given : reference;
  const values: Record<string, string> = {
    '9001': s.symbol,
    '302': stockName(s.symbol),
    '13': String(tape.cumVolume),
    '14': millions(tape.cumValue),
    '9068': s.halted ? '1' : '2',
    '9008': '101',
    '9075': '1',
    '1221': String(price),
    '1223': time,
    '1224': s.halted ? '000000' : time,
    '1225': '동적',
    '1236': '0',
    '1237': String(viReference),
    '1238': '0.00',
    '1239': percent(viReference === 0 ? 0 : ((price - viReference) / viReference) * 100, true),
    '1489': percent(reference === 0 ? 0 : ((price - reference) / reference) * 100, true),
    '1490': String(count),
    '9069': price >= reference ? '1' : '2',
    '1279': '+동적',
  };
  return { key: realKey('1h', ''), entry: { type: '1h', name: names['1h'], item: s.symbol, values } };
}

/** 0H: the expected auction match of a stock (during call auctions). */
export function encodeExpected(symbol: string, time: string, price: number, size: number, tape: KrxTape): EncodedEntry {
  const ref = tape.previousClose ?? price;
  const values: Record<string, string> = {
    '20': time,
    '10': signedVs(price, ref),
    '11': signedDelta(price - ref),
    '12': percent(((price - ref) / ref) * 100, true),
    '15': String(size),
    '13': String(tape.cumVolume),
    '25': changeSign(price, ref),
  };
  return entry('0H', itemOf(symbol, 'KRX'), values);
}

/** Any model event as REAL entries (most give one; a book during an auction also gives 0H). */
export function encodeEvents(event: MarketEvent, tapes: KrxTapes): readonly EncodedEntry[] {
  switch (event.kind) {
    case 'trade':
      return [encodeTrade(event, tapes.of(event.symbol))];
    case 'book': {
      const tape = tapes.of(event.symbol);
      const out = [encodeOrderBook(event, tape)];
      const expected = venueHints(event.raw).expected;
      if (expected) out.push(encodeExpected(event.symbol, hhmmss(event), expected.price, expected.size, tape));
      return out;
    }
    case 'quote':
      return [encodeQuote(event, tapes.of(event.symbol))];
    case 'order':
      return [encodeOrderEvent(event, tapes.of(event.symbol))];
    case 'position':
      return [encodePosition(event, tapes.of(event.symbol))];
    case 'index':
      return [encodeIndexTick(event, tapes.of(`index:${event.symbol}`))];
    case 'status':
      return event.symbol === '' ? [encodeMarketStatus(event)] : [encodeVolatilityInterruption(event, tapes.of(event.symbol))];
    default:
      return [];
  }
}

/**
 * One event as its REAL entry (the first, for a book with an expected price), against `tapes`
 * (a fresh set by default: prices are then signed against a previous close inferred from the
 * event itself); undefined for kinds Kiwoom has no type for.
 */
export function encodeEvent(event: MarketEvent, tapes: KrxTapes = new KrxTapes()): EncodedEntry | undefined {
  return encodeEvents(event, tapes)[0];
}
