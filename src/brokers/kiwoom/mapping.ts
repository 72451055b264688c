/**
 * Kiwoom records → the normalized model. Each event keeps its record as `raw`.
 *
 * Records without a time of their own (0C quotes, 04 balances) are stamped with the receive
 * time from the feed's clock.
 */
import { ElwGreeks, ElwIndicators, EtfNav, ExpectedTrade, ProgramTrading, VolatilityInterruption } from '../../model/krx';
import {
  IndexTick,
  MarketPhase,
  MarketStatus,
  OrderBook,
  OrderEvent,
  OrderStatus,
  Position,
  PriceLevel,
  Quote,
  Side,
  Trade,
  kstEpoch,
} from '../../model';
import { FillFacts } from '../../feed/fills';
import { ConditionEvent, ConditionSnapshot } from './conditions';
import { RealRecord } from './wire/record';

const BROKER = 'kiwoom';

/** An epoch instant as ISO-8601 in KST. */
export function kstInstant(epochMs: number): { readonly time: string; readonly timestamp: number } {
  const shifted = new Date(Math.floor(epochMs / 1000) * 1000 + 9 * 3600_000).toISOString();
  return { time: `${shifted.slice(0, 19)}+09:00`, timestamp: epochMs };
}

function at(iso: string): { readonly time: string; readonly timestamp: number } {
  return { time: iso, timestamp: kstEpoch(iso) };
}

/**
 * 0B → Trade: last price, |FID 15| as size, its sign as the aggressor, and the day's figures the
 * frame carries (absent where it does not): 11 change and 12 change rate against the previous
 * close, 13 cumulative volume, 14 cumulative turnover (sent in million KRW, given here in KRW).
 * A frame without a trade time (FID 20) is stamped with the receive time `now` and says so in
 * `timeSource: 'receive'`.
 *
 * The hot path of every Kiwoom trade: fields are read once each and set in a fixed order (the
 * key order of the NDJSON line), without spreads or intermediate objects.
 */
export function toTrade(r: RealRecord<'0B'>, now: number = Date.now()): Trade<RealRecord<'0B'>> {
  const f = r.fields;
  const time = f.time;
  // Absent is tolerated; present but unreadable is a broken frame, not a reason to guess.
  if (time === undefined) {
    const badTime = r.extra['20'];
    if (badTime !== undefined && badTime.trim() !== '')
      throw new Error(`0B FID 20 (time) is not a HHMMSS time: ${JSON.stringify(badTime)}`);
  }
  const t = {
    kind: 'trade',
    broker: BROKER,
    symbol: r.symbol,
    exchange: r.exchange,
    price: f.lastPrice,
    size: f.size,
  } as { -readonly [K in keyof Trade<RealRecord<'0B'>>]: Trade<RealRecord<'0B'>>[K] };
  const side = f.side;
  if (side !== undefined) t.side = side;
  t.direction = f.direction;
  const change = f.change;
  if (change !== undefined) t.change = change;
  const changeRate = f.changeRate;
  if (changeRate !== undefined) t.changePercent = changeRate;
  const cumulativeVolume = f.cumulativeVolume;
  if (cumulativeVolume !== undefined) t.cumulativeVolume = cumulativeVolume;
  const cumulativeValue = f.cumulativeValue;
  if (cumulativeValue !== undefined) t.cumulativeTurnover = cumulativeValue * MILLION;
  if (time === undefined) {
    const received = kstInstant(now);
    t.time = received.time;
    t.timestamp = received.timestamp;
    t.timeSource = 'receive';
  } else {
    t.time = time;
    t.timestamp = kstEpoch(time);
  }
  t.raw = r;
  return t;
}

/** FID 14 (누적거래대금) is in million KRW. */
const MILLION = 1_000_000;

/** The 0D field names of levels 1…10, built once rather than per level of every book. */
const levelNames = (prefix: 'ask' | 'bid'): { readonly price: readonly string[]; readonly size: readonly string[] } => ({
  price: Array.from({ length: 10 }, (_, i) => `${prefix}Price${i + 1}`),
  size: Array.from({ length: 10 }, (_, i) => `${prefix}Size${i + 1}`),
});
const LEVEL_NAMES = { ask: levelNames('ask'), bid: levelNames('bid') };

