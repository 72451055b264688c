import { FeedError } from '../../core/errors';

/**
 * V3 stream names. They double as the session's subscription keys: a key is exactly what goes in
 * SUBSCRIBE's `params`, so routing a push back to its key only needs the push's own fields.
 *
 *   BTCUSDT@ticker  BTCUSDT@depth15  BTCUSDT@depth200  BTCUSDT@trade  BTCUSDT@bookTicker
 *   BTCUSDT@kline_1m_LAST_PRICE      account  positions  orders  fill
 */

/** Book depths WEEX serves. */
export type BookDepth = 15 | 200;
export const bookDepths: readonly BookDepth[] = [15, 200];

export type PriceType = 'LAST_PRICE' | 'MARK_PRICE';

export const privateStreams = { account: 'account', positions: 'positions', orders: 'orders', fills: 'fill' } as const;
export type PrivateStream = (typeof privateStreams)[keyof typeof privateStreams];

const privateNames: ReadonlySet<string> = new Set(Object.values(privateStreams));

export const tickerStream = (symbol: string): string => `${symbol}@ticker`;
export const depthStream = (symbol: string, depth: BookDepth): string => `${symbol}@depth${depth}`;
export const tradeStream = (symbol: string): string => `${symbol}@trade`;
export const bookTickerStream = (symbol: string): string => `${symbol}@bookTicker`;
/** A candle stream the user asks for: the interval is checked. */
export const klineStream = (symbol: string, interval: string, priceType: PriceType): string =>
  klineKey(symbol, checkInterval(interval), priceType);
/** The key a candle push names, unchecked: a push with an unknown interval matches no stream, it must not throw. */
export const klineKey = (symbol: string, interval: string, priceType: PriceType): string => `${symbol}@kline_${interval}_${priceType}`;

/** V3 candle intervals: 1m 5m 15m 30m 1h 2h 4h 6h 8h 12h 1d 1w 1M (the contract set may be smaller). */
export function checkInterval(interval: string, broker = 'weex'): string {
  if (/^\d{1,2}[mhdwM]$/.test(interval)) return interval;
  throw new FeedError({
    kind: 'config',
    broker,
    message: `${broker}: invalid candle interval ${JSON.stringify(interval)}; e.g. 1m, 1h, 1d`,
  });
}

/** Whether a key belongs on the private socket. */
export function isPrivateStream(key: string): boolean {
  return privateNames.has(key);
}

/** The symbol a public stream name is about ('' for private streams). */
export function streamSymbol(key: string): string {
  const at = key.indexOf('@');
  return at < 0 ? '' : key.slice(0, at);
}

/** The depth of a depth stream name, if it is one. */
export function streamDepth(key: string): BookDepth | undefined {
  const m = /@depth(\d+)$/.exec(key);
  const depth = m ? Number(m[1]) : NaN;
  return depth === 15 || depth === 200 ? depth : undefined;
}

const SYMBOL = /^[A-Z0-9]{2,30}$/;

/** 'btcusdt' → 'BTCUSDT'; a clear config error for anything that cannot be a V3 symbol. */
export function normalizeSymbol(symbol: string, broker = 'weex'): string {
  const s = String(symbol).trim().toUpperCase();
  if (!SYMBOL.test(s)) {
    throw new FeedError({
      kind: 'config',
      broker,
      message: `${broker}: invalid symbol ${JSON.stringify(symbol)}; expected an exchange symbol like BTCUSDT`,
    });
  }
  return s;
}

export function checkDepth(depth: number, broker = 'weex'): BookDepth {
  if (depth === 15 || depth === 200) return depth;
  throw new FeedError({ kind: 'config', broker, message: `${broker}: book depth must be 15 or 200, got ${depth}` });
}

/**
 * Levels a side a user may ask for: any whole number from 1 to 200 (the weex_client guide's
 * `level=5` among them). WEEX V3 serves only 15- and 200-level depth streams, so a smaller book
 * is the 15-level stream trimmed locally, and 16–199 the 200-level one trimmed.
 */
export function checkBookLevels(levels: number, broker = 'weex'): { readonly wire: BookDepth; readonly levels: number } {
  if (Number.isInteger(levels) && levels >= 1 && levels <= 200) return { wire: levels <= 15 ? 15 : 200, levels };
  throw new FeedError({
    kind: 'config',
    broker,
    message: `${broker}: book depth must be a whole number of levels from 1 to 200 (WEEX streams 15 or 200, fewer are trimmed locally), got ${levels}`,
  });
}
