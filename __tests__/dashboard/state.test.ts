import { DashboardAction, initialState, reduce, TAPE_LENGTH } from '../../src/app/dashboard/state';
import { KeyState } from '../../src/core/status';
import { Trade } from '../../src/model/market';

const start = () => initialState({ broker: 'kiwoom', source: 'test', symbols: ['A', 'B', 'C'], now: 0 });
const run = (...actions: DashboardAction[]) => actions.reduce(reduce, start());
const keys = (state: KeyState['state']): DashboardAction => ({
  type: 'keys',
  keys: [
    { key: '0B|A', state, subscribers: 1 },
    { key: '0D|A', state, subscribers: 1 },
  ],
});
const trade = (i: number): Trade => ({
  kind: 'trade',
  broker: 'kiwoom',
  symbol: 'A',
  price: 100 + i,
  size: 1,
  side: 'buy',
  time: '',
  timestamp: i,
  raw: {},
});

describe('dashboard state', () => {
  it('counts a reconnect once per reconnecting spell', () => {
    const s = run(
      { type: 'status', status: { state: 'open', connections: 1, keys: 2 } },
      { type: 'status', status: { state: 'reconnecting', attempt: 1, delayMs: 100, reason: 'closed' } },
      { type: 'status', status: { state: 'connecting', attempt: 1 } },
      { type: 'status', status: { state: 'reconnecting', attempt: 2, delayMs: 200, reason: 'refused' } },
      { type: 'status', status: { state: 'reconnecting', attempt: 2, delayMs: 200, reason: 'refused' } },
      { type: 'status', status: { state: 'open', connections: 2, keys: 2 } },
    );
    expect(s.connection.reconnects).toBe(2);
    expect(s.connection.status).toEqual({ state: 'open', connections: 2, keys: 2 });
  });

  it('counts keys registered again after having been active as resubscriptions', () => {
    const s = run(keys('requested'), keys('active'), keys('requested'), keys('active'), keys('active'));
    expect(s.connection.resubscriptions).toBe(2);
    // A key that is released and asked for anew is a new subscription, not a re-registration.
    const t = [keys('requested'), keys('active'), { type: 'keys', keys: [] } as DashboardAction, keys('requested')].reduce(reduce, start());
    expect(t.connection.resubscriptions).toBe(0);
  });

  it('computes per-second rates between ticks', () => {
    const frames = Array.from({ length: 30 }, (): DashboardAction => ({ type: 'frame' }));
    const s = run({ type: 'tick', now: 1_000 }, ...frames, { type: 'tick', now: 3_000 });
    expect(s.rates.frames).toBe(15);
    expect(s.counts.frames).toBe(30);
    const t = reduce(s, { type: 'tick', now: 4_000 });
    expect(t.rates.frames).toBe(0);
  });

  it('keeps the newest trades first, up to the tape length', () => {
    const actions = Array.from({ length: TAPE_LENGTH + 5 }, (_, i): DashboardAction => ({ type: 'event', event: trade(i) }));
    const s = run(...actions);
    expect(s.tape).toHaveLength(TAPE_LENGTH);
    expect(s.tape[0].price).toBe(100 + TAPE_LENGTH + 4);
    expect(s.lastTrade.A.price).toBe(100 + TAPE_LENGTH + 4);
    expect(s.counts.trades).toBe(TAPE_LENGTH + 5);
  });

  it('switches symbols round the list both ways', () => {
    expect(run({ type: 'select', by: 1 }).selected).toBe(1);
    expect(run({ type: 'select', by: -1 }).selected).toBe(2);
    expect(run({ type: 'select', by: 4 }).selected).toBe(1);
  });

  it('remembers the last error and counts errors', () => {
    const s = run({ type: 'error', message: 'decode: bad frame' }, { type: 'error', message: 'rejected: 0B|X' });
    expect(s.lastError).toBe('rejected: 0B|X');
    expect(s.counts.errors).toBe(2);
  });
});
