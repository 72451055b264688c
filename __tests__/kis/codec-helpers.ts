import { KisCodec } from '../../src/brokers/kis/codec';
import { FillBook } from '../../src/brokers/kis/fills';

/** 2026-03-05 10:00:00 KST, the clock of codec tests. */
export const NOW = Date.parse('2026-03-05T10:00:00+09:00');

export function makeCodec(reportedLayouts = new Set<string>()): KisCodec {
  return new KisCodec({ approvalKey: 'approval-123456', custType: 'P', now: () => NOW, fills: new FillBook(), reportedLayouts });
}
