export { weexRest, weexRestHosts, weexRestLimits } from './client';
export type { WeexRest, WeexRestOptions } from './client';
export { readWeex } from './dialect';
export { parseLossless } from './wire';
