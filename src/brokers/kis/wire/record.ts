/**
 * Records: one frame's `^`-separated values cut into records by the frame's record count, and
 * each record named by an io-ts codec built from its tr_id's ordered field list.
 */
import * as t from 'io-ts';
import { FillOnLook, isHidden, lazyTarget } from '../../../core/lazy-target';
import { layouts, statusWithoutCode } from './fields';
import { KisTrId } from './tr-ids';

/** A decoded record: its tr_id, its values by KIS field name, and values past the known layout. */
export interface KisRecord<F extends string = string> {
  readonly trId: string;
  readonly fields: Readonly<Record<F, string>>;
  /** Trailing values no known layout names (a field KIS appended); empty normally. */
  readonly extra: readonly string[];
}

export type Positional<F extends string> = Omit<KisRecord<F>, 'trId'>;

/**
 * A record's values by name, read by position when looked at: a Proxy over the values whose
 * target fills in (in layout order, as a plain object would have them) the first time anything
 * but a field read asks (keys, `in`, spread, JSON.stringify, a write). A mapping reads a handful
 * of a record's 46–66 values; naming all of them per record was most of the decode.
 *
 * The values are either a list (io-ts decoding of a `string[]`) or, from the codec, the frame's
 * payload with the end of every value (`cutRecords`): then a value is cut out of the payload only
 * when read, and a frame's 46–66 values per record are never split into strings nobody reads.
 */
class Named extends FillOnLook<Record<string, string>> {
  private full = false;

  constructor(
    private readonly names: readonly string[],
    private readonly index: ReadonlyMap<string, number>,
    /** The values as a list, or undefined when they are cut out of `text` by `ends`. */
    private readonly list: readonly string[] | undefined,
    private readonly text: string,
    private readonly ends: readonly number[],
    /** The record's first value's index in `ends`. */
    private readonly first: number,
  ) {
    super();
  }

  /** The record's i-th value. */
  at(i: number): string {
    if (this.list !== undefined) return this.list[i];
    return valueAt(this.text, this.ends, this.first + i);
  }

  force(target: Record<string, string>): void {
    if (this.full) return;
    this.full = true;
    for (let i = 0; i < this.names.length; i++) target[this.names[i]] = this.at(i);
  }

  override get(target: Record<string, string>, key: string | symbol, receiver: unknown): unknown {
    if (!this.full && typeof key === 'string') {
      const i = this.index.get(key);
      if (i !== undefined) return this.at(i);
    }
    return isHidden(key) ? undefined : Reflect.get(target, key, receiver);
  }
}

/** The values of a record named eagerly: a plain object (the reference the lazy names equal). */
export function namedEagerly<F extends string>(names: readonly F[], list: readonly string[]): Record<F, string> {
  const fields = {} as Record<F, string>;
  names.forEach((n, i) => {
    fields[n] = list[i];
  });
  return fields;
}

/**
 * An io-ts codec from a record's values to its named fields. It needs at least as many values
 * as names; values beyond them are kept, in order, as `extra`. Encoding gives the values back.
 * The names are read lazily (see `Named`); `eager` names them all at once instead.
 */
export function positional<F extends string>(
  name: string,
  names: readonly F[],
  eager = false,
): t.Type<Positional<F>, readonly string[], unknown> {
  // Later names win over earlier ones of the same spelling, as in a plain object.
  const index = new Map<string, number>(names.map((n, i) => [n, i]));
  return new t.Type<Positional<F>, readonly string[], unknown>(
    name,
    (u): u is Positional<F> => typeof u === 'object' && u !== null && 'fields' in u && 'extra' in u,
    (u, c) => {
      // A hand-written check: io-ts' array codec builds a context per element, and records are long.
      if (!Array.isArray(u) || !u.every(isString)) return t.failure(u, c, `${name} needs an array of strings`);
      const list = u as readonly string[];
      if (list.length < names.length) {
        return t.failure(u, c, `${name} needs ${names.length} values, got ${list.length}`);
      }
      const fields = eager ? namedEagerly(names, list) : named(names, index, list);
      return t.success({ fields, extra: list.length === names.length ? [] : list.slice(names.length) });
    },
    (r) => [...names.map((n) => r.fields[n]), ...r.extra],
  );
}

const isString = (v: unknown): v is string => typeof v === 'string';

function named<F extends string>(names: readonly F[], index: ReadonlyMap<string, number>, list: readonly string[]): Record<F, string> {
  return proxyOf(new Named(names, index, list, '', [], 0)) as Record<F, string>;
}

const proxyOf = (handler: Named): Record<string, string> => new Proxy(lazyTarget(handler) as Record<string, string>, handler);

