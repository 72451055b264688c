import { trIdInfo } from './wire/tr-ids';

/**
 * The venue a record comes from, in the model's words: KRX or NXT; undefined for the integrated
 * feed, whose records do not say which venue printed them.
 */
export function venueOf(trId: string): 'KRX' | 'NXT' | undefined {
  const exchange = trIdInfo(trId)?.exchange;
  return exchange === 'KRX' || exchange === 'NXT' ? exchange : undefined;
}
