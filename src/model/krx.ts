/**
 * Events of the Korean exchange (KRX/NXT) that the common model has no place for: ETF NAV, call
 * auction indications, ELW analytics, program trading and volatility interruptions. Same
 * conventions as the common model (`time` in KST, `raw` the broker's record); rates in percent,
 * as the exchange publishes them (-0.24 means -0.24 %); fields the wire left empty are absent.
 */
import { Direction, MarketEventBase, SessionFigures } from './market';

/** An ETF's net asset value per share, as published during the session. */
export interface EtfNav<Raw = unknown> extends MarketEventBase<Raw> {
  readonly kind: 'etfNav';
  readonly nav: number;
  /** NAV change against the previous day's NAV. */
  readonly navChange?: number;
  readonly navChangePercent?: number;
  /** Tracking error against the underlying index, in percent. */
  readonly trackingError?: number;
  /** The ETF's own last price, and its premium (+) or discount (−) to NAV in percent. */
  readonly lastPrice?: number;
  readonly premiumPercent?: number;
}

/**
 * What a call auction would match at if it ended now (pre-open, closing auction, a volatility
 * interruption): the indicative price and size, with the change against the previous close.
 */
export interface ExpectedTrade<Raw = unknown>
  extends MarketEventBase<Raw>, Pick<SessionFigures, 'change' | 'changePercent' | 'cumulativeVolume'> {
  readonly kind: 'expectedTrade';
  readonly price: number;
  /** Indicative matched size, where sent. */
  readonly size?: number;
  readonly direction?: Direction;
  readonly exchange?: string;
}

/** An ELW's theoretical price and sensitivities (greeks), as the exchange computes them. */
export interface ElwGreeks<Raw = unknown> extends MarketEventBase<Raw> {
  readonly kind: 'elwGreeks';
  readonly lastPrice?: number;
  readonly theoreticalPrice?: number;
  /** Implied volatility, in percent. */
  readonly impliedVolatility?: number;
  readonly delta?: number;
  readonly gamma?: number;
  readonly theta?: number;
  readonly vega?: number;
  readonly rho?: number;
}

/** An ELW's indicators. */
export interface ElwIndicators<Raw = unknown> extends MarketEventBase<Raw> {
  readonly kind: 'elwIndicators';
  readonly parity?: number;
  readonly premium?: number;
  readonly gearing?: number;
  /** Move of the underlying needed to break even, in percent. */
  readonly breakEvenPercent?: number;
  /** Move of the underlying at which the capital is supported, in percent. */
  readonly capitalSupportPercent?: number;
}

/** Program (index-arbitrage and basket) trading in one stock since the open. */
export interface ProgramTrading<Raw = unknown> extends MarketEventBase<Raw> {
  readonly kind: 'programTrading';
  readonly buyQty?: number;
  readonly sellQty?: number;
  /** Buys − sells, in shares. */
  readonly netBuyQty?: number;
  /** Values in the unit the broker sends (Kiwoom: million KRW), see `valueUnit`. */
  readonly buyValue?: number;
  readonly sellValue?: number;
  readonly netBuyValue?: number;
  readonly valueUnit?: 'KRW' | 'million KRW';
}

/** A volatility interruption (VI): a stock's continuous trading paused for a short call auction. */
export interface VolatilityInterruption<Raw = unknown> extends MarketEventBase<Raw> {
  readonly kind: 'volatilityInterruption';
  /** true when triggered, false when released. */
  readonly active: boolean;
  readonly viType?: 'static' | 'dynamic' | 'both';
  readonly triggerPrice?: number;
  /** The reference price of the triggering kind (static or dynamic). */
  readonly referencePrice?: number;
  /** How far the trigger price was from the reference, in percent. */
  readonly divergencePercent?: number;
  /** ISO-8601 KST, where sent. */
  readonly triggeredAt?: string;
  readonly releasedAt?: string;
  /** VIs of this stock today. */
  readonly count?: number;
}

export type KrxEvent<Raw = unknown> =
  EtfNav<Raw> | ExpectedTrade<Raw> | ElwGreeks<Raw> | ElwIndicators<Raw> | ProgramTrading<Raw> | VolatilityInterruption<Raw>;
