/**
 * Field tables: how one real-time type's `values` object (FID → string) becomes a record with
 * names in market words, and back.
 *
 * ```ts
 * const quote = table('0C', { bestAsk: req('27', price), bestBid: req('28', price) });
 * type QuoteFields = t.TypeOf<typeof quote>;   // { bestAsk: number; bestBid: number }
 * ```
 *
 * - A FID may feed several names (FID 10 gives `lastPrice` and `direction`).
 * - Required names missing, empty or unreadable fail the whole record ("strict on what the type
 *   needs"); optional ones are left out.
 * - FIDs the table does not know, and optional values that could not be read, are kept verbatim
 *   in `extra`: an added FID is never an error and nothing the wire said is lost.
 */
import * as t from 'io-ts';
import { FillOnLook, isHidden, lazyObject, lazyTarget } from '../../../core/lazy-target';
import { DatedPiece, INVALID, Piece, PieceOf, aggressor, direction } from './values';

/** The `values` object of a REAL entry. */
export type Values = Readonly<Record<string, string>>;

export interface FieldSpec<A, R extends boolean> {
  readonly fid: string;
  readonly piece: Piece<A>;
  readonly required: R;
}

/** A field the type cannot do without. */
export function req<A>(fid: string, piece: Piece<A>): FieldSpec<A, true> {
  return { fid, piece, required: true };
}

