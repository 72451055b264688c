import { Subscription } from 'rxjs';
import { kiwoomModule } from '../../src/app/brokers/kiwoom';
import { Trade } from '../../src/model/market';
import { exportedEnv, runCli } from '../replay/support/cli';

describe('rx-market sim', () => {
  it('prints the environment for a client, serves a simulated market on it, and stops at --duration', async () => {
    const sim = runCli(['sim', '--broker', 'kiwoom', '--symbols', '005930', '000660', '--seed', '5', '--rate', '20', '--duration', '4']);
    const env = exportedEnv((await sim.waitFor(/KIWOOM_WS_URL=\S+\n/)).input!);
    expect(Object.keys(env).sort()).toEqual(['KIWOOM_APPKEY', 'KIWOOM_REST_URL', 'KIWOOM_SECRETKEY', 'KIWOOM_WS_URL']);
    expect(env.KIWOOM_WS_URL).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\//);

    const feed = kiwoomModule.feedFromEnv(env, { connectionLingerMs: 0, keyLingerMs: 0 });
    const trades: Trade[] = [];
    const client = new Subscription();
    for (const s of ['005930', '000660']) client.add(feed.trades$(s).subscribe((t) => trades.push(t)));
    try {
      const started = Date.now();
      while (new Set(trades.map((t) => t.symbol)).size < 2 && Date.now() - started < 5_000) await new Promise((r) => setTimeout(r, 25));
      expect(new Set(trades.map((t) => t.symbol))).toEqual(new Set(['005930', '000660']));
    } finally {
      client.unsubscribe();
    }
    expect(await sim.exited).toBe(0);
    expect(sim.stderr()).toMatch(/kiwoom simulator, seed 5, symbols 005930 000660/);
    expect(sim.stderr()).toMatch(/\[sim\] \d+ s · published book \d+, status \d+, trade \d+/);
  }, 20_000);

  it('rejects an unknown broker', async () => {
    const sim = runCli(['sim', '--broker', 'nope', '--duration', '1']);
    expect(await sim.exited).toBe(2);
    expect(sim.stderr()).toMatch(/unknown broker "nope"/);
  });

  it('rejects a session start that is not a time of day', async () => {
    const sim = runCli(['sim', '--broker', 'kiwoom', '--session', '25:00', '--duration', '1']);
    expect(await sim.exited).toBe(2);
    expect(sim.stderr()).toMatch(/rx-market sim: session time must be HH:MM or HH:MM:SS \(KST\), got "25:00"/);
  });
});
