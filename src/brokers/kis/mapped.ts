/** The result of mapping one record to the model: an event, or why it could not be. */
export type Mapped<E> = { readonly ok: true; readonly event: E } | { readonly ok: false; readonly reason: string };

/** What mapping needs besides the record: the clock, for records without a date. */
export interface MapContext {
  /** Epoch ms now (the session's clock). */
  readonly now: number;
}

export const mapped = <E>(event: E): Mapped<E> => ({ ok: true, event });
export const unmapped = <E>(reason: string): Mapped<E> => ({ ok: false, reason });
