/**
 * Groups the events the broker feed emits for one subject within one turn of the event loop (one
 * socket read, one timer) into one NATS message: a consumer then pays NATS's per-message cost
 * (protocol parsing, one callback, one `JSON.parse`) once per batch instead of once per event,
 * and nats-server fans out a tenth of the messages. The batch goes out at `setImmediate` — after
 * the I/O of this turn, before the next socket read — or at once when it holds `maxEvents` events
 * or `maxChars` characters, so no event waits for a later one.
 *
 *   add(A,a1) add(B,b1) add(A,a2) ─ end of turn ─► flush(A,[a1,a2]) flush(B,[b1])
 *   add(A,a1) … add(A,a64)        ─ maxEvents   ─► flush(A,[a1…a64]) at once
 */
export interface Batcher {
  /** Queues one serialized event for `subject`. */
  add(subject: string, event: string): void;
  /** Sends every queued batch now (before a close, in tests). */
  flush(): void;
  /** Drops what is queued and stops the timer. */
  close(): void;
}

export interface BatcherOptions {
  /** Most events per message. Default 64. */
  readonly maxEvents?: number;
  /** Most characters of events per message (NATS's default max payload is 1 MiB). Default 256 Ki. */
  readonly maxChars?: number;
}

export function batcher(send: (subject: string, events: readonly string[]) => void, options: BatcherOptions = {}): Batcher {
  const maxEvents = Math.max(1, options.maxEvents ?? 64);
  const maxChars = Math.max(1, options.maxChars ?? 256 * 1024);
  const pending = new Map<string, { events: string[]; chars: number }>();
  let scheduled: ReturnType<typeof setImmediate> | undefined;

  const sendOne = (subject: string, batch: { events: string[] }): void => {
    pending.delete(subject);
    send(subject, batch.events);
  };
  const flush = (): void => {
    scheduled = undefined;
    for (const [subject, batch] of pending) sendOne(subject, batch);
  };
  return {
    add(subject, event) {
      let batch = pending.get(subject);
      if (!batch) {
        batch = { events: [], chars: 0 };
        pending.set(subject, batch);
      }
      batch.events.push(event);
      batch.chars += event.length;
      if (batch.events.length >= maxEvents || batch.chars >= maxChars) sendOne(subject, batch);
      else if (!scheduled) scheduled = setImmediate(flush);
    },
    flush() {
      if (scheduled) clearImmediate(scheduled);
      flush();
    },
    close() {
      if (scheduled) clearImmediate(scheduled);
      scheduled = undefined;
      pending.clear();
    },
  };
}
