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
import { INVALID, Piece, PieceOf, aggressor, direction } from './values';

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
  /** Decodes a `values` object; a message naming the field on failure. */
  read(values: Values): Decoded<FieldsOf<S>> | { readonly error: string };
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

/** A field table for one real-time type. */
export function table<S extends Spec>(code: string, spec: S): FieldTable<S> {
  const specs: readonly (readonly [string, FieldSpec<unknown, boolean>])[] = Object.entries(spec);
  const fids: ReadonlySet<string> = new Set(specs.map(([, s]) => s.fid));
  // Whether a spec is the first to read its FID (a FID may feed several names).
  const firstOfFid = specs.map(([, s], i) => specs.findIndex(([, o]) => o.fid === s.fid) === i);

  const extraOf = (values: Values, unread: Set<string> | undefined): Values => {
    let extra: Record<string, string> | undefined;
    for (const fid in values) {
      if (!fids.has(fid) || unread?.has(fid)) (extra ??= {})[fid] = textOf(values[fid]);
    }
    return extra ?? EMPTY;
  };

  const read = (values: Values): Decoded<FieldsOf<S>> | { readonly error: string } => {
    const fields: Record<string, unknown> = {};
    let unread: Set<string> | undefined;
    // FIDs of the table present in `values`: when they are all there is, nothing is extra.
    let known = 0;
    for (let i = 0; i < specs.length; i++) {
      const [name, s] = specs[i];
      const value0 = values[s.fid];
      if (value0 !== undefined && firstOfFid[i]) known += 1;
      const raw = typeof value0 === 'number' ? String(value0) : value0;
      if (typeof raw !== 'string' || raw === '' || (raw.charCodeAt(0) === 32 && raw.trim() === '')) {
        if (s.required) return { error: `${code}: FID ${s.fid} (${name}) is missing` };
        continue;
      }
      const value = s.piece.parse(raw);
      if (value === INVALID) {
        if (s.required) return { error: `${code}: FID ${s.fid} (${name}) is not a ${s.piece.name}: ${JSON.stringify(raw)}` };
        (unread ??= new Set()).add(s.fid);
        continue;
      }
      if (value === undefined) {
        if (s.required) return { error: `${code}: FID ${s.fid} (${name}) is empty: ${JSON.stringify(raw)}` };
        continue;
      }
      fields[name] = value;
    }
    const extra = unread === undefined && known === Object.keys(values).length ? EMPTY : extraOf(values, unread);
    return { fields: fields as FieldsOf<S>, extra };
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
      const out = read(values);
      return 'error' in out ? t.failure(values, c, out.error) : t.success(out.fields);
    },
    (fields) => write(fields),
  );
  return Object.assign(codec, { code, spec, fids, read, write });
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
