/** Where Kiwoom lives, and how its item codes name a venue. */

export type KiwoomEnv = 'production' | 'mock';

/** The venue a stock subscription reads: KRX, Nextrade, or Kiwoom's smart routing (both). */
export type Exchange = 'KRX' | 'NXT' | 'SOR';

export const exchanges: readonly Exchange[] = ['KRX', 'NXT', 'SOR'];

export const endpoints: Readonly<Record<KiwoomEnv, { readonly rest: string; readonly ws: string }>> = {
  production: { rest: 'https://api.kiwoom.com', ws: 'wss://api.kiwoom.com:10000/api/dostk/websocket' },
  mock: { rest: 'https://mockapi.kiwoom.com', ws: 'wss://mockapi.kiwoom.com:10000/api/dostk/websocket' },
};

const suffixes: Readonly<Record<Exchange, string>> = { KRX: '', NXT: '_NX', SOR: '_AL' };

/** The wire item of a symbol on a venue: `005930`, `005930_NX`, `005930_AL`. */
export function itemOf(symbol: string, exchange: Exchange = 'KRX'): string {
  return symbol + suffixes[exchange];
}

/** A wire item split into its symbol and venue. */
export function splitItem(item: string): { readonly symbol: string; readonly exchange: Exchange } {
  if (item.endsWith('_NX')) return { symbol: item.slice(0, -3), exchange: 'NXT' };
  if (item.endsWith('_AL')) return { symbol: item.slice(0, -3), exchange: 'SOR' };
  return { symbol: item, exchange: 'KRX' };
}
