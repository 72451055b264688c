/** The Kiwoom REST client in the browser build: a stand-in whose calls fail with a config error (feed/rest-absent.ts). */
import { throwError } from 'rxjs';
import { absentRest, restAbsentError } from '../../../feed/rest-absent';
import type { KiwoomRest, KiwoomRestOptions } from './client';

export { kiwoomRestLimits } from './limits';
export type { KiwoomRest, KiwoomRestOptions } from './client';

export function kiwoomRest(options: KiwoomRestOptions): KiwoomRest {
  return { ...absentRest('kiwoom', options.budget), tr: () => throwError(() => restAbsentError('kiwoom')) };
}
