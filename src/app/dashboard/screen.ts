/**
 * A screen as data: rows of styled text segments. The renderer produces it, a painter puts it on
 * a terminal, tests read it as text. Styles name what a thing is, not a colour.
 */
export type Style = 'plain' | 'title' | 'dim' | 'heading' | 'ask' | 'bid' | 'buy' | 'sell' | 'ok' | 'warn' | 'bad' | 'selected';

export interface Segment {
  readonly text: string;
  readonly style?: Style;
}

export type Row = readonly Segment[];

export interface Screen {
  readonly width: number;
  readonly height: number;
  /** Exactly `height` rows; each row's text is at most `width` characters. */
  readonly rows: readonly Row[];
}

export const seg = (text: string, style?: Style): Segment => (style ? { text, style } : { text });

/** A row's plain text. */
export const rowText = (row: Row): string => row.map((s) => s.text).join('');

/** The whole screen as plain text, one line per row, trailing spaces trimmed. */
export function screenText(screen: Screen): string {
  return screen.rows.map((r) => rowText(r).trimEnd()).join('\n');
}

/** Cuts a row to `width` characters (segments past it are dropped or shortened). */
export function clipRow(row: Row, width: number): Row {
  const out: Segment[] = [];
  let used = 0;
  for (const s of row) {
    if (used >= width) break;
    const text = s.text.slice(0, width - used);
    out.push({ ...s, text });
    used += text.length;
  }
  return out;
}
