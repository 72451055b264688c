import { createV3Codec, MAX_STREAMS_PER_REQUEST } from '../../src/brokers/weex/codec';
import { FrameEvent } from '../../src/core/protocol';
import { frames } from './frames';

const only = <T>(events: readonly T[]): T => {
  expect(events).toHaveLength(1);
  return events[0];
};

describe('WEEX V3 codec', () => {
  it('batches keys into SUBSCRIBE frames with fresh ids', () => {
    const codec = createV3Codec();
    const out = codec.subscribe(['BTCUSDT@depth15', 'BTCUSDT@trade']);
    expect(out.map((f) => JSON.parse(f))).toEqual([{ id: '1', method: 'SUBSCRIBE', params: ['BTCUSDT@depth15', 'BTCUSDT@trade'] }]);
    const many = Array.from({ length: MAX_STREAMS_PER_REQUEST + 1 }, (_, i) => `S${i}USDT@trade`);
    const split = codec.subscribe(many).map((f) => JSON.parse(f));
    expect(split.map((f) => f.id)).toEqual(['2', '3']);
    expect(split.map((f) => f.params.length)).toEqual([MAX_STREAMS_PER_REQUEST, 1]);
    expect(JSON.parse(codec.release(['BTCUSDT@trade'])[0])).toEqual({ id: '4', method: 'UNSUBSCRIBE', params: ['BTCUSDT@trade'] });
  });

  it('routes an ack to the keys its request carried', () => {
    const codec = createV3Codec();
    codec.subscribe(['BTCUSDT@depth15', 'BTCUSDT@trade']);
    codec.subscribe(['ETHUSDT@trade']);
    expect(codec.decode('{"id":"2","result":true}')).toEqual([{ type: 'subscribed', keys: ['ETHUSDT@trade'] }]);
    expect(codec.decode(frames.ack)).toEqual([{ type: 'subscribed', keys: ['BTCUSDT@depth15', 'BTCUSDT@trade'] }]);
    // An id answered twice, or never sent, means nothing.
    expect(codec.decode(frames.ack)).toEqual([]);
    codec.release(['ETHUSDT@trade']);
    expect(codec.decode('{"id":"3","result":true}')).toEqual([{ type: 'released', keys: ['ETHUSDT@trade'] }]);
  });

  it('rejects exactly the refused keys, and asks again for the others of the batch', () => {
    const codec = createV3Codec();
    codec.subscribe(['BTCUSDT@trade']);
    codec.subscribe(['XYZ@trade', 'ETHUSDT@trade']);
    const events = codec.decode(frames.refusal);
    expect(events[0]).toMatchObject({ type: 'rejected', keys: ['XYZ@trade'] });
    const rejected = events[0] as Extract<FrameEvent<unknown>, { type: 'rejected' }>;
    expect(rejected.error.kind).toBe('rejected');
    expect(rejected.error.message).toContain('invalid symbol : XYZ');
    // The codec sends nothing itself: the key table asks for the others again (paced).
    expect(events.slice(1)).toEqual([{ type: 'resubscribe', keys: ['ETHUSDT@trade'] }]);
    // BTCUSDT's request is still pending and still acknowledged.
    expect(codec.decode(frames.ack)).toEqual([{ type: 'subscribed', keys: ['BTCUSDT@trade'] }]);
  });

  it('rejects the whole batch when the refusal names none of its symbols; numeric ids work', () => {
    const codec = createV3Codec();
    codec.subscribe(['AAAUSDT@trade']);
    codec.subscribe(['BBBUSDT@trade', 'CCCUSDT@trade']);
    const [event] = codec.decode(frames.refusalNumericId);
    expect(event).toMatchObject({ type: 'rejected', keys: ['BBBUSDT@trade', 'CCCUSDT@trade'] });
  });

  it('answers both ping spellings with a PONG carrying a new id', () => {
    const codec = createV3Codec();
    codec.subscribe(['BTCUSDT@trade']); // uses id 1
    expect(codec.decode(frames.publicPing)).toEqual([{ type: 'reply', frame: '{"id":"2","method":"PONG"}' }]);
    expect(codec.decode(frames.privatePing)).toEqual([{ type: 'reply', frame: '{"id":"3","method":"PONG"}' }]);
  });

  it('takes PONG replies and connected events silently', () => {
    const codec = createV3Codec();
    expect(codec.decode(frames.pongReply)).toEqual([]);
    expect(codec.decode(frames.connected)).toEqual([]);
    expect(codec.decode('{"event":"connected"}')).toEqual([]);
  });

  it.each([
    ['depthSnapshot', 'BTCUSDT@depth15'],
    ['depth', 'BTCUSDT@depth15'],
    ['trade', 'BTCUSDT@trade'],
    ['tradeSnapshot', 'BTCUSDT@trade'],
    ['ticker', 'BTCUSDT@ticker'],
    ['kline', 'BTCUSDT@kline_1m_LAST_PRICE'],
    ['bookTicker', 'BTCUSDT@bookTicker'],
    ['positions', 'positions'],
    ['orders', 'orders'],
    ['fill', 'fill'],
    ['accountSpot', 'account'],
  ])('routes a %s push to %s', (name, key) => {
    const event = only(createV3Codec().decode(frames[name]));
    expect(event).toMatchObject({ type: 'data', key });
  });

  it('routes a kline push with an interval nobody can ask for to its own key, without throwing', () => {
    const frame = frames.kline.replace('"i":"1m"', '"i":"1min"');
    expect(frame).not.toBe(frames.kline);
    expect(only(createV3Codec().decode(frame))).toMatchObject({ type: 'data', key: 'BTCUSDT@kline_1min_LAST_PRICE' });
  });

  it('keeps decimal strings exact in the decoded push', () => {
    const event = only(createV3Codec().decode(frames.depth));
    expect(event.type === 'data' && event.message).toMatchObject({ U: 14104794689, u: 14104794703, a: [['65000.6', '2.0']] });
  });

  it('routes a depth push without `l` to the one depth stream of its symbol', () => {
    const codec = createV3Codec();
    codec.subscribe(['BTCUSDT@depth200']);
    const frame = JSON.stringify({ ...JSON.parse(frames.depth), l: undefined });
    expect(only(codec.decode(frame))).toMatchObject({ type: 'data', key: 'BTCUSDT@depth200' });
  });

  it.each([
    ['not JSON', 'not json{', 'not JSON'],
    ['a JSON array', '[1,2]', 'not a JSON object'],
    ['a bad decimal', frames.trade.replace('"65000.3"', '"65,000.3"'), 'malformed trade push'],
    ['a missing field', frames.depth.replace('"U":14104794689,', ''), 'malformed depth push'],
    ['an unknown push', '{"e":"mystery","E":1}', 'unknown push'],
    ['an unknown frame', '{"hello":1}', 'unrecognized frame'],
  ])('reports %s as a decode error with the raw frame', (_name, frame, message) => {
    const event = only(createV3Codec().decode(frame));
    expect(event.type).toBe('report');
    if (event.type !== 'report') return;
    expect(event.error.kind).toBe('decode');
    expect(event.error.message).toContain(message);
    expect(event.error.raw).toBe(frame);
  });

  it('says where a push is malformed', () => {
    const event = only(createV3Codec().decode(frames.trade.replace('"65000.3"', '"abc"')));
    expect(event.type === 'report' && event.error.message).toMatch(/d\.0\.p: expected a price above 0, got "abc"/);
  });

  it('turns a 400xx error notice into a failed connection; signature failures are fatal', () => {
    const codec = createV3Codec();
    const sig = only(codec.decode('{"event":"error","code":40009,"msg":"API verification failed"}'));
    expect(sig.type === 'failed' && [sig.error.kind, sig.error.fatal, sig.error.code]).toEqual(['auth', true, '40009']);
    const expired = only(codec.decode('{"event":"error","code":"40008","msg":"timestamp expired"}'));
    expect(expired.type === 'failed' && expired.error.fatal).toBe(false);
    const other = only(codec.decode('{"event":"error","code":50001,"msg":"busy"}'));
    expect(other.type === 'report' && other.error.kind).toBe('notice');
  });
});
