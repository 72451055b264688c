/** The app key's REST call rate per environment (sources in the broker README, "REST"). */
export const kisRestLimits = { real: { limit: 18, windowMs: 1_000 }, paper: { limit: 1, windowMs: 1_000 } } as const;
