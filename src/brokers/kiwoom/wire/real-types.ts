/**
 * The field table of every real-time type: each FID named in market words.
 *
 * Built per feed because times need the trading date from the feed's clock. The types are
 * derived from the tables (`RealFields<'0B'>`), never written twice.
 *
 * Units, as the official spec gives them: prices in KRW; quantities in shares; cumulative value
 * (FID 14) in million KRW; market cap (311) in 100 million KRW; rates in percent.
 */
import * as t from 'io-ts';
import { levels, opt, ranks, req, table } from './fields';
import {
  TradingDate,
  aggressor,
  changeSign,
  code,
  codeTable,
  date,
  decimal,
  direction,
  duration,
  flag,
  orderSide,
  price,
  qty,
  rate,
  signedNumber,
  signedQty,
  size,
  text,
  time,
  tradingSession,
  venue,
} from './values';

/** The status of an order as FID 913 words it. */
const orderStatusText = codeTable('order status', {
  접수: 'accepted',
  체결: 'filled',
  확인: 'confirmed',
  취소: 'cancelled',
  거부: 'rejected',
} as const);

/** VI kind (FID 1225). */
const viKind = codeTable('VI kind', { 정적: 'static', 동적: 'dynamic', '동적+정적': 'both' } as const);

/** Condition-search event (FID 843): I entered, D left. */
const conditionAction = codeTable('condition action', { I: 'enter', D: 'leave' } as const);

