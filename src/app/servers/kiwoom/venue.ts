/**
 * What the Kiwoom server publishes beyond trades, books and quotes: the types a client may
 * register that no model event maps to one for one. Each is derived from the events the server
 * publishes and the symbol tapes (krx-tape.ts), so it agrees with the 0B, 0D and 0s of the moment:
 *
 * | type | pushed when | from |
 * |---|---|---|
 * | 0A 주식기세 | a call auction sets a price (opening, closing, single-price uncross) | the uncross print and the tape |
 * | 0E 주식시간외호가 | a book changes while an after-hours session runs (0s a, b, c) | the book's totals |
 * | 0F 주식당일거래원 | at most once a second per stock with trades | member firms drawn per print, accumulated |
 * | 0G ETF NAV | every index tick (≈ 1 s), per registered ETF | the ETF's tape, or the index for ETFs not simulated |
 * | 0I 국제금환산가격 | every index tick when the price moved (a 5 s grid) | a deterministic walk around a previous close |
 * | 0U 업종등락 | every index tick, per registered sector | the stock tapes against their previous closes |
 * | 0g 주식종목정보 | the pre-open and open notices, and a stock's VI trigger/release | price limits from the previous close |
 * | 0m/0u ELW | every index tick, per registered ELW | Black-Scholes on an underlying stock's tape |
 * | 0w 종목프로그램매매 | a print the program desk took part in (≈ 1 in 4) | running program totals |
 *
 * Everything is deterministic (hashes of symbols and counters, no clock reads), so the same market
 * gives the same frames. Values are formatted as the official samples format them.
 */
import { IndexTick, MarketEvent, MarketStatus, OrderBook, Trade } from '../../../model';
import { realKey } from '../../../brokers/kiwoom/keys';
import { hashString } from '../../sim/rng';
import { KrxTape, KrxTapes, changeSign, kstHhmmss, limitDown, limitUp, percent, signedDelta, signedVs, venueHints } from '../krx-tape';
import { EncodedEntry } from './encode';

/** What clients have registered now. */
export interface Registrations {
  /** Whether some client holds this key (`0w|005930`). */
  has(key: string): boolean;
  /** The items some client registered for a type. */
  items(type: string): readonly string[];
}

const names = {
  '0A': '주식기세',
  '0E': '주식시간외호가',
  '0F': '주식당일거래원',
  '0G': 'ETF NAV',
  '0I': '국제금환산가격',
  '0U': '업종등락',
  '0g': '주식종목정보',
  '0m': 'ELW 이론가',
  '0u': 'ELW 지표',
  '0w': '종목별프로그램매매',
} as const;

type VenueType = keyof typeof names;

function entry(type: VenueType, item: string, values: Record<string, string>): EncodedEntry {
  return { key: realKey(type, item), entry: { type, name: names[type], item, values } };
}

const hhmmss = (e: { readonly timestamp: number }): string => kstHhmmss(Number.isFinite(e.timestamp) ? e.timestamp : 0);
const millions = (won: number): string => String(Math.round(won / 1_000_000));
/**
 * A uniform draw in [0, 1) from a text: the same text, the same draw. FNV-1a alone barely moves
 * when only the last character changes (a counter), so its hash goes through murmur3's finalizer.
 */
function draw(text: string): number {
  let h = hashString(text);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return ((h ^ (h >>> 16)) >>> 0) / 4294967296;
}
const fixed2 = (n: number): string => (Math.round(n * 100) / 100).toFixed(2);
/** Two decimals with a sign against a reference: '+7488.27', '-7488.27', '7488.27'. */
const signed2 = (value: number, reference: number): string =>
  (value > reference ? '+' : value < reference ? '-' : '') + fixed2(Math.abs(value));
const delta2 = (d: number): string => (Math.round(d * 100) === 0 ? '0.00' : d > 0 ? `+${fixed2(d)}` : `-${fixed2(-d)}`);

