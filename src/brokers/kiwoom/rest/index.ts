export { kiwoomRest, kiwoomRestLimits } from './client';
export type { KiwoomRest, KiwoomRestOptions, KiwoomTokens } from './client';
export { readKiwoom } from './dialect';
export type { Page as KiwoomPage } from './dialect';
