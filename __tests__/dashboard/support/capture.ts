/**
 * Prints a dashboard frame as a terminal shows it, for docs/dashboard.md:
 * `npx tsx __tests__/dashboard/support/capture.ts [width] [height]`.
 * The state is a minute of the seeded simulator (seed 11), painted by terminal-kit into a headless
 * xterm: the same path the rendering tests use.
 */
import { renderDashboard } from '../../../src/app/dashboard/render';
import { TerminalPainter } from '../../../src/app/dashboard/paint';
import { sampleState, simulatedEvents } from './sample-state';
import { virtualTerminal } from './virtual-terminal';

async function capture(width: number, height: number): Promise<string> {
  const vt = virtualTerminal(width, height);
  try {
    const painter = new TerminalPainter(vt.term);
    painter.paint(renderDashboard(sampleState(simulatedEvents(650)), painter.size));
    await vt.settle();
    return vt
      .lines()
      .map((l) => l.trimEnd())
      .join('\n');
  } finally {
    vt.dispose();
  }
}

void capture(Number(process.argv[2] ?? 100), Number(process.argv[3] ?? 31)).then((text) => {
  process.stdout.write(`${text}\n`);
  process.exit(0);
});