/** Member firms (simulated names and codes); `foreign` firms count in the foreign estimates. */
const FIRMS: readonly { readonly code: string; readonly name: string; readonly foreign: boolean; readonly weight: number }[] = [
  { code: '050', name: '키움증권', foreign: false, weight: 18 },
  { code: '005', name: '미래에셋', foreign: false, weight: 14 },
  { code: '030', name: '삼성증권', foreign: false, weight: 12 },
  { code: '003', name: '한국투자', foreign: false, weight: 10 },
  { code: '012', name: 'NH투자', foreign: false, weight: 9 },
  { code: '006', name: 'KB증권', foreign: false, weight: 8 },
  { code: '026', name: '신한투자', foreign: false, weight: 6 },
  { code: '036', name: '모간스탠리', foreign: true, weight: 8 },
  { code: '033', name: '골드만삭스', foreign: true, weight: 6 },
  { code: '035', name: 'JP모간', foreign: true, weight: 5 },
  { code: '044', name: '메릴린치', foreign: true, weight: 4 },
];
const FIRM_WEIGHT = FIRMS.reduce((s, f) => s + f.weight, 0);

function firmOf(u: number): number {
  let x = u * FIRM_WEIGHT;
  for (let i = 0; i < FIRMS.length; i++) {
    x -= FIRMS[i].weight;
    if (x < 0) return i;
  }
  return FIRMS.length - 1;
}

interface Program {
  sellQty: number;
  sellValue: number;
  buyQty: number;
  buyValue: number;
  lastNetQty: number;
  lastNetValue: number;
}

interface Members {
  readonly sell: number[];
  readonly buy: number[];
  /** Quantities per firm at the last push, for the Δ fields. */
  lastSell: number[];
  lastBuy: number[];
  lastForeign: { sell: number; buy: number; net: number };
  /** Epoch ms of the last push. */
  pushedAt: number;
}

interface EtfState {
  /** The previous close (and yesterday's NAV) of an ETF that is not simulated. */
  readonly previousClose: number;
  volume: number;
}

/** Standard normal CDF (Abramowitz-Stegun 7.1.26, |error| < 1.5e-7) and density. */
function normCdf(x: number): number {
  const t = 1 / (1 + (0.3275911 * Math.abs(x)) / Math.SQRT2);
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-(x * x) / 2);
  return x >= 0 ? (1 + y) / 2 : (1 - y) / 2;
}
const normPdf = (x: number): number => Math.exp(-(x * x) / 2) / Math.sqrt(2 * Math.PI);

/** An ELW's fixed terms, drawn from its code. */
interface ElwTerms {
  readonly call: boolean;
  readonly underlying: string;
  readonly strike: number;
  /** Trading days to expiry, at listing of the simulation. */
  readonly days: number;
  /** Underlying shares per ELW (KRX ELWs are mostly 0.01). */
  readonly ratio: number;
  readonly volatility: number;
}

const RATE = 0.035;

export interface BlackScholes {
  readonly price: number;
  readonly delta: number;
  readonly gamma: number;
  /** Per calendar day. */
  readonly theta: number;
  /** Per volatility point. */
  readonly vega: number;
  /** Per rate point. */
  readonly rho: number;
}

/** Black-Scholes value and sensitivities of one option on one share. */
export function blackScholes(call: boolean, spot: number, strike: number, years: number, vol: number, rate = RATE): BlackScholes {
  const t = Math.max(years, 1 / 365);
  const sq = vol * Math.sqrt(t);
  const d1 = (Math.log(spot / strike) + (rate + (vol * vol) / 2) * t) / sq;
  const d2 = d1 - sq;
  const disc = Math.exp(-rate * t);
  const price = call ? spot * normCdf(d1) - strike * disc * normCdf(d2) : strike * disc * normCdf(-d2) - spot * normCdf(-d1);
  const gamma = normPdf(d1) / (spot * sq);
  const vega = (spot * normPdf(d1) * Math.sqrt(t)) / 100;
  const thetaYear = call
    ? (-spot * normPdf(d1) * vol) / (2 * Math.sqrt(t)) - rate * strike * disc * normCdf(d2)
    : (-spot * normPdf(d1) * vol) / (2 * Math.sqrt(t)) + rate * strike * disc * normCdf(-d2);
  const rho = call ? (strike * t * disc * normCdf(d2)) / 100 : (-strike * t * disc * normCdf(-d2)) / 100;
  return { price, delta: call ? normCdf(d1) : normCdf(d1) - 1, gamma, theta: thetaYear / 365, vega, rho };
}

