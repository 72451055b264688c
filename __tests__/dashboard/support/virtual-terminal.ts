import { Terminal as XTerm } from '@xterm/headless';
import { PassThrough, Writable } from 'stream';
import * as termkit from 'terminal-kit';
import type { Terminal } from 'terminal-kit';

/**
 * A terminal-kit Terminal whose output goes into a headless xterm instead of a real terminal:
 * what the dashboard's painter draws can be read back as the screen's text and colours.
 */
export interface VirtualTerminal {
  readonly term: Terminal;
  /** Waits until xterm has processed everything written so far. */
  settle(): Promise<void>;
  /** The screen's lines, trailing spaces trimmed. */
  lines(): string[];
  /** The foreground colour (xterm palette index, or -1 for default) of the cell at (x, y). */
  colorAt(x: number, y: number): number;
  dispose(): void;
}

export function virtualTerminal(width: number, height: number): VirtualTerminal {
  const xterm = new XTerm({ cols: width, rows: height, allowProposedApi: true });
  let pending = Promise.resolve();
  const stdout = Object.assign(
    new Writable({
      write(chunk: Buffer, _enc, done) {
        pending = pending.then(() => new Promise<void>((resolve) => xterm.write(chunk, resolve)));
        done();
      },
    }),
    { isTTY: true, columns: width, rows: height },
  );
  const stdin = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => undefined });
  const term = termkit.createTerminal({
    stdin: stdin as unknown as NodeJS.ReadStream,
    stdout: stdout as unknown as NodeJS.WriteStream,
    stderr: stdout as unknown as NodeJS.WriteStream,
    generic: 'xterm-256color',
    appId: 'xterm-256color',
    isTTY: true,
    isSSH: false,
    isXTerm: true,
    isTmux: false,
    pid: 0,
    processSigwinch: false,
  } as unknown as Parameters<typeof termkit.createTerminal>[0]);
  const buffer = () => xterm.buffer.active;
  return {
    term,
    settle: async () => {
      await new Promise((r) => setImmediate(r));
      await pending;
    },
    lines: () => Array.from({ length: height }, (_, y) => buffer().getLine(y)?.translateToString(true) ?? ''),
    colorAt: (x, y) => {
      const cell = buffer().getLine(y)?.getCell(x);
      return cell && !cell.isFgDefault() ? cell.getFgColor() : -1;
    },
    dispose: () => xterm.dispose(),
  };
}
