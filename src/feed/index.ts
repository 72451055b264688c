export * from './market-feed';
export * from './controls';
export * from './symbols';
export { normalizeFills, impossibleFill, connectionsOf } from './fills';
export type { FillFacts, NormalizeFillsOptions } from './fills';
export { boundary, modelProblem, MAX_TIMESTAMP } from './boundary';
export type { Boundary } from './boundary';
export { distinctTrades } from './distinct-trades';