/** The venue's derived types for one server: state per stock, ETF and ELW. */
export class KiwoomVenue {
  private readonly program = new Map<string, Program>();
  private readonly members = new Map<string, Members>();
  private readonly etfs = new Map<string, EtfState>();
  private readonly afterHoursTotals = new Map<string, { ask: number; bid: number }>();
  /** Stocks that printed, in order of their first print (ELW underlyings, breadth). */
  private readonly stocks: string[] = [];
  /** The market-wide 장운영구분 in force. */
  private operation = '';
  private readonly lastGold = new Map<string, string>();
  /** The first level seen of each index: ETFs that are not simulated follow it from there. */
  private readonly startIndex = new Map<string, number>();
  private readonly elws = new Map<string, ElwTerms>();

  constructor(private readonly tapes: KrxTapes) {}

  /** Entries an event gives rise to beyond its own encoding (call after encoding it: the tapes are updated). */
  after(event: MarketEvent, registered: Registrations): EncodedEntry[] {
    switch (event.kind) {
      case 'trade':
        return this.onTrade(event, registered);
      case 'book':
        return this.onBook(event, registered);
      case 'index':
        return this.onIndex(event, registered);
      case 'status':
        return this.onStatus(event, registered);
      default:
        return [];
    }
  }

  // --- per print: 0w, 0F, 0A ----------------------------------------------------------------

  private onTrade(t: Trade, registered: Registrations): EncodedEntry[] {
    const tape = this.tapes.of(t.symbol);
    if (!this.stocks.includes(t.symbol)) this.stocks.push(t.symbol);
    const n = tape.buyTrades + tape.sellTrades;
    const out: EncodedEntry[] = [];
    const time = hhmmss(t);
    if (venueHints(t.raw).auction) {
      // A price the call auction set: the venue publishes it as 기세 besides the print.
      if (registered.has(realKey('0A', t.symbol))) out.push(entry('0A', t.symbol, this.priceWithoutTrade(tape, t.price)));
      return out;
    }
    const side = t.side;
    if (side === undefined) return out;
    // Program desks: about one print in four has one on its side.
    const p = this.program.get(t.symbol) ?? { sellQty: 0, sellValue: 0, buyQty: 0, buyValue: 0, lastNetQty: 0, lastNetValue: 0 };
    this.program.set(t.symbol, p);
    if (draw(`program:${t.symbol}:${n}`) < 0.25) {
      if (side === 'buy') {
        p.buyQty += t.size;
        p.buyValue += t.price * t.size;
      } else {
        p.sellQty += t.size;
        p.sellValue += t.price * t.size;
      }
      if (registered.has(realKey('0w', t.symbol))) out.push(entry('0w', t.symbol, this.programValues(p, tape, t.price, time)));
    }
    // Member firms: each print has a buying and a selling firm.
    const m = this.membersOf(t.symbol);
    m.buy[firmOf(draw(`firm:b:${t.symbol}:${n}`))] += t.size;
    m.sell[firmOf(draw(`firm:s:${t.symbol}:${n}`))] += t.size;
    if (t.timestamp - m.pushedAt >= 1_000 && registered.has(realKey('0F', t.symbol))) {
      out.push(entry('0F', t.symbol, this.memberValues(m)));
      m.pushedAt = t.timestamp;
    }
    return out;
  }

  /** 0w: the 14 FIDs of the official sample; amounts in million KRW (204, 208, 212, 213). */
  private programValues(p: Program, tape: KrxTape, price: number, time: string): Record<string, string> {
    const ref = tape.previousClose ?? price;
    const netQty = p.buyQty - p.sellQty;
    const netValue = Math.round((p.buyValue - p.sellValue) / 1_000_000);
    const values = {
      '20': time,
      '10': signedVs(price, ref),
      '25': changeSign(price, ref),
      '11': signedDelta(price - ref),
      '12': percent(((price - ref) / ref) * 100, true),
      '13': String(tape.cumVolume),
      '202': String(p.sellQty),
      '204': millions(p.sellValue),
      '206': String(p.buyQty),
      '208': millions(p.buyValue),
      '210': String(netQty),
      '211': String(netQty - p.lastNetQty),
      '212': String(netValue),
      '213': String(netValue - p.lastNetValue),
    };
    p.lastNetQty = netQty;
    p.lastNetValue = netValue;
    return values;
  }

