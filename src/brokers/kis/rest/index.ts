export { kisRest, kisRestLimits } from './client';
export type { KisRest, KisRestOptions } from './client';
export { readKis } from './dialect';
export type { KisCursor, KisPage } from './dialect';