/** Builds every table; `tradingDate` gives today's KST date for HHMMSS times. */
export function realTables(tradingDate: TradingDate) {
  const hhmmss = time(tradingDate);

  /** FIDs 10–12 and 25 as most stock types carry them. */
  const last = {
    lastPrice: req('10', price),
    direction: req('10', direction),
    change: opt('11', signedNumber),
    changeRate: opt('12', rate),
    changeSign: opt('25', changeSign),
  };
  const ohlc = { open: opt('16', price), high: opt('17', price), low: opt('18', price) };
  const cumulative = { cumulativeVolume: opt('13', qty), cumulativeValue: opt('14', qty) };
  const top = { bestAsk: opt('27', price), bestBid: opt('28', price) };
  const volumeStats = {
    volumeChange: opt('26', signedQty),
    valueChange: opt('29', signedNumber),
    volumeRatio: opt('30', rate),
    turnoverRate: opt('31', rate),
    tradingCost: opt('32', decimal),
    marketCap: opt('311', qty),
    limitUpTime: opt('567', hhmmss),
    limitDownTime: opt('568', hhmmss),
  };
  const operation = {
    marketOperation: opt('215', text),
    investorTicker: opt('216', text),
  };

  return {
    /** 주문체결: an order accepted, filled, modified, cancelled or rejected on the token's account. */
    '00': table('00', {
      account: opt('9201', text),
      orderId: req('9203', text),
      managerId: opt('9205', text),
      symbol: opt('9001', code),
      orderClass: opt('912', text),
      status: req('913', orderStatusText),
      name: opt('302', text),
      orderQty: req('900', qty),
      orderPrice: opt('901', price),
      unfilledQty: req('902', qty),
      filledAmount: opt('903', qty),
      originalOrderId: opt('904', text),
      orderKind: opt('905', text),
      priceType: opt('906', text),
      side: opt('907', orderSide),
      time: req('908', hhmmss),
      fillId: opt('909', text),
      /** 체결가: order-level fill price (legacy convention; unverified). */
      executionPrice: opt('910', price),
      /** 체결량: cumulative filled quantity of the order (legacy convention; unverified). */
      executionQty: opt('911', qty),
      lastPrice: opt('10', price),
      direction: opt('10', direction),
      ...top,
      /** 단위체결가: price of this one fill. */
      unitFillPrice: opt('914', price),
      /** 단위체결량: quantity of this one fill. */
      unitFillQty: opt('915', qty),
      commission: opt('938', decimal),
      tax: opt('939', decimal),
      rejectReason: opt('919', text),
      screenNo: opt('920', text),
      terminalNo: opt('921', text),
      creditType: opt('922', text),
      loanDate: opt('923', date),
      afterHoursPrice: opt('10010', price),
      venue: opt('2134', venue),
      venueName: opt('2135', text),
      sor: opt('2136', flag),
    }),

    /** 잔고: a holding of the token's account after a fill. */
    '04': table('04', {
      account: opt('9201', text),
      symbol: req('9001', code),
      creditType: opt('917', text),
      loanDate: opt('916', date),
      name: opt('302', text),
      lastPrice: opt('10', price),
      direction: opt('10', direction),
      qty: req('930', qty),
      avgPrice: req('931', price),
      totalCost: opt('932', qty),
      availableQty: opt('933', qty),
      netBoughtToday: opt('945', signedQty),
      /** 매도/매수구분 (undocumented codes; presumably 1 sell, 2 buy). */
      lastSide: opt('946', orderSide),
      sellPnlToday: opt('950', signedNumber),
      /** Unnamed in the spec ("Extra Item"). */
      reserved951: opt('951', text),
      ...top,
      basePrice: opt('307', price),
      pnlRate: opt('8019', rate),
      creditAmount: opt('957', qty),
      creditInterest: opt('958', qty),
      maturityDate: opt('918', date),
      realizedPnlCash: opt('990', signedNumber),
      realizedPnlRateCash: opt('991', rate),
      realizedPnlCredit: opt('992', signedNumber),
      realizedPnlRateCredit: opt('993', rate),
      collateralLoanQty: opt('959', qty),
      /** Unnamed in the spec ("Extra Item"). */
      reserved924: opt('924', text),
    }),

    /** 주식기세: a price set without a trade (block deals, closing-price corrections). */
    '0A': table('0A', { ...last, ...top, ...cumulative, ...ohlc, ...volumeStats }),

    /** 주식체결: one trade. */
    '0B': table('0B', {
      /** Optional: a frame without it (the troubleshooting note's sample) is stamped on receipt. */
      time: opt('20', hhmmss),
      ...last,
      ...top,
      size: req('15', size),
      // An unsigned volume names no aggressor (auction prints, simulators): not a broken trade.
      side: opt('15', aggressor),
      ...cumulative,
      ...ohlc,
      ...volumeStats,
      tradeStrength: opt('228', rate),
      session: opt('290', tradingSession),
      knockOutProximity: opt('691', decimal),
      volumeRatioSameTime: opt('851', rate),
      openTime: opt('1890', hhmmss),
      highTime: opt('1891', hhmmss),
      lowTime: opt('1892', hhmmss),
      sellVolume: opt('1030', qty),
      buyVolume: opt('1031', qty),
      buyRatio: opt('1032', rate),
      sellTrades: opt('1071', qty),
      buyTrades: opt('1072', qty),
      instantValue: opt('1313', signedNumber),
      sellSize: opt('1315', qty),
      buySize: opt('1316', qty),
      netBuyVolume: opt('1314', signedQty),
      cfdMargin: opt('1497', decimal),
      maintenanceMargin: opt('1498', decimal),
      vwap: opt('620', price),
      cfdCost: opt('732', decimal),
      stockLoanCost: opt('852', decimal),
      /** Venue of the trade (undocumented; assumed 1 KRX, 2 NXT like FID 2134). */
      venue: opt('9081', venue),
    }),

    /** 주식우선호가: best ask and bid. */
    '0C': table('0C', {
      bestAsk: req('27', price),
      askDirection: req('27', direction),
      bestBid: req('28', price),
      bidDirection: req('28', direction),
    }),

    /** 주식호가잔량: the 10-level book. */
    '0D': table('0D', {
      time: req('21', hhmmss),
      ...levels('askPrice', 41, price),
      ...levels('askSize', 61, qty),
      /** 매도호가직전대비: assumed the signed change of the level's quantity (undocumented). */
      ...levels('askSizeChange', 81, signedQty),
      ...levels('bidPrice', 51, price),
      ...levels('bidSize', 71, qty),
      ...levels('bidSizeChange', 91, signedQty),
      ...levels('lpAskSize', 621, qty),
      ...levels('lpBidSize', 631, qty),
      ...levels('krxAskSize', 6044, qty),
      ...levels('krxBidSize', 6054, qty),
      ...levels('nxtAskSize', 6066, qty),
      ...levels('nxtBidSize', 6076, qty),
      totalAskSize: opt('121', qty),
      totalAskSizeChange: opt('122', signedQty),
      totalBidSize: opt('125', qty),
      totalBidSizeChange: opt('126', signedQty),
      expectedPrice: opt('23', price),
      expectedSize: opt('24', qty),
      netBidSize: opt('128', signedQty),
      bidRatio: opt('129', rate),
      netAskSize: opt('138', signedQty),
      askRatio: opt('139', rate),
      expectedChange: opt('200', signedNumber),
      expectedChangeRate: opt('201', rate),
      expectedChangeSign: opt('238', changeSign),
      auctionPrice: opt('291', price),
      auctionSize: opt('292', qty),
      auctionChangeSign: opt('293', changeSign),
      auctionChange: opt('294', signedNumber),
      auctionChangeRate: opt('295', rate),
      cumulativeVolume: opt('13', qty),
      expectedVolumeRate: opt('299', rate),
      ...operation,
      krxTotalAskSize: opt('6064', qty),
      krxTotalBidSize: opt('6065', qty),
      nxtTotalAskSize: opt('6086', qty),
      nxtTotalBidSize: opt('6087', qty),
      krxMidAskSizeChange: opt('6100', signedQty),
      krxMidAskSize: opt('6101', qty),
      krxMidPrice: opt('6102', price),
      krxMidBidSize: opt('6103', qty),
      krxMidBidSizeChange: opt('6104', signedQty),
      nxtMidAskSizeChange: opt('6105', signedQty),
      nxtMidAskSize: opt('6106', qty),
      nxtMidPrice: opt('6107', price),
      nxtMidBidSize: opt('6108', qty),
      nxtMidBidSizeChange: opt('6109', signedQty),
      krxMidChange: opt('6110', signedNumber),
      krxMidChangeSign: opt('6111', changeSign),
      krxMidChangeRate: opt('6112', rate),
      nxtMidChange: opt('6113', signedNumber),
      nxtMidChangeSign: opt('6114', changeSign),
      nxtMidChangeRate: opt('6115', rate),
    }),

    /** 주식시간외호가: after-hours book totals. */
    '0E': table('0E', {
      time: req('21', hhmmss),
      afterHoursAskSize: opt('131', qty),
      afterHoursAskSizeChange: opt('132', signedQty),
      afterHoursBidSize: opt('135', qty),
      afterHoursBidSizeChange: opt('136', signedQty),
    }),

    /** 주식당일거래원: the top five member firms on each side today. */
    '0F': table('0F', {
      ...ranks('sellBroker', 141, text),
      ...ranks('sellBrokerQty', 161, qty),
      ...ranks('sellBrokerQtyChange', 166, signedQty),
      ...ranks('sellBrokerCode', 146, text),
      ...ranks('sellBrokerColor', 271, text),
      ...ranks('buyBroker', 151, text),
      ...ranks('buyBrokerQty', 171, qty),
      ...ranks('buyBrokerQtyChange', 176, signedQty),
      ...ranks('buyBrokerCode', 156, text),
      ...ranks('buyBrokerColor', 281, text),
      foreignSellEstimate: opt('261', qty),
      foreignSellEstimateChange: opt('262', signedQty),
      foreignBuyEstimate: opt('263', qty),
      foreignBuyEstimateChange: opt('264', signedQty),
      foreignNetBuyEstimate: opt('267', signedQty),
      foreignNetBuyEstimateChange: opt('268', signedQty),
      /** 거래소구분 (undocumented codes). */
      exchangeCode: opt('337', text),
    }),

    /** ETF NAV. */
    '0G': table('0G', {
      nav: req('36', price),
      navDirection: opt('36', direction),
      navChange: opt('37', signedNumber),
      navChangeRate: opt('38', rate),
      trackingError: opt('39', rate),
      time: req('20', hhmmss),
      lastPrice: opt('10', price),
      direction: opt('10', direction),
      change: opt('11', signedNumber),
      changeRate: opt('12', rate),
      cumulativeVolume: opt('13', qty),
      changeSign: opt('25', changeSign),
      gearing: opt('667', decimal),
      breakEvenRate: opt('668', rate),
      capitalSupportPoint: opt('669', rate),
      navIndexDivergence: opt('265', rate),
      navPriceDivergence: opt('266', rate),
    }),

    /** 주식예상체결: the expected auction match. */
    '0H': table('0H', {
      time: req('20', hhmmss),
      expectedPrice: req('10', price),
      direction: req('10', direction),
      change: opt('11', signedNumber),
      changeRate: opt('12', rate),
      size: opt('15', size),
      side: opt('15', aggressor),
      cumulativeVolume: opt('13', qty),
      changeSign: opt('25', changeSign),
    }),

    /** 국제금환산가격: international gold, converted (items MGD KRW/g, MGU USD/oz). */
    '0I': table('0I', {
      /**
       * As sent. For MGU the guide says "2 decimals" and its sample is `-337782`: presumably
       * hundredths of a USD (3 377.82 USD/oz). Not scaled here (unverified).
       */
      lastPrice: req('10', price),
      direction: req('10', direction),
      changeSign: opt('25', changeSign),
      change: opt('11', signedNumber),
      changeRate: opt('12', rate),
    }),

    /** 업종지수: a sector or market index. */
    '0J': table('0J', {
      time: req('20', hhmmss),
      value: req('10', price),
      direction: req('10', direction),
      change: opt('11', signedNumber),
      changeRate: opt('12', rate),
      size: opt('15', size),
      side: opt('15', aggressor),
      ...cumulative,
      ...ohlc,
      changeSign: opt('25', changeSign),
      volumeChange: opt('26', signedQty),
    }),

    /** 업종등락: a sector's breadth. */
    '0U': table('0U', {
      time: req('20', hhmmss),
      advancing: opt('252', qty),
      limitUp: opt('251', qty),
      unchanged: opt('253', qty),
      declining: opt('255', qty),
      limitDown: opt('254', qty),
      ...cumulative,
      value: opt('10', price),
      direction: opt('10', direction),
      change: opt('11', signedNumber),
      changeRate: opt('12', rate),
      tradedIssues: opt('256', qty),
      tradedRatio: opt('257', rate),
      changeSign: opt('25', changeSign),
    }),

    /** 주식종목정보: price limits and market measures (extensions, VI) of one stock. */
    '0g': table('0g', {
      extension: opt('297', text),
      preMarketExtension: opt('592', text),
      postMarketExtension: opt('593', text),
      upperLimit: opt('305', price),
      lowerLimit: opt('306', price),
      basePrice: opt('307', price),
      elwEarlyTermination: opt('689', text),
      currency: opt('594', text),
      marginRate: opt('382', text),
      info: opt('370', text),
    }),

    /** ELW 이론가: theoretical price and greeks. */
    '0m': table('0m', {
      time: req('20', hhmmss),
      lastPrice: opt('10', price),
      direction: opt('10', direction),
      theoreticalPrice: opt('670', decimal),
      impliedVolatility: opt('671', decimal),
      delta: opt('672', decimal),
      gamma: opt('673', decimal),
      theta: opt('674', decimal),
      vega: opt('675', decimal),
      rho: opt('676', decimal),
      lpImpliedVolatility: opt('706', decimal),
    }),

    /** 장시작시간: a market-session notice (item ''). */
    '0s': table('0s', {
      /** 장운영구분, case-sensitive (see `marketPhaseOf`). */
      operation: req('215', text),
      time: req('20', hhmmss),
      timeToOpen: opt('214', duration),
    }),

    /** ELW 지표. */
    '0u': table('0u', {
      time: req('20', hhmmss),
      parity: opt('666', decimal),
      premium: opt('1211', decimal),
      gearing: opt('667', decimal),
      breakEvenRate: opt('668', rate),
      capitalSupportPoint: opt('669', rate),
    }),

    /** 종목프로그램매매: program trading in one stock (values in million KRW, by the sample's arithmetic). */
    '0w': table('0w', {
      time: req('20', hhmmss),
      lastPrice: opt('10', price),
      direction: opt('10', direction),
      changeSign: opt('25', changeSign),
      change: opt('11', signedNumber),
      changeRate: opt('12', rate),
      cumulativeVolume: opt('13', qty),
      programSellQty: opt('202', qty),
      programSellValue: opt('204', qty),
      programBuyQty: opt('206', qty),
      programBuyValue: opt('208', qty),
      programNetBuyQty: opt('210', signedQty),
      programNetBuyQtyChange: opt('211', signedQty),
      programNetBuyValue: opt('212', signedNumber),
      programNetBuyValueChange: opt('213', signedNumber),
      timeToOpen: opt('214', duration),
      ...operation,
    }),

    /** VI발동/해제: a volatility interruption triggered or released. */
    '1h': table('1h', {
      symbol: req('9001', code),
      name: opt('302', text),
      ...cumulative,
      /** Codes undocumented. */
      viStatus: opt('9068', text),
      /** Codes undocumented (sample 101). */
      marketClass: opt('9008', text),
      /** Codes undocumented. */
      preMarket: opt('9075', text),
      triggerPrice: opt('1221', price),
      triggerTime: opt('1223', hhmmss),
      releaseTime: opt('1224', hhmmss),
      viKind: opt('1225', viKind),
      staticReferencePrice: opt('1236', price),
      dynamicReferencePrice: opt('1237', price),
      staticDivergenceRate: opt('1238', rate),
      dynamicDivergenceRate: opt('1239', rate),
      triggerChangeRate: opt('1489', rate),
      viCount: opt('1490', qty),
      /** Codes undocumented (presumably 1 up, 2 down). */
      triggerDirection: opt('9069', text),
      /** Unnamed in the spec (sample `+정적`). */
      viLabel: opt('1279', text),
    }),

    /** 조건검색: a stock entered or left a live condition search. */
    '02': table('02', {
      conditionSeq: req('841', text),
      symbol: req('9001', code),
      action: req('843', conditionAction),
      time: opt('20', hhmmss),
      side: opt('907', orderSide),
      venue: opt('9081', venue),
    }),
  };
}

/** Every table, as built for one feed. */
export type RealTables = ReturnType<typeof realTables>;

/** The real-time type codes this library decodes. */
export type RealCode = keyof RealTables;

/** The 18 types the portal lists, plus 0I and the condition push 02. */
export const realCodes: readonly RealCode[] = [
  '00',
  '04',
  '0A',
  '0B',
  '0C',
  '0D',
  '0E',
  '0F',
  '0G',
  '0H',
  '0I',
  '0J',
  '0U',
  '0g',
  '0m',
  '0s',
  '0u',
  '0w',
  '1h',
  '02',
];

/** Whether a string is a decoded type code (case-sensitive: 0g and 0G differ). */
export function isRealCode(s: string): s is RealCode {
  return codeSet.has(s);
}

const codeSet: ReadonlySet<string> = new Set(realCodes);

/** The named fields of one type, e.g. `RealFields<'0B'>`. */
export type RealFields<C extends RealCode> = t.TypeOf<RealTables[C]>;