  private membersOf(symbol: string): Members {
    let m = this.members.get(symbol);
    if (!m) {
      const zeros = (): number[] => FIRMS.map(() => 0);
      m = {
        sell: zeros(),
        buy: zeros(),
        lastSell: zeros(),
        lastBuy: zeros(),
        lastForeign: { sell: 0, buy: 0, net: 0 },
        pushedAt: -Infinity,
      };
      this.members.set(symbol, m);
    }
    return m;
  }

  /** 0F: the top five firms a side (name, quantity, change since the last push, code, colour) and the foreign estimates. */
  private memberValues(m: Members): Record<string, string> {
    const v: Record<string, string> = {};
    const side = (
      qty: readonly number[],
      last: readonly number[],
      name: number,
      size: number,
      change: number,
      code: number,
      colour: number,
    ): void => {
      const ranked = FIRMS.map((_, i) => i)
        .filter((i) => qty[i] > 0)
        .sort((a, b) => qty[b] - qty[a] || a - b)
        .slice(0, 5);
      for (let r = 0; r < 5; r++) {
        const i = ranked[r];
        v[String(name + r)] = i === undefined ? '' : FIRMS[i].name;
        v[String(size + r)] = i === undefined ? '0' : String(qty[i]);
        v[String(change + r)] = i === undefined ? '0' : signedDelta(qty[i] - last[i]);
        v[String(code + r)] = i === undefined ? '' : FIRMS[i].code;
        // 색깔: undocumented; the sample's '!!!!' for every listed firm.
        v[String(colour + r)] = i === undefined ? '' : '!!!!';
      }
    };
    side(m.sell, m.lastSell, 141, 161, 166, 146, 271);
    side(m.buy, m.lastBuy, 151, 171, 176, 156, 281);
    const foreign = (qty: readonly number[]): number => FIRMS.reduce((s, f, i) => s + (f.foreign ? qty[i] : 0), 0);
    const sell = foreign(m.sell);
    const buy = foreign(m.buy);
    Object.assign(v, {
      '261': String(sell),
      '262': signedDelta(sell - m.lastForeign.sell),
      '263': String(buy),
      '264': signedDelta(buy - m.lastForeign.buy),
      '267': String(buy - sell),
      '268': signedDelta(buy - sell - m.lastForeign.net),
      // 거래소구분: undocumented codes; 1 for KRX, as 9081/2134 (assumed).
      '337': '1',
    });
    m.lastSell = [...m.sell];
    m.lastBuy = [...m.buy];
    m.lastForeign = { sell, buy, net: buy - sell };
    return v;
  }

  /** 0A: the 19 FIDs of the official sample, from the tape after the auction print. */
  private priceWithoutTrade(tape: KrxTape, price: number): Record<string, string> {
    const ref = tape.previousClose ?? price;
    const volumeDelta = tape.cumVolume - tape.previousVolume;
    const open = tape.open?.price ?? price;
    return {
      '10': signedVs(price, ref),
      '11': signedDelta(price - ref),
      '12': percent(((price - ref) / ref) * 100, true),
      '27': signedVs(tape.bestAsk()?.price ?? price, ref),
      '28': signedVs(tape.bestBid()?.price ?? price, ref),
      '13': String(tape.cumVolume),
      '14': millions(tape.cumValue),
      '16': signedVs(open, ref),
      '17': signedVs(tape.high?.price ?? price, ref),
      '18': signedVs(tape.low?.price ?? price, ref),
      '25': changeSign(price, ref),
      '26': signedDelta(volumeDelta),
      '29': signedDelta(tape.cumValue - tape.previousVolume * ref),
      '30': percent((tape.cumVolume / tape.previousVolume) * 100 * (volumeDelta < 0 ? -1 : 1), true),
      '31': percent((tape.cumVolume / tape.listedShares) * 100, false),
      '32': '0',
      '311': String(Math.round((price * tape.listedShares) / 100_000_000)),
      '567': price >= limitUp(ref) ? tape.lastTime : '000000',
      '568': price <= limitDown(ref) ? tape.lastTime : '000000',
    };
  }

