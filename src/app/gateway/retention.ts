/**
 * What the gateway keeps in JetStream, and for how long. Every limit is an option; nothing grows
 * without bound.
 *
 *   RXM_<B>_ACCOUNT  orders, positions, balances   file storage, 7 days / 1 M messages / 256 MiB
 *   RXM_<B>_LAST     last book, quote and status per subject (max 1 per subject), memory
 *   RXM_<B>_TRADES   recent trades, 5 minutes / 1 M messages / 256 MiB, memory
 */
import { DiscardPolicy, JetStreamManager, RetentionPolicy, StorageType, StreamConfig } from '@nats-io/jetstream';
import { nanos } from '@nats-io/nats-core';
import { Subjects, accountStreams } from '../../nats/subjects';

export interface RetentionOptions {
  /** Account events kept this long. Default 7 days. */
  readonly accountMaxAgeMs?: number;
  readonly accountMaxMsgs?: number;
  readonly accountMaxBytes?: number;
  /** Duplicate account events (same event published twice, e.g. around a failover) dropped within this window. Default 2 min. */
  readonly duplicateWindowMs?: number;
  /** Recent trades kept this long for late joiners. Default 5 min. */
  readonly tradesWindowMs?: number;
  readonly tradesMaxMsgs?: number;
  readonly tradesMaxBytes?: number;
  /** The last book/quote of a symbol nobody updated for this long is dropped. Default 1 day. */
  readonly lastMaxAgeMs?: number;
  /** Storage of the account stream. Default 'file' (survives a nats-server restart). */
  readonly accountStorage?: 'file' | 'memory';
}

export const defaultRetention: Required<RetentionOptions> = {
  accountMaxAgeMs: 7 * 24 * 3600_000,
  accountMaxMsgs: 1_000_000,
  accountMaxBytes: 256 * 1024 * 1024,
  duplicateWindowMs: 120_000,
  tradesWindowMs: 5 * 60_000,
  tradesMaxMsgs: 1_000_000,
  tradesMaxBytes: 256 * 1024 * 1024,
  lastMaxAgeMs: 24 * 3600_000,
  accountStorage: 'file',
};

/** The three stream configurations for a broker. */
export function streamConfigs(subjects: Subjects, options: RetentionOptions = {}): (Partial<StreamConfig> & { name: string })[] {
  const r = { ...defaultRetention, ...options };
  return [
    {
      name: subjects.streams.account,
      subjects: accountStreams.map((s) => subjects.account(s)),
      retention: RetentionPolicy.Limits,
      storage: r.accountStorage === 'memory' ? StorageType.Memory : StorageType.File,
      max_age: nanos(r.accountMaxAgeMs),
      max_msgs: r.accountMaxMsgs,
      max_bytes: r.accountMaxBytes,
      discard: DiscardPolicy.Old,
      duplicate_window: nanos(Math.min(r.duplicateWindowMs, r.accountMaxAgeMs)),
    },
    {
      name: subjects.streams.last,
      subjects: [subjects.market('book', '*'), subjects.market('quote', '*'), subjects.status],
      storage: StorageType.Memory,
      max_msgs_per_subject: 1,
      max_age: nanos(r.lastMaxAgeMs),
      discard: DiscardPolicy.Old,
      allow_direct: true,
    },
    {
      name: subjects.streams.trades,
      subjects: [subjects.market('trade', '*')],
      storage: StorageType.Memory,
      max_age: nanos(r.tradesWindowMs),
      max_msgs: r.tradesMaxMsgs,
      max_bytes: r.tradesMaxBytes,
      discard: DiscardPolicy.Old,
      allow_direct: true,
    },
  ];
}

/** Creates the streams, or updates them to these limits. */
export async function ensureStreams(
  jsm: JetStreamManager,
  subjects: Subjects,
  options: RetentionOptions = {},
  warn: (line: string) => void = () => undefined,
): Promise<void> {
  for (const config of streamConfigs(subjects, options)) {
    const exists = await jsm.streams.info(config.name).then(
      () => true,
      () => false,
    );
    if (!exists) {
      await jsm.streams.add(config);
      continue;
    }
    // Limits can change; storage cannot (the server refuses): the stream is kept as it is then.
    await jsm.streams
      .update(config.name, config)
      .catch((err: unknown) => warn(`stream ${config.name} kept as it was: ${err instanceof Error ? err.message : String(err)}`));
  }
}