/** A layout: the codec for records of one length of one tr_id. */
export interface Layout {
  readonly trId: string;
  readonly length: number;
  readonly codec: t.Type<Positional<string>, readonly string[], unknown>;
  /**
   * A record of this layout cut out of a frame (`cutRecords`): what `codec` decodes from the same
   * values, read lazily from the payload. `first`: the record's first value's index in `ends`;
   * `values`: values per record (at least `length`; the rest are `extra`).
   */
  read(text: string, ends: readonly number[], first: number, values: number): Positional<string>;
  /** The position of a field (the last of that name, as in the named record), or -1. */
  indexOf(name: string): number;
  /** `chooseLayout`'s answer for records of exactly this length, made once. */
  readonly exact: LayoutChoice;
}

function layoutOf(trId: string, name: string, names: readonly string[]): Layout {
  const index = new Map<string, number>(names.map((n, i) => [n, i]));
  const layout: { -readonly [K in keyof Layout]: Layout[K] } = {
    trId,
    length: names.length,
    codec: positional(name, names),
    read(text, ends, first, values) {
      const fields = proxyOf(new Named(names, index, undefined, text, ends, first));
      if (values === names.length) return { fields, extra: [] };
      const extra: string[] = [];
      for (let k = first + names.length; k < first + values; k++) extra.push(valueAt(text, ends, k));
      return { fields, extra };
    },
    indexOf: (field) => index.get(field) ?? -1,
    exact: { ok: false, reason: '' },
  };
  layout.exact = { ok: true, layout, known: true };
  return layout;
}

const table = new Map<string, readonly Layout[]>();
for (const [trId, lists] of Object.entries(layouts) as [KisTrId, readonly (readonly string[])[]][]) {
  table.set(
    trId,
    lists.map((names) => layoutOf(trId, `${trId}/${names.length}`, names)).sort((a, b) => a.length - b.length),
  );
}
const statusNoCode: Layout = layoutOf('H0UNMKO0', 'H0UNMKO0/doc', statusWithoutCode);

/** How a record of `length` values is read: exactly (`known`), or with a tail kept as extra. */
export type LayoutChoice =
  { readonly ok: true; readonly layout: Layout; readonly known: boolean } | { readonly ok: false; readonly reason: string };

/** Picks the layout for `length` values of `trId`; fails for unknown tr_ids and short records. */
export function chooseLayout(trId: string, length: number, first?: string): LayoutChoice {
  const options = table.get(trId);
  if (options === undefined) return { ok: false, reason: `unknown tr_id ${trId}` };
  // The H0UNMKO0 doc has no stock code; live frames do. A record starting with Y/N is the doc's.
  if (trId === 'H0UNMKO0' && length === statusNoCode.length && (first === 'Y' || first === 'N')) {
    return statusNoCode.exact;
  }
  for (let i = 0; i < options.length; i++) if (options[i].length === length) return options[i].exact;
  const fitting = options.filter((l) => l.length < length);
  if (fitting.length === 0) {
    const known = options.map((l) => l.length).join('/');
    return { ok: false, reason: `${trId} record has ${length} values, fewer than any known layout (${known})` };
  }
  return { ok: true, layout: fitting[fitting.length - 1], known: false };
}

/** The records of a payload: `count` records of equal length, concatenated with `^`. */
export function splitRecords(
  payload: string,
  count: number,
): { readonly ok: true; readonly records: readonly (readonly string[])[] } | { readonly ok: false; readonly reason: string } {
  if (!Number.isInteger(count) || count < 1) return { ok: false, reason: `invalid record count ${count}` };
  const values = payload.split('^');
  const perRecord = values.length / count;
  if (!Number.isInteger(perRecord)) {
    return { ok: false, reason: `${values.length} values do not split into ${count} records` };
  }
  if (count === 1) return { ok: true, records: [values] };
  const records: string[][] = [];
  for (let i = 0; i < count; i++) records.push(values.slice(i * perRecord, (i + 1) * perRecord));
  return { ok: true, records };
}

/** Where the values of a payload end: the index of each `^`, then the payload's length. */
function valueEnds(payload: string): number[] {
  const ends: number[] = [];
  for (let i = payload.indexOf('^'); i >= 0; i = payload.indexOf('^', i + 1)) ends.push(i);
  ends.push(payload.length);
  return ends;
}

/**
 * `splitRecords` without the split: the same verdicts and reasons, the records as the end of
 * every value (`ends`, for `Layout.read`) and the values per record.
 */
export function cutRecords(
  payload: string,
  count: number,
): { readonly ok: true; readonly ends: readonly number[]; readonly values: number } | { readonly ok: false; readonly reason: string } {
  if (!Number.isInteger(count) || count < 1) return { ok: false, reason: `invalid record count ${count}` };
  const ends = valueEnds(payload);
  const values = ends.length / count;
  if (!Number.isInteger(values)) return { ok: false, reason: `${ends.length} values do not split into ${count} records` };
  return { ok: true, ends, values };
}

/** The k-th value of a payload cut by `cutRecords`. */
export function valueAt(payload: string, ends: readonly number[], k: number): string {
  return payload.slice(k === 0 ? 0 : ends[k - 1] + 1, ends[k]);
}
