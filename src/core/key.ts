/**
 * A subscription key that knows what its messages are: `Key<Trade>` is a string at run time and
 * carries `Trade` for the compiler only. A broker's key builders return typed keys, and
 * `Session.stream(key)` returns `Observable<Trade>` for them, so a feed never casts what the
 * session routes. A plain string is a `Key<unknown>`: `stream('x')` gives the session's own type.
 */
declare const carries: unique symbol;

export type Key<T> = string & { readonly [carries]?: T };

/** What a key's messages are. */
export type KeyMessage<K> = K extends Key<infer T> ? T : never;

/**
 * Names `key` as carrying `T`. Only a broker's key builders call this: they know what the
 * broker's codec decodes for each key they build.
 */
export function typedKey<T>(key: string): Key<T> {
  return key as Key<T>;
}
