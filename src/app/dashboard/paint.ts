import type { ScreenBuffer, Terminal } from 'terminal-kit';
import { Screen, Style } from './screen';

type Attr = ScreenBuffer.Attributes;

/** How each style looks on a terminal. */
const attrs: Readonly<Record<Style, Attr>> = {
  plain: {},
  title: { color: 'black', bgColor: 'cyan', bold: true },
  dim: { dim: true },
  heading: { bold: true, underline: true },
  ask: { color: 'red' },
  bid: { color: 'green' },
  buy: { color: 'brightGreen' },
  sell: { color: 'brightRed' },
  ok: { color: 'green', bold: true },
  warn: { color: 'yellow' },
  bad: { color: 'red', bold: true },
  selected: { inverse: true, bold: true },
};

/**
 * Puts Screens on a terminal through terminal-kit's ScreenBuffer: each paint fills an off-screen
 * buffer and draws only the cells that changed since the last one (no flicker, little output).
 */
export class TerminalPainter {
  private buffer: ScreenBuffer;

  constructor(private readonly term: Terminal) {
    this.buffer = this.makeBuffer();
  }

  get size(): { readonly width: number; readonly height: number } {
    return { width: this.term.width, height: this.term.height };
  }

  /** After a terminal resize: a buffer of the new size, fully redrawn next time. */
  resize(): void {
    this.buffer = this.makeBuffer();
    this.term.clear();
  }

  paint(screen: Screen): void {
    const buffer = this.buffer;
    buffer.fill({ char: ' ', attr: {} });
    screen.rows.forEach((row, y) => {
      let x = 0;
      for (const segment of row) {
        if (x >= buffer.width) break;
        buffer.put({ x, y, attr: attrs[segment.style ?? 'plain'], wrap: false, dx: 1, dy: 0 }, segment.text);
        x += segment.text.length;
      }
    });
    buffer.draw({ delta: true });
  }

  private makeBuffer(): ScreenBuffer {
    // terminal-kit is an optional peer, loaded only for the interactive UI (see openTerminal).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { ScreenBuffer: Buffer } = require('terminal-kit') as typeof import('terminal-kit');
    return new Buffer({ dst: this.term, width: this.term.width, height: this.term.height });
  }
}
