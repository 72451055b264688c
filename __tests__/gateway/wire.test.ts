/**
 * The data wire of the gateway (v2: a batch of events per message) without a server: the quick
 * checks of the hot path accept only what the io-ts codecs accept, a batch keeps its good events
 * and reports its bad ones, v1 messages are still read, and the batcher groups one turn's events.
 */
import fc from 'fast-check';
import { FeedError } from '../../src/core/errors';
import { batcher } from '../../src/app/gateway/batcher';
import { leaseTable } from '../../src/app/gateway/leases';
import { DataMessage, EventKind, WIRE_VERSION, decodeData, encode, encodeData, eventCodec, quickIsEvent } from '../../src/nats/wire';
import { book, trade } from './support/helpers';

const te = new TextEncoder();
const quote = (symbol: string) => ({
  kind: 'quote',
  broker: 'kiwoom',
  symbol,
  bidPrice: 1,
  askPrice: 2,
  time: '2026-11-20T09:30:00+09:00',
  timestamp: 1,
  raw: null,
});
const samples: Record<'trade' | 'book' | 'quote', Record<string, unknown>> = {
  trade: trade('005930', 70_000, 5) as unknown as Record<string, unknown>,
  book: book('005930', 100, 101) as unknown as Record<string, unknown>,
  quote: quote('005930'),
};

/** A valid event of `kind` with some fields replaced by random JSON values or removed. */
const mutated = (kind: keyof typeof samples): fc.Arbitrary<unknown> =>
  fc
    .array(
      fc.tuple(
        fc.constantFrom(...Object.keys(samples[kind]), 'price', 'asks', 'bids', 'kind'),
        fc.option(
          fc.oneof(
            fc.jsonValue(),
            fc.constantFrom('trade', 'book', 'quote', 1, NaN, Infinity, [], [{ price: 1, size: 1 }], [{ price: '1', size: 1 }]),
          ),
          { nil: undefined },
        ),
      ),
      { maxLength: 4 },
    )
    .map((edits) => {
      const e: Record<string, unknown> = { ...samples[kind] };
      for (const [k, v] of edits) {
        if (v === undefined) delete e[k];
        else e[k] = v;
      }
      return e;
    });

describe('quick checks of market events', () => {
  for (const kind of ['trade', 'book', 'quote'] as const) {
    it(`${kind}: accept a valid event, and accept nothing the codec refuses`, () => {
      expect(quickIsEvent(kind, samples[kind])).toBe(true);
      fc.assert(
        fc.property(fc.oneof(mutated(kind), fc.jsonValue()), (e) => {
          if (quickIsEvent(kind, e)) expect(eventCodec(kind).is(e)).toBe(true);
        }),
        { seed: 20261203, numRuns: 2_000 },
      );
    });
  }
  it('leave account kinds to the codec', () => {
    expect(quickIsEvent('order' as EventKind, { kind: 'order' })).toBe(false);
  });
});

