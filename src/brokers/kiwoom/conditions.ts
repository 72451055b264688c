/**
 * Condition search (조건검색): conditions saved in Kiwoom's HTS, listed (CNSRLST) and run live
 * (CNSRREQ search_type 1 → `02` pushes) over the same socket as market data.
 */
import { MarketEventBase } from '../../model';
import { RealRecord } from './wire/record';

/** One saved condition. */
export interface Condition {
  readonly seq: string;
  readonly name: string;
}

/** The decoded CNSRLST answer (protocol message). */
export interface ConditionList {
  readonly kind: 'conditionList';
  readonly conditions: readonly Condition[];
}

/** The decoded CNSRREQ answer: stocks matching when the live search started (protocol message). */
export interface ConditionSnapshot {
  readonly kind: 'conditionSnapshot';
  readonly seq: string;
  readonly symbols: readonly string[];
  /** The `data` rows as sent. */
  readonly rows: readonly Readonly<Record<string, unknown>>[];
}

/** A stock entering or leaving a live condition. */
export interface ConditionEvent extends MarketEventBase<RealRecord<'02'> | ConditionSnapshot> {
  readonly kind: 'condition';
  readonly seq: string;
  readonly action: 'enter' | 'leave';
  /** True for the stocks that matched when the search started. */
  readonly initial: boolean;
}
