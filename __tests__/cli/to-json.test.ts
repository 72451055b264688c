/** The NDJSON line of an event: every member but `raw` (unless asked), in the event's order. */
import { toJson } from '../../src/app/cli/commands/stream';
import { StreamLine } from '../../src/app/broker-module';

const trade = (): StreamLine & { raw: unknown } => ({
  kind: 'trade',
  broker: 'kiwoom',
  symbol: '005930',
  price: 20800,
  size: 1,
  side: 'buy',
  time: '2026-11-20T09:00:00+09:00',
  timestamp: 1_763_596_800_000,
  raw: { type: '0B', fields: { lastPrice: 20800 } },
});

describe('toJson', () => {
  it('leaves raw out, keeps the order of the other members, and gives the event back untouched', () => {
    const event = trade();
    const { raw: _raw, ...rest } = event;
    expect(toJson(event, false)).toBe(JSON.stringify(rest));
    expect(Object.keys(event)).toEqual([...Object.keys(rest), 'raw']);
    expect(event.raw).toEqual({ type: '0B', fields: { lastPrice: 20800 } });
  });

  it('keeps raw when asked', () => {
    const event = trade();
    expect(JSON.parse(toJson(event, true))).toEqual(event);
  });

  it('writes a frozen event and one without raw the same way', () => {
    const frozen = Object.freeze(trade());
    const { raw: _raw, ...rest } = frozen;
    expect(toJson(frozen, false)).toBe(JSON.stringify(rest));
    expect(toJson(rest as StreamLine, false)).toBe(JSON.stringify(rest));
  });

  it('restores raw even when the event cannot be written as JSON', () => {
    const event = { ...trade(), price: BigInt(1) } as unknown as StreamLine & { raw: unknown };
    const raw = event.raw;
    expect(() => toJson(event, false)).toThrow(TypeError);
    expect(event.raw).toBe(raw);
  });
});
