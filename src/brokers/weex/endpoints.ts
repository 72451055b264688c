/** WEEX V3 WebSocket endpoints. V2 lives under /v2/ws/... with another frame format. */
export type WeexMarket = 'contract' | 'spot';

const hosts: Readonly<Record<WeexMarket, string>> = {
  contract: 'wss://ws-contract.weex.com',
  spot: 'wss://ws-spot.weex.com',
};

export function v3Url(market: WeexMarket, side: 'public' | 'private'): string {
  return `${hosts[market]}/v3/ws/${side}`;
}

/** The path the private upgrade signs. Taken from the URL actually used, so overrides sign right. */
export function signedPath(url: string): string {
  return new URL(url).pathname;
}
