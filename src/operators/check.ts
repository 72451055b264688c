/** Input checks shared by the operators: bad numbers end the stream with a clear message. */

import { Trade } from '../model';

/** A finite positive price and a finite non-negative size, or a message saying which is not. */
export function tradeProblem(op: string, t: Trade): string | undefined {
  if (!Number.isFinite(t.price) || t.price <= 0) {
    return `${op}: trade ${t.symbol} has an invalid price (${t.price})`;
  }
  if (!Number.isFinite(t.size) || t.size < 0) {
    return `${op}: trade ${t.symbol} has an invalid size (${t.size})`;
  }
  return undefined;
}

/** A positive integer count (window lengths, periods, levels), or a RangeError. */
export function positiveInteger(op: string, name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`${op}: ${name} must be a positive integer, got ${value}`);
  }
  return value;
}

/** A positive finite duration in ms, or a RangeError. */
export function positiveDuration(op: string, name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) {
    throw new RangeError(`${op}: ${name} must be a positive number of milliseconds, got ${value}`);
  }
  return value;
}
