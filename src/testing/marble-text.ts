/** Renders recorded notifications back into marble text, for readable failure messages. */

import { inspect } from 'node:util';

/** One notification at a virtual frame. */
export interface MarbleFrame {
  readonly frame: number;
  readonly kind: 'N' | 'E' | 'C';
  readonly value?: unknown;
  readonly error?: unknown;
}

export type Equals = (a: unknown, b: unknown) => boolean;

const SPARE = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * Marble text for `frames`, naming values by their key in `values` (unknown values get spare
 * letters, listed in `legend`). Returns a frame list instead when the timing cannot be drawn
 * (a value lands inside the time a preceding group `(ab)` takes up).
 */
export function toMarbles(
  frames: readonly MarbleFrame[],
  values: Readonly<Record<string, unknown>>,
  equals: Equals,
  legend: Map<string, unknown>,
): string {
  const known = Object.entries(values);
  const nameOf = (v: unknown): string => {
    const hit = known.find(([, kv]) => equals(kv, v)) ?? [...legend].find(([, lv]) => equals(lv, v));
    if (hit) return hit[0];
    const name = [...SPARE].find((c) => !(c in values) && !legend.has(c)) ?? '?';
    legend.set(name, v);
    return name;
  };
  const token = (f: MarbleFrame) => (f.kind === 'N' ? nameOf(f.value) : f.kind === 'E' ? '#' : '|');

  const groups: MarbleFrame[][] = [];
  for (const f of frames) {
    const last = groups[groups.length - 1];
    if (last && last[0].frame === f.frame) last.push(f);
    else groups.push([f]);
  }
  let out = '';
  let pos = 0;
  for (const g of groups) {
    const gap = g[0].frame - pos;
    if (gap < 0) return frames.map((f) => `${f.frame}:${token(f)}`).join(' ');
    out += gap > 40 ? ` ${gap}ms ` : '-'.repeat(gap);
    const tokens = g.map(token);
    out += tokens.length === 1 ? tokens[0] : `(${tokens.join('')})`;
    pos = g[0].frame + (tokens.length === 1 ? 1 : tokens.length + 2);
  }
  return out;
}

/** A multi-line explanation of a mismatch between two recordings. */
export function explainMismatch(
  actual: readonly MarbleFrame[],
  expected: readonly MarbleFrame[],
  values: Readonly<Record<string, unknown>>,
  equals: Equals,
): string {
  const legend = new Map<string, unknown>();
  const lines = [
    'signals differ',
    `  expected: ${toMarbles(expected, values, equals, legend)}`,
    `  actual:   ${toMarbles(actual, values, equals, legend)}`,
  ];
  const show = (v: unknown) => inspect(v, { depth: 4, breakLength: Infinity });
  const used = new Set([...actual, ...expected].filter((f) => f.kind === 'N').map((f) => f.value));
  for (const [k, v] of Object.entries(values)) if ([...used].some((u) => equals(u, v))) lines.push(`  ${k} = ${show(v)}`);
  for (const [k, v] of legend) lines.push(`  ${k} = ${show(v)}   (not in values)`);
  const errors = [...actual, ...expected].filter((f) => f.kind === 'E');
  for (const e of errors) lines.push(`  # at ${e.frame} = ${show(e.error)}`);
  return lines.join('\n');
}
