import { runCli } from '../replay/support/cli';

describe('rx-market demo with stdout not a terminal', () => {
  it('--duration 5 exits 0 after summary lines that show data flowing from the embedded simulator', async () => {
    const demo = runCli(['demo', '--duration', '5']);
    expect(await demo.exited).toBe(0);
    const lines = demo.stdout().trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const line of lines) expect(line).toMatch(/^\[\d\d:\d\d:\d\d\] kiwoom simulator · feed \w+/);
    const last = lines[lines.length - 1];
    const count = (name: string) => Number(new RegExp(`${name} (\\d+)`).exec(last)?.[1]);
    expect(last).toContain('feed open');
    expect(count('frames')).toBeGreaterThan(20);
    expect(count('trades')).toBeGreaterThan(5);
    expect(count('books')).toBeGreaterThan(5);
    expect(count('errors')).toBe(0);
    expect(last).toMatch(/005930 last [\d,]+ bid [\d,]+ ask [\d,]+ vwap [\d,.]+$/);
    // Later lines never count less than earlier ones.
    const frames = lines.map((l) => Number(/frames (\d+)/.exec(l)?.[1]));
    expect([...frames].sort((a, b) => a - b)).toEqual(frames);
  }, 20_000);

  it('rejects an unknown broker with exit code 2', async () => {
    const demo = runCli(['demo', '--broker', 'nope', '--duration', '1']);
    expect(await demo.exited).toBe(2);
    expect(demo.stderr()).toMatch(/unknown broker "nope"; known: kiwoom/);
  });
});