describe('decodeData', () => {
  const subject = 'rxm.kiwoom.trade.005930';
  const ok = (r: DataMessage | FeedError): DataMessage => {
    if (r instanceof FeedError) throw r;
    return r;
  };

  it('reads a v2 batch back as it was written, in order, with its envelope', () => {
    const events = [trade('005930', 1, 1), trade('005930', 2, 2), trade('005930', 3, 3)];
    const r = ok(
      decodeData(
        'trade',
        encodeData(
          7,
          123.5,
          'gw1',
          events.map((e) => JSON.stringify(e)),
        ),
        'kiwoom',
        subject,
      ),
    );
    expect(r.envelope).toEqual({ s: 7, t: 123.5, g: 'gw1' });
    expect(r.events).toEqual(events);
    expect(r.errors).toEqual([]);
    expect(JSON.parse(new TextDecoder().decode(encodeData(1, 2, 'g', ['{}'])))).toEqual({ v: WIRE_VERSION, s: 1, t: 2, g: 'g', e: [{}] });
  });

  it('keeps the good events of a batch and reports each bad one as a decode error naming the subject', () => {
    const good = trade('005930', 1, 1);
    const data = encodeData(1, 1, 'gw1', [JSON.stringify(good), JSON.stringify({ kind: 'trade', symbol: '005930' }), '42']);
    const r = ok(decodeData('trade', data, 'kiwoom', subject));
    expect(r.events).toEqual([good]);
    expect(r.errors.map((e) => [e.kind, e.message])).toEqual([
      ['decode', `nats: malformed message on ${subject} (event 2 of 3 is not a trade event)`],
      ['decode', `nats: malformed message on ${subject} (event 3 of 3 is not a trade event)`],
    ]);
  });

  it('checks each event against the kind of its subject: a trade on a book subject is an error', () => {
    const r = ok(decodeData('book', encodeData(1, 1, 'gw1', [JSON.stringify(trade('005930', 1, 1))]), 'kiwoom', 'rxm.kiwoom.book.005930'));
    expect(r.events).toEqual([]);
    expect(r.errors).toHaveLength(1);
  });

  it('still reads a v1 message (one event, no version)', () => {
    const e = trade('005930', 1, 1);
    const r = ok(decodeData('trade', encode({ s: 3, t: 4, g: 'old', e }), 'kiwoom', subject));
    expect(r.envelope).toEqual({ s: 3, t: 4, g: 'old' });
    expect(r.events).toEqual([e]);
  });

  it('refuses what is not a data message: not JSON, a bad envelope, an unknown version', () => {
    const cases = [
      te.encode('not json'),
      te.encode('{"s":1'),
      encode({ s: 'x', t: 1, g: 'g', e: [] }),
      encode({ v: 3, s: 1, t: 1, g: 'g', e: [] }),
      encode({ v: 2, s: 1, t: 1, g: 'g', e: {} }),
    ];
    const messages = cases.map((c) => decodeData('trade', c, 'kiwoom', subject));
    for (const m of messages) {
      expect(m).toBeInstanceOf(FeedError);
      expect((m as FeedError).kind).toBe('decode');
    }
    expect((messages[0] as FeedError).message).toMatch(/not JSON/);
    expect((messages[3] as FeedError).message).toMatch(/malformed message on rxm\.kiwoom\.trade\.005930/);
  });
});

describe('batcher', () => {
  const turn = (): Promise<void> => new Promise((r) => setImmediate(r));

  it("sends one message per subject with the events of one turn, in order; the next turn's in the next", async () => {
    const sent: [string, readonly string[]][] = [];
    const b = batcher((subject, events) => sent.push([subject, [...events]]));
    b.add('A', 'a1');
    b.add('B', 'b1');
    b.add('A', 'a2');
    expect(sent).toEqual([]);
    await turn();
    expect(sent).toEqual([
      ['A', ['a1', 'a2']],
      ['B', ['b1']],
    ]);
    b.add('A', 'a3');
    await turn();
    expect(sent.at(-1)).toEqual(['A', ['a3']]);
    b.close();
  });

  it('sends a batch at once when it is full (events or characters)', () => {
    const sent: [string, readonly string[]][] = [];
    const b = batcher((subject, events) => sent.push([subject, [...events]]), { maxEvents: 2, maxChars: 10 });
    b.add('A', 'a1');
    b.add('A', 'a2');
    expect(sent).toEqual([['A', ['a1', 'a2']]]);
    b.add('B', '0123456789');
    expect(sent.at(-1)).toEqual(['B', ['0123456789']]);
    b.add('A', 'a3');
    b.flush();
    expect(sent.at(-1)).toEqual(['A', ['a3']]);
    b.close();
  });
});

it('the lease table says whether some live lease wants raw records', () => {
  const leases = leaseTable();
  leases.renew('c1', ['trade.A'], 1_000, 0);
  expect(leases.wantsRaw()).toBe(false);
  leases.renew('c2', ['trade.A'], 1_000, 0, true);
  expect(leases.wantsRaw()).toBe(true);
  leases.expire(2_000);
  expect(leases.wantsRaw()).toBe(false);
});