/** 0D → OrderBook: up to 10 levels a side, best first; levels without a price are skipped. */
export function toOrderBook(r: RealRecord<'0D'>, depth = 10): OrderBook<RealRecord<'0D'>> {
  const f = r.fields as unknown as Readonly<Record<string, number | undefined>>;
  const side = (names: (typeof LEVEL_NAMES)['ask']): PriceLevel[] => {
    const out: PriceLevel[] = [];
    for (let i = 0; i < 10 && out.length < depth; i++) {
      const price = f[names.price[i]];
      if (!price) continue;
      out.push({ price, size: f[names.size[i]] ?? 0 });
    }
    return out;
  };
  return {
    kind: 'book',
    broker: BROKER,
    symbol: r.symbol,
    exchange: r.exchange,
    asks: side(LEVEL_NAMES.ask),
    bids: side(LEVEL_NAMES.bid),
    // 125/121: every resting share on each side, not only the levels kept by `depth`.
    ...present({ totalBidSize: r.fields.totalBidSize, totalAskSize: r.fields.totalAskSize }),
    ...at(r.fields.time),
    raw: r,
  };
}

/** 0C → Quote (best ask and bid; no sizes, no time on the wire). */
export function toQuote(r: RealRecord<'0C'>, now: number): Quote<RealRecord<'0C'>> {
  const { bestAsk, bestBid } = r.fields;
  return {
    kind: 'quote',
    broker: BROKER,
    symbol: r.symbol,
    exchange: r.exchange,
    ...(bestAsk ? { bestAsk } : {}),
    ...(bestBid ? { bestBid } : {}),
    ...kstInstant(now),
    raw: r,
  };
}

/**
 * 913 (order status text) with 902/905 → OrderStatus:
 * 접수 accepted; 체결 filled, or partiallyFilled while 902 (unfilled) > 0; 확인 (the confirmation
 * of a modify/cancel order) modified or cancelled by 905's 정정/취소; 취소 cancelled; 거부 rejected.
 */
export function orderStatusOf(r: RealRecord<'00'>): OrderStatus {
  const f = r.fields;
  const kind = f.orderKind ?? '';
  switch (f.status) {
    case 'accepted':
      return 'accepted';
    case 'filled':
      return f.unfilledQty > 0 ? 'partiallyFilled' : 'filled';
    case 'confirmed':
      return kind.includes('취소') ? 'cancelled' : kind.includes('정정') ? 'modified' : 'accepted';
    case 'cancelled':
      return 'cancelled';
    case 'rejected':
      return 'rejected';
    default:
      // Unknown wording: judge by the quantities.
      return (f.executionQty ?? 0) > 0 ? (f.unfilledQty > 0 ? 'partiallyFilled' : 'filled') : 'accepted';
  }
}

function sideOf(r: RealRecord<'00'>): Side | undefined {
  const s: string | undefined = r.fields.side;
  if (s === 'buy' || s === 'sell') return s;
  const kind = r.fields.orderKind ?? '';
  return kind.includes('매수') ? 'buy' : kind.includes('매도') ? 'sell' : undefined;
}

/**
 * 00 → OrderEvent. Assumed (legacy OpenAPI+ convention; the REST docs do not say, verify with
 * live fills): 910/911 are the order's fill price and cumulative filled quantity, 914/915 the
 * price and quantity of this one fill. So `filledQty` = 911 (or, on fills without it,
 * 900 − 902), and `fillPrice`/`fillQty` = 914/915, falling back to 910/911 when those are blank.
 * Undefined when the record names no side at all.
 */
export function toOrderEvent(r: RealRecord<'00'>): OrderEvent<RealRecord<'00'>> | undefined {
  const f = r.fields;
  const side = sideOf(r);
  if (side === undefined) return undefined;
  const status = orderStatusOf(r);
  const isFill = status === 'filled' || status === 'partiallyFilled';
  const filledQty = f.executionQty ?? (isFill ? Math.max(0, f.orderQty - f.unfilledQty) : 0);
  const fillPrice = isFill ? (f.unitFillPrice ?? f.executionPrice) : undefined;
  const fillQty = isFill ? (f.unitFillQty ?? f.executionQty) : undefined;
  const original = f.originalOrderId && /[1-9]/.test(f.originalOrderId) ? f.originalOrderId : undefined;
  return {
    kind: 'order',
    broker: BROKER,
    symbol: r.symbol,
    orderId: f.orderId,
    ...(original ? { originalOrderId: original } : {}),
    side,
    status,
    orderQty: f.orderQty,
    orderPrice: f.orderPrice ?? 0,
    filledQty,
    unfilledQty: f.unfilledQty,
    ...(fillPrice !== undefined ? { fillPrice } : {}),
    ...(fillQty !== undefined ? { fillQty } : {}),
    ...(f.account ? { account: f.account } : {}),
    ...at(f.time),
    raw: r,
  };
}

