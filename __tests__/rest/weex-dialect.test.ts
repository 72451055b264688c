/**
 * How WEEX V3 REST answers are read: lossless ids, error bodies, quota, HTML pages, bad shapes.
 * Each answer gets the verdict (and retry kind) the transport acts on.
 */
import { readWeex, parseLossless } from '../../src/brokers/weex/rest';
import { FillsAnswer } from '../../src/brokers/weex/rest/wire';
import { RestReply } from '../../src/core/rest';

function reply(status: number, text: string, headers: Record<string, string> = {}): RestReply {
  let json: unknown;
  try {
    json = parseLossless(text);
  } catch {
    json = undefined;
  }
  return { status, text, json, header: (name) => headers[name.toLowerCase()] };
}

const fill =
  '{"id":737191855967437160,"orderId":737191855946465640,"symbol":"DOGEUSDT","buyer":true,"price":"0.09321","qty":"100","quoteQty":"9.32100","side":"BUY","time":"1775760234825"}';

describe('WEEX REST dialect', () => {
  it('keeps ids above 2^53 exact (numbers on the wire), and leaves decimals, times and strings alone', () => {
    const v = parseLossless(`[${fill}, {"p":0.12345678901234567,"s":"a 7371918559674371601234","t":1775760234825}]`) as Record<
      string,
      unknown
    >[];
    expect(v[0].id).toBe('737191855967437160');
    expect(v[0].orderId).toBe('737191855946465640');
    expect(v[1]).toEqual({ p: Number('0.12345678901234567'), s: 'a 7371918559674371601234', t: 1775760234825 });
  });

  it('reads a fill list with number ids into string ids', () => {
    const v = readWeex('GET /capi/v3/userTrades', reply(200, `[${fill}]`), FillsAnswer);
    expect(v.ok).toBe(true);
    if (v.ok)
      expect(v.value[0]).toMatchObject({ id: '737191855967437160', orderId: '737191855946465640', price: '0.09321', time: 1775760234825 });
  });

  it.each([
    [
      'HTTP 429 with Retry-After: quota, held that long',
      429,
      '{"code":-1003,"msg":"Too many requests"}',
      { 'retry-after': '2' },
      'quota',
      'limit',
    ],
    ['HTTP 400 invalid symbol: never retried', 400, '{"code":-1121,"msg":"Invalid symbol."}', {}, 'never', 'rejected'],
    ['HTTP 401 signature refused: a fatal auth error', 401, '{"code":-1047,"msg":"API verification failed"}', {}, 'never', 'auth'],
    ['timestamp expired: retried (signed afresh)', 400, '{"code":-1046,"msg":"Request timestamp expired"}', {}, 'later', 'connection'],
    ['HTTP 500 system error: retried', 500, '{"code":-1054,"msg":"System error"}', {}, 'later', 'connection'],
    ['an HTML page from a gateway: retried', 502, '<html><body>502 Bad Gateway</body></html>', {}, 'later', 'connection'],
    ['a cut body: retried', 200, '[{"id":"1","orderId":"2","sym', {}, 'later', 'decode'],
    ['a body of the wrong shape: retried, said where', 200, '[{"id":"1"}]', {}, 'later', 'decode'],
  ])('%s', (_what, status, text, headers, retry, kind) => {
    const v = readWeex('GET /capi/v3/userTrades', reply(status, text, headers), FillsAnswer);
    expect(v.ok).toBe(false);
    if (v.ok) return;
    expect(v.retry).toBe(retry);
    expect(v.error.kind).toBe(kind);
    expect(v.error.message).toMatch(/^weex REST GET \/capi\/v3\/userTrades: /);
    if (retry === 'quota') expect(v.retryAfterMs).toBe(2_000);
    if (kind === 'auth') expect(v.error.fatal).toBe(true);
  });
});
