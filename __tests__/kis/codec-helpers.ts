import { FrameEvent } from '../../src/core/protocol';
import { FeedError } from '../../src/core/errors';
import { KisCodec } from '../../src/brokers/kis/codec';
import { FillBook } from '../../src/brokers/kis/fills';
import { toModel } from '../../src/brokers/kis/mapping';
import { KisMessage, KisWireRecord } from '../../src/brokers/kis/wire/message';

/** 2026-03-05 10:00:00 KST, the clock of codec tests. */
export const NOW = Date.parse('2026-03-05T10:00:00+09:00');

/**
 * The codec with the feed's mapping after it (records → model events, running fill totals,
 * unmappable records as decode reports), as the feed applies them: codec tests read model events.
 */
export interface ModelCodec {
  readonly codec: KisCodec;
  subscribe(keys: readonly string[]): readonly string[];
  release(keys: readonly string[]): readonly string[];
  cipherSecrets(): string[];
  decode(frame: string): readonly FrameEvent<KisMessage>[];
}

export function makeCodec(reportedLayouts = new Set<string>()): ModelCodec {
  const codec = new KisCodec({ approvalKey: 'approval-123456', custType: 'P', reportedLayouts });
  const fills = new FillBook();
  const toEvent = (e: FrameEvent<KisWireRecord>, frame: string): FrameEvent<KisMessage> => {
    if (e.type !== 'data') return e;
    const result = toModel(e.message, NOW);
    if (!result.ok) {
      return {
        type: 'report',
        error: new FeedError({ kind: 'decode', broker: 'kis', message: `${e.message.record.trId}: ${result.reason}`, raw: frame }),
      };
    }
    return { type: 'data', key: e.key, message: result.event.kind === 'order' ? fills.apply(result.event) : result.event };
  };
  return {
    codec,
    subscribe: (keys) => codec.subscribe(keys),
    release: (keys) => codec.release(keys),
    cipherSecrets: () => codec.cipherSecrets(),
    decode: (frame) => codec.decode(frame).map((e) => toEvent(e, frame)),
  };
}