  // --- per book: 0E during after-hours ------------------------------------------------------

  private onBook(b: OrderBook, registered: Registrations): EncodedEntry[] {
    if (!AFTER_HOURS.has(this.operation) || !registered.has(realKey('0E', b.symbol))) return [];
    const ask = b.asks.reduce((s, l) => s + l.size, 0);
    const bid = b.bids.reduce((s, l) => s + l.size, 0);
    const last = this.afterHoursTotals.get(b.symbol) ?? { ask, bid };
    this.afterHoursTotals.set(b.symbol, { ask, bid });
    return [
      entry('0E', b.symbol, {
        '21': hhmmss(b),
        '131': String(ask),
        '132': signedDelta(ask - last.ask),
        '135': String(bid),
        '136': signedDelta(bid - last.bid),
      }),
    ];
  }

  // --- per index tick: 0G, 0m, 0u, 0I, 0U -----------------------------------------------------

  private onIndex(i: IndexTick, registered: Registrations): EncodedEntry[] {
    if (!this.startIndex.has(i.symbol)) this.startIndex.set(i.symbol, i.value);
    const out: EncodedEntry[] = [];
    const time = hhmmss(i);
    const move = i.value / (this.startIndex.get(i.symbol) ?? i.value);
    for (const item of registered.items('0G')) out.push(entry('0G', item, this.etfValues(item, move, i, time)));
    for (const item of registered.items('0m')) out.push(entry('0m', item, this.elwValues(item, i, time).greeks));
    for (const item of registered.items('0u')) out.push(entry('0u', item, this.elwValues(item, i, time).indicators));
    for (const item of registered.items('0I')) {
      const values = goldValues(item, i.timestamp);
      if (this.lastGold.get(item) !== values['10']) out.push(entry('0I', item, values));
      this.lastGold.set(item, values['10']);
    }
    for (const item of registered.items('0U')) out.push(entry('0U', item, this.breadthValues(i, time)));
    return out;
  }

  /**
   * 0G: NAV near the ETF's price. A simulated ETF trades on its own tape and its NAV sits within
   * a small premium or discount; one that is not simulated follows the index from its previous
   * close (drawn from its code) and trades within a few ticks of its NAV.
   */
  private etfValues(item: string, move: number, i: IndexTick, time: string): Record<string, string> {
    const tape = this.tapes.of(item);
    let etf = this.etfs.get(item);
    if (!etf) {
      const previousClose = tape.previousClose ?? 5 * Math.round((5_000 + draw(`etf:${item}`) * 45_000) / 5);
      etf = { previousClose, volume: 0 };
      this.etfs.set(item, etf);
    }
    // Premium to NAV: a slow wave within ±0.25 %, different per ETF.
    const premium = 0.0025 * Math.sin(i.timestamp / 97_000 + draw(`etf:p:${item}`) * 6.283);
    const simulated = tape.last !== undefined;
    const prevNav = etf.previousClose;
    const nav = simulated ? (tape.last as number) / (1 + premium) : prevNav * move;
    const price = simulated ? (tape.last as number) : Math.max(5, 5 * Math.round((nav * (1 + premium)) / 5));
    if (!simulated) etf.volume += Math.floor(draw(`etf:v:${item}:${i.timestamp}`) * 400);
    const ref = tape.previousClose ?? etf.previousClose;
    const cumVolume = simulated ? tape.cumVolume : etf.volume;
    const indexNav = prevNav * move;
    return {
      '36': signed2(nav, prevNav),
      '37': delta2(nav - prevNav),
      '38': delta2(((nav - prevNav) / prevNav) * 100),
      '39': fixed2(0.05 + draw(`etf:te:${item}`) * 1.5),
      '20': time,
      '10': signedVs(price, ref),
      '11': signedDelta(price - ref),
      '12': percent(((price - ref) / ref) * 100, true),
      '13': String(cumVolume),
      '25': changeSign(price, ref),
      '265': delta2(((nav - indexNav) / indexNav) * 100),
      '266': delta2(((price - nav) / nav) * 100),
    };
  }

