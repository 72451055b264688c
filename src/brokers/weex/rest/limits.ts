import { WeexMarket } from '../endpoints';

/** REST hosts per market. */
export const weexRestHosts: Readonly<Record<WeexMarket, string>> = {
  contract: 'https://api-contract.weex.com',
  spot: 'https://api-spot.weex.com',
};

/**
 * Default budget per credential: WEEX counts 500 weight per 10 s (per IP for public calls, per
 * account for private ones); 400 leaves headroom, and one budget for both is the safe reading.
 * A burst of 40 lets a weight-25 call (spot trades) through without waiting for a full bucket.
 */
export const weexRestLimits = { limit: 400, windowMs: 10_000, burst: 40 } as const;