/** 04 → Position (930 holding, 931 average price, 933 sellable). */
export function toPosition(r: RealRecord<'04'>, now: number): Position<RealRecord<'04'>> {
  const f = r.fields;
  return {
    kind: 'position',
    broker: BROKER,
    symbol: r.symbol,
    qty: f.qty,
    avgPrice: f.avgPrice,
    ...(f.account ? { account: f.account } : {}),
    ...(f.availableQty !== undefined ? { availableQty: f.availableQty } : {}),
    ...(f.lastPrice !== undefined ? { lastPrice: f.lastPrice } : {}),
    ...kstInstant(now),
    raw: r,
  };
}

/** 0J → IndexTick; the change is signed (down = negative). */
export function toIndexTick(r: RealRecord<'0J'>): IndexTick<RealRecord<'0J'>> {
  const f = r.fields;
  return {
    kind: 'index',
    broker: BROKER,
    symbol: r.symbol,
    value: f.value,
    ...(f.change !== undefined ? { change: f.change } : {}),
    direction: f.direction,
    ...at(f.time),
    raw: r,
  };
}

/** 장운영구분 (FID 215) → phase. Codes follow the official spec; unknown codes are 'unknown'. */
const phases: Readonly<Record<string, MarketPhase>> = {
  '0': 'preOpen',
  '3': 'open',
  '2': 'preClose',
  '4': 'closed',
  '8': 'closed',
  '9': 'closed',
  a: 'afterHours',
  b: 'afterHours',
  c: 'afterHours',
  d: 'closed',
  P: 'afterHours',
  Q: 'preOpen',
  R: 'open',
  S: 'closed',
  T: 'afterHours',
  U: 'afterHours',
  V: 'closed',
  W: 'closed',
};

export function marketPhaseOf(code: string): MarketPhase {
  return phases[code] ?? 'unknown';
}

/** 0s → MarketStatus for the whole market (symbol ''). */
export function toMarketStatus(r: RealRecord<'0s'>): MarketStatus<RealRecord<'0s'>> {
  const f = r.fields;
  return {
    kind: 'status',
    broker: BROKER,
    symbol: r.symbol,
    phase: marketPhaseOf(f.operation),
    code: f.operation,
    ...at(f.time),
    raw: r,
  };
}

/** 02 → ConditionEvent. */
export function toConditionEvent(r: RealRecord<'02'>, now: number): ConditionEvent {
  const f = r.fields;
  return {
    kind: 'condition',
    broker: BROKER,
    seq: f.conditionSeq,
    symbol: r.symbol,
    action: f.action === 'leave' ? 'leave' : 'enter',
    initial: false,
    ...(f.time ? at(f.time) : kstInstant(now)),
    raw: r,
  };
}

/** The CNSRREQ snapshot → one 'enter' event per matching stock. */
export function snapshotEvents(s: ConditionSnapshot, now: number): ConditionEvent[] {
  const when = kstInstant(now);
  return s.symbols.map((symbol) => ({
    kind: 'condition',
    broker: BROKER,
    seq: s.seq,
    symbol,
    action: 'enter',
    initial: true,
    ...when,
    raw: s,
  }));
}

/**
 * What a 00 notice says of its fills, for `normalizeFills`: the order's cumulative filled
 * quantity (`filledQty`, from 911 or 900 − 902) and value (903 체결누계금액), and the fill
 * number (909). A notice sent again has the same totals; one lost shows in the next one's growth.
 */
export function orderFillFacts(e: OrderEvent<RealRecord<'00'>>): FillFacts {
  const f = e.raw.fields;
  const value = f.filledAmount;
  return {
    cumulativeQty: e.filledQty,
    ...(value !== undefined && (value > 0 || e.filledQty === 0) ? { cumulativeValue: value } : {}),
    ...(f.fillId ? { id: f.fillId } : {}),
  };
}

/**
 * The identity of a 0B print (Kiwoom sends no trade id) within its symbol and venue: the day's
 * cumulative volume (13), which grows by the size of every print; a number, cheap to remember.
 * distinctTrades also compares price, size and time, so a print is a repeat exactly when its
 * whole description is. Undefined (no de-duplication) when the frame omits the volume.
 */
export function tradeIdentity(t: Trade<RealRecord<'0B'>>): string | number | undefined {
  // The trade carries FID 13 as it was decoded: no second read through the record.
  return t.cumulativeVolume;
}

// --- KRX events (src/model/krx.ts) -------------------------------------------------------------