/** A field that may be absent. */
export function opt<A>(fid: string, piece: Piece<A>): FieldSpec<A, false> {
  return { fid, piece, required: false };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Spec = Readonly<Record<string, FieldSpec<any, boolean>>>;

type Simplify<T> = { [K in keyof T]: T[K] } & {};
type RequiredKeys<S extends Spec> = { [K in keyof S]: S[K]['required'] extends true ? K : never }[keyof S];
type OptionalKeys<S extends Spec> = Exclude<keyof S, RequiredKeys<S>>;

/** The named record a spec decodes to. */
export type FieldsOf<S extends Spec> = Simplify<
  { readonly [K in RequiredKeys<S>]: PieceOf<S[K]['piece']> } & { readonly [K in OptionalKeys<S>]?: PieceOf<S[K]['piece']> }
>;

/** A decoded `values` object: the named fields and what the table did not name. */
export interface Decoded<F> {
  readonly fields: F;
  readonly extra: Values;
}

/** Pieces encoded as a sign prefix on another field's magnitude rather than a value of their own. */
const signPieces: ReadonlySet<unknown> = new Set<unknown>([direction, aggressor]);

/** A field table: an io-ts codec between a `values` object and its named record. */
export interface FieldTable<S extends Spec> extends t.Type<FieldsOf<S>, Values, Values> {
  /** The real-time type code, for messages. */
  readonly code: string;
  readonly spec: S;
  /** Every FID the table names. */
  readonly fids: ReadonlySet<string>;
  /**
   * Decodes a `values` object; a message naming the field on failure. Only the required fields
   * are read at once (they decide acceptance); the others are read when first looked at, and
   * `extra` when first asked for (see `LazyFields`). The result equals `readEager`'s.
   */
  read(values: Values): Decoded<FieldsOf<S>> | { readonly error: string };
  /** The same decoding, every field at once, into a plain object (what io-ts `decode` gives). */
  readEager(values: Values): Decoded<FieldsOf<S>> | { readonly error: string };
  /** Encodes named fields to a `values` object (the inverse of `read`, for servers and tests). */
  write(fields: Partial<FieldsOf<S>>): Record<string, string>;
}

const EMPTY: Values = Object.freeze({});

/** Values are strings on the wire; anything else is kept as its text. */
function textOf(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return '';
  if (typeof v !== 'object') return String(v);
  // Parsed JSON may hold objects whose `toString` is not a function, or nest deeply: never throw.
  try {
    return JSON.stringify(v);
  } catch {
    return '[unreadable]';
  }
}

/** A field's wire text, or undefined when it is absent, empty or blank (numbers read as text). */
function wireText(values: Values, fid: string): string | undefined {
  const value0 = values[fid] as unknown;
  const raw = typeof value0 === 'number' ? String(value0) : value0;
  if (typeof raw !== 'string' || raw === '' || (raw.charCodeAt(0) === 32 && raw.trim() === '')) return undefined;
  return raw;
}

/** A field looked at and found absent or saying nothing (a hole in the cache: not looked at yet). */
const ABSENT = Symbol('absent');

/** How one table reads: shared by every record of the table. */
interface Reader {
  readonly specs: readonly (readonly [string, FieldSpec<unknown, boolean>])[];
  /** Spec index by field name. */
  readonly index: ReadonlyMap<string, number>;
  /** The distinct dated pieces (HHMMSS times) of the table, and which one each spec uses (-1: none). */
  readonly dated: readonly DatedPiece<unknown>[];
  readonly datedOf: readonly number[];
  extraOf(values: Values, unread: ReadonlySet<string> | undefined): Values;
}

/** Reads spec `i` of a record: its value, ABSENT, or INVALID. */
function readOne(reader: Reader, values: Values, days: readonly string[], i: number): unknown {
  const s = reader.specs[i][1];
  const raw = wireText(values, s.fid);
  if (raw === undefined) return ABSENT;
  const k = reader.datedOf[i];
  const value = k < 0 ? s.piece.parse(raw) : reader.dated[k].parseOn(raw, days[k]);
  return value === undefined ? ABSENT : value;
}

/**
 * The named fields of one record, read when looked at: a Proxy whose target fills in (in the
 * table's order, so JSON and key order are those of an eager decode) the first time anything
 * but a field read asks (keys, `in`, spread, JSON.stringify, a write). A field read alone costs
 * one parse, then one array read. The cache holds ABSENT, INVALID or the value per spec.
 */
class LazyFields extends FillOnLook {
  private full = false;
  private unread: Set<string> | undefined;

  constructor(
    private readonly reader: Reader,
    private readonly values: Values,
    private readonly days: readonly string[],
    private readonly cache: unknown[],
  ) {
    super();
  }

  private at(i: number): unknown {
    let v = this.cache[i];
    if (v === undefined) this.cache[i] = v = readOne(this.reader, this.values, this.days, i);
    return v;
  }

  /** Fills the target with every field, in the table's order. */
  force(target: Record<string, unknown>): void {
    if (this.full) return;
    this.full = true;
    const specs = this.reader.specs;
    for (let i = 0; i < specs.length; i++) {
      const v = this.at(i);
      if (v === ABSENT) continue;
      if (v === INVALID) (this.unread ??= new Set()).add(specs[i][1].fid);
      else target[specs[i][0]] = v;
    }
  }

  extra(target: Record<string, unknown>): Values {
    this.force(target);
    return this.reader.extraOf(this.values, this.unread);
  }

  override get(target: Record<string, unknown>, key: string | symbol, receiver: unknown): unknown {
    if (!this.full && typeof key === 'string') {
      const i = this.reader.index.get(key);
      if (i !== undefined) {
        const v = this.at(i);
        return v === ABSENT || v === INVALID ? undefined : v;
      }
    }
    return isHidden(key) ? undefined : Reflect.get(target, key, receiver);
  }
}

/** A field table for one real-time type. */
export function table<S extends Spec>(code: string, spec: S): FieldTable<S> {
  const specs: readonly (readonly [string, FieldSpec<unknown, boolean>])[] = Object.entries(spec);
  const fids: ReadonlySet<string> = new Set(specs.map(([, s]) => s.fid));
  const required = specs.flatMap(([, s], i) => (s.required ? [i] : []));
  const dated = [...new Set(specs.map(([, s]) => s.piece).filter(isDated))];
  const datedOf = specs.map(([, s]) => dated.indexOf(s.piece as DatedPiece<unknown>));

  const extraOf = (values: Values, unread: ReadonlySet<string> | undefined): Values => {
    let extra: Record<string, string> | undefined;
    for (const fid in values) {
      if (!fids.has(fid) || unread?.has(fid)) (extra ??= {})[fid] = textOf(values[fid]);
    }
    return extra ?? EMPTY;
  };
  const reader: Reader = { specs, index: new Map(specs.map(([name], i) => [name, i])), dated, datedOf, extraOf };

  const failure = (i: number, value: unknown, values: Values): { readonly error: string } => {
    const [name, s] = specs[i];
    const raw = wireText(values, s.fid);
    if (raw === undefined) return { error: `${code}: FID ${s.fid} (${name}) is missing` };
    if (value === INVALID) return { error: `${code}: FID ${s.fid} (${name}) is not a ${s.piece.name}: ${JSON.stringify(raw)}` };
    return { error: `${code}: FID ${s.fid} (${name}) is empty: ${JSON.stringify(raw)}` };
  };

  const readEager = (values: Values): Decoded<FieldsOf<S>> | { readonly error: string } => {
    const fields: Record<string, unknown> = {};
    let unread: Set<string> | undefined;
    for (let i = 0; i < specs.length; i++) {
      const [name, s] = specs[i];
      const raw = wireText(values, s.fid);
      if (raw === undefined) {
        if (s.required) return failure(i, ABSENT, values);
        continue;
      }
      const value = s.piece.parse(raw);
      if (value === INVALID) {
        if (s.required) return failure(i, INVALID, values);
        (unread ??= new Set()).add(s.fid);
        continue;
      }
      if (value === undefined) {
        if (s.required) return failure(i, ABSENT, values);
        continue;
      }
      fields[name] = value;
    }
    return { fields: fields as FieldsOf<S>, extra: extraOf(values, unread) };
  };

  const read = (values: Values): Decoded<FieldsOf<S>> | { readonly error: string } => {
    const days = dated.length === 0 ? [] : dated.map((p) => p.today());
    const cache: unknown[] = new Array(specs.length);
    for (let r = 0; r < required.length; r++) {
      const i = required[r];
      const v = readOne(reader, values, days, i);
      if (v === ABSENT || v === INVALID) return failure(i, v, values);
      cache[i] = v;
    }
    const handler = new LazyFields(reader, values, days, cache);
    const target = lazyTarget(handler);
    // Plain data properties: an accessor in the literal would cost more than the whole read.
    return { fields: new Proxy(target, handler) as FieldsOf<S>, extra: lazyObject(() => handler.extra(target)) };
  };

  const write = (fields: Partial<FieldsOf<S>>): Record<string, string> => {
    const values: Record<string, string> = {};
    const signs: Record<string, string> = {};
    const named = fields as Record<string, unknown>;
    for (const [name, s] of specs) {
      const v = named[name];
      if (v === undefined) continue;
      const encoded = s.piece.encode(v);
      if (signPieces.has(s.piece)) signs[s.fid] = encoded;
      else values[s.fid] = encoded;
    }
    for (const [fid, sign] of Object.entries(signs)) {
      const magnitude = values[fid];
      if (magnitude !== undefined) values[fid] = sign + magnitude.replace(/^[+-]/, '');
    }
    return values;
  };

  const codec = new t.Type<FieldsOf<S>, Values, Values>(
    `fields ${code}`,
    (u): u is FieldsOf<S> => typeof u === 'object' && u !== null,
    (values, c) => {
      const out = readEager(values);
      return 'error' in out ? t.failure(values, c, out.error) : t.success(out.fields);
    },
    (fields) => write(fields),
  );
  return Object.assign(codec, { code, spec, fids, read, readEager, write });
}

function isDated(p: Piece<unknown>): p is DatedPiece<unknown> {
  return typeof (p as Partial<DatedPiece<unknown>>).parseOn === 'function';
}

/** Level numbers of a 10-level book and ranks of a top-5 list. */
export type Lvl10 = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10;
export type Rank5 = 1 | 2 | 3 | 4 | 5;

type Family<P extends string, N extends number, A> = { readonly [K in `${P}${N}`]: FieldSpec<A, false> };

function family<P extends string, A>(prefix: P, firstFid: number, piece: Piece<A>, count: number): Record<string, FieldSpec<A, false>> {
  const out: Record<string, FieldSpec<A, false>> = {};
  for (let i = 0; i < count; i++) out[`${prefix}${i + 1}`] = opt(String(firstFid + i), piece);
  return out;
}

/**
 * Ten per-level fields with consecutive FIDs: `levels('askPrice', 41, price)` names FIDs 41…50
 * `askPrice1` … `askPrice10` (level 1 = best).
 */
export function levels<P extends string, A>(prefix: P, firstFid: number, piece: Piece<A>): Family<P, Lvl10, A> {
  return family(prefix, firstFid, piece, 10) as Family<P, Lvl10, A>;
}

/** Five per-rank fields with consecutive FIDs (`ranks('sellBroker', 141, text)`: 141…145). */
export function ranks<P extends string, A>(prefix: P, firstFid: number, piece: Piece<A>): Family<P, Rank5, A> {
  return family(prefix, firstFid, piece, 5) as Family<P, Rank5, A>;
}
