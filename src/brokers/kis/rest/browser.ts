/** The KIS REST client in the browser build: a stand-in whose calls fail with a config error (feed/rest-absent.ts). */
import { throwError } from 'rxjs';
import { absentRest, restAbsentError } from '../../../feed/rest-absent';
import type { KisRest, KisRestOptions } from './client';

export { kisRestLimits } from './limits';
export type { KisRest, KisRestOptions } from './client';

export function kisRest(options: KisRestOptions): KisRest {
  return { ...absentRest('kis', options.budget), get: () => throwError(() => restAbsentError('kis')) };
}
