/** The WEEX REST client in the browser build: a stand-in whose calls fail with a config error (feed/rest-absent.ts). */
import { throwError } from 'rxjs';
import { absentRest, restAbsentError } from '../../../feed/rest-absent';
import type { WeexRest, WeexRestOptions } from './client';

export { weexRestHosts, weexRestLimits } from './limits';
export type { WeexRest, WeexRestOptions } from './client';

export function weexRest(options: WeexRestOptions): WeexRest {
  const none = () => throwError(() => restAbsentError('weex'));
  return { ...absentRest('weex', options.budget), market: options.market, get: none, fills: none };
}
