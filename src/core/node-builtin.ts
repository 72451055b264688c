/**
 * A Node built-in module when running in Node, `undefined` elsewhere (browsers, workers).
 *
 * Uses `process.getBuiltinModule` (Node ≥ 20.16) instead of `require`/`import`: it works the same
 * from the CommonJS and the ES module build, and bundlers see no import, so a browser bundle never
 * pulls in (or needs shims for) `node:crypto` and friends. `process` is only touched after checking
 * that it exists.
 */
export function nodeBuiltin<T>(id: string): T | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  return typeof proc?.getBuiltinModule === 'function' ? (proc.getBuiltinModule(id) as T | undefined) : undefined;
}