  /** An ELW's terms, fixed at its first push (its underlying: a simulated stock drawn from its code). */
  private elwTerms(item: string, index: IndexTick): ElwTerms {
    const known = this.elws.get(item);
    if (known) return known;
    const underlying = this.stocks.length > 0 ? this.stocks[Math.floor(draw(`elw:u:${item}`) * this.stocks.length)] : '';
    const tape = underlying ? this.tapes.of(underlying) : undefined;
    const spot0 = tape?.previousClose ?? index.value * 30;
    const moneyness = 0.9 + draw(`elw:k:${item}`) * 0.2;
    const terms: ElwTerms = {
      call: draw(`elw:c:${item}`) < 0.6,
      underlying,
      strike: Math.max(100, 100 * Math.round((spot0 * moneyness) / 100)),
      days: 30 + Math.floor(draw(`elw:d:${item}`) * 150),
      ratio: 0.01,
      volatility: 0.25 + draw(`elw:v:${item}`) * 0.2,
    };
    if (underlying) this.elws.set(item, terms);
    return terms;
  }

  /** 0m and 0u of an ELW on a simulated stock (or, with none, on 30 × the index). */
  private elwValues(item: string, index: IndexTick, time: string): { greeks: Record<string, string>; indicators: Record<string, string> } {
    const terms = this.elwTerms(item, index);
    const tape = terms.underlying ? this.tapes.of(terms.underlying) : undefined;
    const spot = tape?.current() || index.value * 30;
    const years = terms.days / 365;
    const bs = blackScholes(terms.call, spot, terms.strike, years, terms.volatility);
    const theoretical = bs.price * terms.ratio;
    // ELWs trade on a 5-won grid; the market price sits within a tick of the theoretical one.
    const tick = 5;
    const noise = Math.round((draw(`elw:n:${item}:${index.timestamp}`) - 0.5) * 2);
    const price = Math.max(tick, tick * Math.round(theoretical / tick) + noise * tick);
    const reference = Math.max(
      tick,
      tick *
        Math.round(
          (blackScholes(terms.call, tape?.previousClose ?? spot, terms.strike, years, terms.volatility).price * terms.ratio) / tick,
        ),
    );
    const perShare = price / terms.ratio;
    const lpVol = terms.volatility * (1 + (draw(`elw:lp:${item}`) - 0.5) * 0.1);
    const breakEven = terms.call ? ((terms.strike + perShare) / spot - 1) * 100 : ((terms.strike - perShare) / spot - 1) * 100;
    // 자본지지점: the yearly move of the underlying that keeps the ELW's value at expiry (assumed definition).
    const capitalSupport = (Math.pow(Math.max(0.01, 1 + breakEven / 100), 365 / terms.days) - 1) * 100;
    const premium = terms.call ? ((perShare + terms.strike - spot) / spot) * 100 : ((perShare - terms.strike + spot) / spot) * 100;
    return {
      greeks: {
        '20': time,
        '10': signedVs(price, reference),
        '670': String(Math.round(theoretical)),
        '671': fixed2(terms.volatility * 100),
        '672': bs.delta.toFixed(4),
        '673': bs.gamma.toFixed(6),
        '674': (bs.theta * terms.ratio).toFixed(6),
        '675': (bs.vega * terms.ratio).toFixed(6),
        '676': (bs.rho * terms.ratio).toFixed(6),
        '706': fixed2(lpVol * 100),
      },
      indicators: {
        '20': time,
        '666': fixed2((spot / terms.strike) * 100),
        '1211': fixed2(premium),
        '667': fixed2(spot / perShare),
        '668': delta2(breakEven),
        '669': delta2(capitalSupport),
      },
    };
  }

