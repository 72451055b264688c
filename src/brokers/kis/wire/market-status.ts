/** H0STMKO0 / H0NXMKO0 / H0UNMKO0 market-operation records as MarketStatus. */
import { MarketPhase, MarketStatus } from '../../../model';
import { KisRecord } from './record';
import { StatusField } from './fields';
import { kstInstant } from './values';
import { MapContext, Mapped, mapped, unmapped } from '../mapped';
import { venueOf } from '../venue';

export type KisStatusRecord = KisRecord<StatusField>;
export type KisMarketStatus = MarketStatus<KisStatusRecord> & { readonly exchange?: string };

const exact: Readonly<Record<string, MarketPhase>> = {
  '110': 'preOpen', // opening call auction starts
  '112': 'open',
  '121': 'preClose', // closing call auction starts
  '129': 'closed',
  '159': 'closed', // after-hours single price ends
  '164': 'halted',
  '174': 'halted', // circuit breaker
  '184': 'halted',
  '175': 'open',
  '185': 'open',
  '311': 'preOpen', // expected-session codes
};

/** The phase a market-operation code announces; 'unknown' for codes with no clear phase. */
export function phaseOf(code: string): MarketPhase {
  const known = exact[code];
  if (known) return known;
  if (/^1[345]\d$/.test(code)) return 'afterHours'; // pre-market, closing-price and single-price sessions
  if (/^[FP]0\d$/.test(code)) return 'preOpen'; // countdowns to the open
  if (/^[FP]1\d$/.test(code)) return 'preClose'; // countdowns to the close
  if (/^3[89]\d$/.test(code)) return 'open'; // sidecars: trading goes on
  return 'unknown';
}

/**
 * A market-operation record as MarketStatus. The record has no time: it is stamped with the
 * session clock. `symbol` names the instrument when the record has no code (H0UNMKO0 as its doc
 * describes it).
 */
export function toMarketStatus(record: KisStatusRecord, ctx: MapContext, symbol?: string): Mapped<KisMarketStatus> {
  const f = record.fields as Partial<Record<StatusField, string>>;
  const code = (f.MKOP_CLS_CODE ?? '').trim() || (f.ANTC_MKOP_CLS_CODE ?? '').trim();
  const name = (f.MKSC_SHRN_ISCD ?? '').trim() || symbol;
  if (!name) return unmapped('MKSC_SHRN_ISCD: empty code');
  const halted = f.TRHT_YN === 'Y';
  const when = kstInstant(ctx.now);
  const exchange = venueOf(record.trId);
  return mapped<KisMarketStatus>({
    kind: 'status',
    broker: 'kis',
    symbol: name,
    phase: halted ? 'halted' : phaseOf(code),
    code,
    halted,
    ...(exchange !== undefined ? { exchange } : {}),
    time: when.time,
    timestamp: when.timestamp,
    raw: record,
  });
}