/** Copies the fields whose value is present: absent on the wire stays absent in the model. */
function present<T extends object>(fields: T): Partial<T> {
  const out: Partial<T> = {};
  for (const key in fields) if (fields[key] !== undefined) out[key] = fields[key];
  return out;
}

/** 0G → EtfNav. */
export function toEtfNav(r: RealRecord<'0G'>): EtfNav<RealRecord<'0G'>> {
  const f = r.fields;
  return {
    kind: 'etfNav',
    broker: BROKER,
    symbol: r.symbol,
    nav: f.nav,
    ...present({
      navChange: f.navChange,
      navChangePercent: f.navChangeRate,
      trackingError: f.trackingError,
      lastPrice: f.lastPrice,
      premiumPercent: f.navPriceDivergence,
    }),
    ...at(f.time),
    raw: r,
  };
}

/** 0H → ExpectedTrade: the indicative auction price and size. */
export function toExpectedTrade(r: RealRecord<'0H'>): ExpectedTrade<RealRecord<'0H'>> {
  const f = r.fields;
  return {
    kind: 'expectedTrade',
    broker: BROKER,
    symbol: r.symbol,
    exchange: r.exchange,
    price: f.expectedPrice,
    direction: f.direction,
    ...present({ size: f.size, change: f.change, changePercent: f.changeRate, cumulativeVolume: f.cumulativeVolume }),
    ...at(f.time),
    raw: r,
  };
}

/** 0m → ElwGreeks. */
export function toElwGreeks(r: RealRecord<'0m'>): ElwGreeks<RealRecord<'0m'>> {
  const f = r.fields;
  return {
    kind: 'elwGreeks',
    broker: BROKER,
    symbol: r.symbol,
    ...present({
      lastPrice: f.lastPrice,
      theoreticalPrice: f.theoreticalPrice,
      impliedVolatility: f.impliedVolatility,
      delta: f.delta,
      gamma: f.gamma,
      theta: f.theta,
      vega: f.vega,
      rho: f.rho,
    }),
    ...at(f.time),
    raw: r,
  };
}

/** 0u → ElwIndicators. */
export function toElwIndicators(r: RealRecord<'0u'>): ElwIndicators<RealRecord<'0u'>> {
  const f = r.fields;
  return {
    kind: 'elwIndicators',
    broker: BROKER,
    symbol: r.symbol,
    ...present({
      parity: f.parity,
      premium: f.premium,
      gearing: f.gearing,
      breakEvenPercent: f.breakEvenRate,
      capitalSupportPercent: f.capitalSupportPoint,
    }),
    ...at(f.time),
    raw: r,
  };
}

/** 0w → ProgramTrading (values in million KRW, as Kiwoom sends them). */
export function toProgramTrading(r: RealRecord<'0w'>): ProgramTrading<RealRecord<'0w'>> {
  const f = r.fields;
  return {
    kind: 'programTrading',
    broker: BROKER,
    symbol: r.symbol,
    ...present({
      buyQty: f.programBuyQty,
      sellQty: f.programSellQty,
      netBuyQty: f.programNetBuyQty,
      buyValue: f.programBuyValue,
      sellValue: f.programSellValue,
      netBuyValue: f.programNetBuyValue,
    }),
    valueUnit: 'million KRW',
    ...at(f.time),
    raw: r,
  };
}

const viTypes = ['static', 'dynamic', 'both'] as const;

/**
 * 1h → VolatilityInterruption. FID 9068 is undocumented; assumed '2' = released and anything else
 * (the official sample's '1') = triggered. The reference price is that of the VI's kind.
 * Without a trigger or release time the event is stamped with the receive time.
 */
export function toVolatilityInterruption(r: RealRecord<'1h'>, now: number): VolatilityInterruption<RealRecord<'1h'>> {
  const f = r.fields;
  const active = f.viStatus !== '2';
  const dynamic = f.viKind === 'dynamic';
  const stamp = active ? f.triggerTime : (f.releaseTime ?? f.triggerTime);
  return {
    kind: 'volatilityInterruption',
    broker: BROKER,
    symbol: f.symbol,
    active,
    ...present({
      viType: viTypes.find((v) => v === f.viKind),
      triggerPrice: f.triggerPrice,
      referencePrice: dynamic ? f.dynamicReferencePrice : f.staticReferencePrice,
      divergencePercent: dynamic ? f.dynamicDivergenceRate : f.staticDivergenceRate,
      triggeredAt: f.triggerTime,
      releasedAt: f.releaseTime,
      count: f.viCount,
    }),
    ...(stamp === undefined ? kstInstant(now) : at(stamp)),
    raw: r,
  };
}
