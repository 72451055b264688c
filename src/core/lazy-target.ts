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

/**
 * The traps of a lazily filled record Proxy: anything but a plain read (keys, `in`, descriptors,
 * a write, a spread, `JSON.stringify`) fills the target first (`force`), then answers from it as
 * a plain object would; the symbols of `lazyTarget` stay out of sight. A subclass says how to
 * fill, and may answer a read of one field without filling (`get`).
 */
export abstract class FillOnLook<T extends object = Record<string, unknown>> implements ProxyHandler<T> {
  /** Fills the target with every field, in order (once). */
  abstract force(target: T): void;

  get(target: T, key: string | symbol, receiver: unknown): unknown {
    if (isHidden(key)) return undefined;
    this.force(target);
    return Reflect.get(target, key, receiver);
  }

  has(target: T, key: string | symbol): boolean {
    if (isHidden(key)) return false;
    this.force(target);
    return Reflect.has(target, key);
  }

  ownKeys(target: T): (string | symbol)[] {
    this.force(target);
    return visibleKeys(target as Record<string, unknown>);
  }

  getOwnPropertyDescriptor(target: T, key: string | symbol): PropertyDescriptor | undefined {
    if (isHidden(key)) return undefined;
    this.force(target);
    return Reflect.getOwnPropertyDescriptor(target, key);
  }

  set(target: T, key: string | symbol, value: unknown): boolean {
    this.force(target);
    return Reflect.set(target, key, value);
  }

  defineProperty(target: T, key: string | symbol, descriptor: PropertyDescriptor): boolean {
    this.force(target);
    return Reflect.defineProperty(target, key, descriptor);
  }

  deleteProperty(target: T, key: string | symbol): boolean {
    this.force(target);
    return Reflect.deleteProperty(target, key);
  }

  preventExtensions(target: T): boolean {
    this.force(target);
    return Reflect.preventExtensions(target);
  }
}

/**
 * An object computed on first look: any read, key listing, `in`, spread or write runs `compute`
 * once and answers from its result. For a record part that is rarely read (the Kiwoom `extra`
 * FIDs) but must behave as a plain own property of the record: an accessor in an object literal
 * costs about 0.5 µs to create in V8, this about 0.05 µs.
 */
export function lazyObject<T extends object>(compute: () => T): T {
  const handler = new LazyObject(compute as () => object);
  return new Proxy(lazyTarget(handler), handler) as unknown as T;
}

class LazyObject extends FillOnLook {
  private compute: (() => object) | undefined;

  constructor(compute: () => object) {
    super();
    this.compute = compute;
  }

  force(target: Record<string, unknown>): void {
    const compute = this.compute;
    if (compute === undefined) return;
    this.compute = undefined;
    const value = compute() as Record<string, unknown>;
    for (const k of Object.keys(value)) target[k] = value[k];
  }
}