  /** 0U: the simulated stocks' breadth against their previous closes, with the index of the tick. */
  private breadthValues(i: IndexTick, time: string): Record<string, string> {
    const counts = { '1': 0, '2': 0, '3': 0, '4': 0, '5': 0 } as Record<string, number>;
    let volume = 0;
    let value = 0;
    let traded = 0;
    for (const symbol of this.stocks) {
      const tape = this.tapes.of(symbol);
      const ref = tape.previousClose ?? tape.current();
      counts[changeSign(tape.current(), ref)] += 1;
      volume += tape.cumVolume;
      value += tape.cumValue;
      if (tape.cumVolume > 0) traded += 1;
    }
    const change = i.change ?? 0;
    const ref = i.value - change;
    const level = (n: number): string => signed2(n, ref);
    return {
      '20': time,
      '252': String(counts['2']),
      '251': String(counts['1']),
      '253': String(counts['3']),
      '255': String(counts['5']),
      '254': String(counts['4']),
      '13': String(volume),
      '14': millions(value),
      '10': level(i.value),
      '11': delta2(change),
      '12': delta2(ref === 0 ? 0 : (change / ref) * 100),
      '256': String(traded),
      '257': fixed2(this.stocks.length === 0 ? 0 : (traded / this.stocks.length) * 100),
      '25': change > 0 ? '2' : change < 0 ? '5' : '3',
    };
  }

  // --- per notice: 0g -------------------------------------------------------------------------

  private onStatus(s: MarketStatus, registered: Registrations): EncodedEntry[] {
    if (s.symbol === '') {
      if ((s as MarketStatus & { exchange?: string }).exchange === 'NXT') return [];
      this.operation = /^[0-9a-zA-Z]$/.test(s.code) ? s.code : this.operation;
      // The day's price limits go out with the pre-open and open notices.
      if (s.code !== '0' && s.code !== '3') return [];
      return registered.items('0g').map((item) => entry('0g', item, this.stockInfo(item, undefined)));
    }
    if (!registered.has(realKey('0g', s.symbol))) return [];
    return [entry('0g', s.symbol, this.stockInfo(s.symbol, s.halted === true))];
  }

  /** 0g: market-measure text (the VI in force), price limits and base price. */
  private stockInfo(symbol: string, vi: boolean | undefined): Record<string, string> {
    const tape = this.tapes.of(symbol);
    const base = tape.previousClose ?? tape.current();
    return {
      // The simulator's VIs are dynamic.
      '297': vi ? '동적VI' : ' ',
      '592': ' ',
      '593': ' ',
      '305': base > 0 ? signedVs(limitUp(base), base) : '0',
      '306': base > 0 ? signedVs(limitDown(base), base) : '0',
      '307': String(base),
      '689': '',
      '594': '',
      '382': '',
      '370': '',
    };
  }
}

/** 장운영구분 codes of the KRX after-hours sessions (closing-price 15:40–16:00, single-price 16:00–18:00). */
const AFTER_HOURS: ReadonlySet<string> = new Set(['a', 'b', 'c']);

/**
 * 0I: gold converted, MGD in KRW per gram, MGU in hundredths of a USD per troy ounce (as the
 * official sample `-337782` reads), moving on a 5-second grid around a previous close.
 */
function goldValues(item: string, timestamp: number): Record<string, string> {
  const previous = item === 'MGU' ? 339_456 : item === 'MGD' ? 148_250 : 10_000 + Math.floor(draw(`gold:${item}`) * 90_000);
  const slot = Math.floor(timestamp / 5_000);
  const wave = 0.006 * Math.sin(slot / 40 + draw(`gold:p:${item}`) * 6.283) + 0.0008 * (draw(`gold:n:${item}:${slot}`) - 0.5);
  const price = Math.round(previous * (1 + wave));
  const sign = price === previous ? '3' : price > previous ? '2' : '5';
  return {
    '10': signedVs(price, previous),
    '25': sign,
    '11': signedDelta(price - previous),
    '12': percent(((price - previous) / previous) * 100, true),
  };
}
