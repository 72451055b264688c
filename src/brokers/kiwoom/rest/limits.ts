/** The app key's REST call rate per environment (sources in the broker README, "REST"). */
export const kiwoomRestLimits = { production: { limit: 5, windowMs: 1_000 }, mock: { limit: 1, windowMs: 1_000 } } as const;
