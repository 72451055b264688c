/**
 * The target of a lazily filled record Proxy (the Kiwoom field tables, KIS positional records):
 * a plain object that carries, under symbols the Proxy hides, its filler and Node's inspect hook.
 * `console.log(trade.raw)` looks at a Proxy's target directly (not through its traps), so without
 * the hook a record nobody had read in full would print as `{}`. The hook is a registered symbol,
 * so nothing here imports `node:util` (the browser bundle stays free of it).
 */
export interface Filler {
  /** Fills the target with every field, in order (once). */
  force(target: Record<string, unknown>): void;
}

const FILLER = Symbol('filler');
const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/** A fresh target for a Proxy whose handler is `filler`. */
export function lazyTarget(filler: Filler): Record<string, unknown> {
  return { [FILLER]: filler, [INSPECT]: inspectFilled } as unknown as Record<string, unknown>;
}

/** The symbols a lazy record's traps keep out of sight (`ownKeys`, `in`, descriptors, reads). */
export function isHidden(key: string | symbol): boolean {
  return key === FILLER || key === INSPECT;
}

/** Own keys of a target without the hidden ones. */
export function visibleKeys(target: Record<string, unknown>): (string | symbol)[] {
  return Reflect.ownKeys(target).filter((k) => !isHidden(k));
}

/** Node calls the hook on the Proxy (whose traps fill it) or, elsewhere, on the bare target. */
function inspectFilled(this: Record<string | symbol, unknown>): Record<string, unknown> {
  (this[FILLER] as Filler | undefined)?.force(this as Record<string, unknown>);
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(this)) out[k] = this[k];
  return out;
}
