/** The Kiwoom codec on its own: login, PING echo, REG batching, ack correlation, SYSTEM, conditions. */
import { isTokenError } from '../../src/brokers/kiwoom/codec';
import { dataOf, makeCodec, sessionFrame } from './support';

const parse = (frames: readonly string[]): Record<string, unknown>[] => frames.map((f) => JSON.parse(f) as Record<string, unknown>);

describe('kiwoom codec: login and heartbeat', () => {
  it('logs in with the token alone', () => {
    expect(JSON.parse(makeCodec({ token: 'tok-123456' }).login())).toEqual({ trnm: 'LOGIN', token: 'tok-123456' });
  });

  it('a LOGIN ack with return_code 0 (number or string) logs in', () => {
    expect(makeCodec().decode(sessionFrame('loginOk'))).toEqual([{ type: 'loggedIn' }]);
    expect(makeCodec().decode('{"trnm":"LOGIN","return_code":"0","return_msg":""}')).toEqual([{ type: 'loggedIn' }]);
  });

  it('echoes PING verbatim, JSON or bare text, extra fields included', () => {
    const codec = makeCodec();
    expect(codec.decode('{"trnm":"PING"}')).toEqual([{ type: 'reply', frame: '{"trnm":"PING"}' }]);
    expect(codec.decode('{"trnm":"PING","seq":7}')).toEqual([{ type: 'reply', frame: '{"trnm":"PING","seq":7}' }]);
    expect(codec.decode('PING')).toEqual([{ type: 'reply', frame: 'PING' }]);
  });

  it('a token error on a cached token invalidates it and fails the connection for a retry', () => {
    let invalidated = 0;
    const events = makeCodec({ freshToken: false, onTokenRejected: () => invalidated++ }).decode(sessionFrame('loginInvalidToken'));
    expect(invalidated).toBe(1);
    expect(events).toHaveLength(1);
    const e = events[0];
    if (e.type !== 'failed') throw new Error('expected failed');
    expect(e.error).toMatchObject({ kind: 'auth', fatal: false, code: '805004' });
  });

  it('a token error on a freshly issued token is fatal', () => {
    let invalidated = 0;
    const [e] = makeCodec({ freshToken: true, onTokenRejected: () => invalidated++ }).decode(sessionFrame('loginInvalidToken'));
    if (e.type !== 'failed') throw new Error('expected failed');
    expect(e.error).toMatchObject({ kind: 'auth', fatal: true });
    expect(e.error.message).toMatch(/newly issued access token/);
    expect(invalidated).toBe(0);
  });

  it('any other login refusal is fatal', () => {
    const [e] = makeCodec().decode('{"trnm":"LOGIN","return_code":1,"return_msg":"접속 불가"}');
    if (e.type !== 'failed') throw new Error('expected failed');
    expect(e.error).toMatchObject({ kind: 'auth', fatal: true, code: '1' });
  });

  it.each([
    ['8005', '', true],
    ['8031', '', true],
    ['8103', '', true],
    ['805004', 'x [CODE=8005, MESSAGE=Token이 유효하지 않습니다]', true],
    ['3', 'CODE=8031', true],
    ['80051', 'CODE=80051', false],
    ['1', 'error', false],
  ])('isTokenError(%s, %s) = %s', (code, msg, expected) => {
    expect(isTokenError(code, msg)).toBe(expected);
  });
});

describe('kiwoom codec: SYSTEM notices', () => {
  it('R10001 (duplicate login) is fatal', () => {
    const [e] = makeCodec().decode(sessionFrame('systemDuplicateLogin'));
    if (e.type !== 'failed') throw new Error('expected failed');
    expect(e.error).toMatchObject({ fatal: true, code: 'R10001' });
    expect(e.error.message).toMatch(/same app key/);
  });

  it.each(['systemHeartbeat', 'systemNoToken'])('%s fails the connection for a reconnect', (name) => {
    const [e] = makeCodec().decode(sessionFrame(name));
    if (e.type !== 'failed') throw new Error('expected failed');
    expect(e.error.fatal).toBe(false);
  });

  it('reads return_code/return_msg variants and reports other codes as notices', () => {
    const [a] = makeCodec().decode('{"trnm":"SYSTEM","return_code":"R10002","return_msg":"heartbeat"}');
    expect(a).toMatchObject({ type: 'failed', error: { code: 'R10002' } });
    const [b] = makeCodec().decode('{"trnm":"SYSTEM","code":"N00001","message":"점검 안내"}');
    expect(b).toMatchObject({ type: 'report', error: { kind: 'notice', code: 'N00001' } });
    expect(b.type === 'report' && b.error.message).toMatch(/점검 안내/);
  });
});

describe('kiwoom codec: REG batching', () => {
  it('registers every key of a batch in one REG, items grouped by their type set, refresh 1', () => {
    const codec = makeCodec();
    const frames = parse(codec.subscribe(['0B|005930', '0D|005930', '0B|000660', '0D|000660', '0B|035720']));
    expect(frames).toEqual([
      {
        trnm: 'REG',
        grp_no: '2',
        refresh: '1',
        data: [
          { item: ['005930', '000660'], type: ['0B', '0D'] },
          { item: ['035720'], type: ['0B'] },
        ],
      },
    ]);
  });

  it('account types get group 1 of their own, registered with item ""; market-wide types item ""', () => {
    const frames = parse(makeCodec().subscribe(['00|', '04|', '0s|', '0B|005930']));
    expect(frames).toEqual([
      { trnm: 'REG', grp_no: '1', refresh: '1', data: [{ item: [''], type: ['00', '04'] }] },
      {
        trnm: 'REG',
        grp_no: '2',
        refresh: '1',
        data: [
          { item: [''], type: ['0s'] },
          { item: ['005930'], type: ['0B'] },
        ],
      },
    ]);
  });

  it('puts at most 100 items in a group and spills into the next ones', () => {
    const codec = makeCodec();
    const keys = Array.from({ length: 250 }, (_, i) => `0B|${String(i).padStart(6, '0')}`);
    const frames = parse(codec.subscribe(keys));
    expect(frames.map((f) => f.grp_no)).toEqual(['2', '3', '4']);
    const counts = frames.map((f) => (f.data as { item: string[] }[]).reduce((n, e) => n + e.item.length, 0));
    expect(counts).toEqual([100, 100, 50]);
    // A second type for a known item stays in that item's group.
    expect(parse(codec.subscribe(['0D|000150']))).toEqual([
      { trnm: 'REG', grp_no: '3', refresh: '1', data: [{ item: ['000150'], type: ['0D'] }] },
    ]);
  });

  it('a group with room left after a release takes new items', () => {
    const codec = makeCodec({ maxItemsPerGroup: 2 });
    parse(codec.subscribe(['0B|000001', '0B|000002', '0B|000003']));
    const removes = parse(codec.release(['0B|000001']));
    expect(removes).toEqual([{ trnm: 'REMOVE', grp_no: '2', data: [{ item: ['000001'], type: ['0B'] }] }]);
    expect(parse(codec.subscribe(['0B|000004']))[0].grp_no).toBe('2');
  });

  it('does not register the same key twice on one connection', () => {
    const codec = makeCodec();
    codec.subscribe(['0B|005930']);
    expect(codec.subscribe(['0B|005930'])).toEqual([]);
  });
});

describe('kiwoom codec: acks by trnm, first in first out', () => {
  it('confirms each REG batch on its own ack, whatever frames come between', () => {
    const codec = makeCodec();
    codec.subscribe(['00|']);
    codec.subscribe(['0B|005930', '0B|000660']);
    const events = [
      ...codec.decode(sessionFrame('ping')),
      ...codec.decode(sessionFrame('regOk')),
      ...codec.decode(sessionFrame('systemDuplicateLogin').replace('R10001', 'N1')),
      ...codec.decode(sessionFrame('regOk')),
    ];
    expect(events.filter((e) => e.type === 'subscribed')).toEqual([
      { type: 'subscribed', keys: ['00|'] },
      { type: 'subscribed', keys: ['0B|005930', '0B|000660'] },
    ]);
  });

  it('a refused REG rejects that batch only, and its items may be asked for again', () => {
    const codec = makeCodec();
    codec.subscribe(['0B|005930']);
    codec.subscribe(['0B|999999']);
    const ok = codec.decode(sessionFrame('regOk'));
    const refused = codec.decode(sessionFrame('regRefused'));
    expect(ok).toEqual([{ type: 'subscribed', keys: ['0B|005930'] }]);
    expect(refused).toHaveLength(1);
    const r = refused[0];
    if (r.type !== 'rejected') throw new Error('expected rejected');
    expect(r.keys).toEqual(['0B|999999']);
    expect(r.error).toMatchObject({ kind: 'rejected', code: '1' });
    expect(r.error.message).toMatch(/등록 종목수 초과/);
    expect(parse(codec.subscribe(['0B|999999']))).toHaveLength(1);
  });

  it('a refused batch of several keys is asked for again one key per REG, once', () => {
    const codec = makeCodec();
    codec.subscribe(['0B|005930', '0B|999999', '0D|005930']);
    const retry = codec.decode(sessionFrame('regRefused'));
    // The codec sends nothing itself: it asks the key table, which asks again (paced).
    expect(retry.map((e) => e.type)).toEqual(['report', 'resubscribe']);
    expect(retry[1]).toEqual({ type: 'resubscribe', keys: ['0B|005930', '0B|999999', '0D|005930'] });
    const frames = parse(codec.subscribe(['0B|005930', '0B|999999', '0D|005930']));
    expect(frames.map((f) => (f as { data: unknown }).data)).toEqual([
      [{ item: ['005930'], type: ['0B'] }],
      [{ item: ['999999'], type: ['0B'] }],
      [{ item: ['005930'], type: ['0D'] }],
    ]);
    expect(codec.decode(sessionFrame('regOk'))).toEqual([{ type: 'subscribed', keys: ['0B|005930'] }]);
    expect(codec.decode(sessionFrame('regRefused'))).toMatchObject([{ type: 'rejected', keys: ['0B|999999'] }]);
    expect(codec.decode(sessionFrame('regOk'))).toEqual([{ type: 'subscribed', keys: ['0D|005930'] }]);
  });

  it('100013 (request before the LOGIN ack) fails the connection so it is redone', () => {
    const codec = makeCodec();
    codec.subscribe(['0B|005930']);
    const [e] = codec.decode(sessionFrame('beforeLogin'));
    expect(e).toMatchObject({ type: 'failed', error: { code: '100013', fatal: false } });
  });

  it('REMOVE acks release their batch', () => {
    const codec = makeCodec();
    codec.subscribe(['0B|005930', '0D|005930']);
    codec.release(['0D|005930']);
    expect(codec.decode(sessionFrame('removeOk'))).toEqual([{ type: 'released', keys: ['0D|005930'] }]);
  });

  it('an ack nobody waits for is a notice, not a crash', () => {
    expect(makeCodec().decode(sessionFrame('regOk'))).toMatchObject([{ type: 'report', error: { kind: 'notice' } }]);
  });
});

describe('kiwoom codec: REAL routing', () => {
  it('routes each entry of a mixed batch to its own key; 00/04 to the account keys', () => {
    const codec = makeCodec();
    const frame = JSON.stringify({
      trnm: 'REAL',
      data: [
        { type: '0B', item: '005930', values: { '20': '090000', '10': '+100', '15': '+1' } },
        { type: '0B', item: '005930_NX', values: { '20': '090000', '10': '+100', '15': '+1' } },
        { type: '00', item: '005930', values: { '9203': '1', '913': '접수', '900': '1', '902': '1', '907': '2', '908': '090000' } },
        { type: '04', item: '000660', values: { '9001': '000660', '930': '1', '931': '100' } },
        { type: '0J', item: '001', values: { '20': '090000', '10': '+1.5' } },
        { type: '1h', item: '005930', values: { '9001': '005930' } },
        { type: '02', item: '005930', values: { '841': '4', '9001': 'A005930', '843': 'D' } },
      ],
    });
    const data = dataOf(codec.decode(frame));
    expect(data.map((d) => d.key)).toEqual(['0B|005930', '0B|005930_NX', '00|', '04|', '0J|001', '1h|', '02|4']);
    expect(data[6].message).toMatchObject({ symbol: '005930', fields: { symbol: '005930', action: 'leave' } });
  });
});

describe('kiwoom codec: condition search', () => {
  it('sends CNSRLST first, then the live search once the list is acknowledged', () => {
    const codec = makeCodec();
    expect(parse(codec.subscribe(['02|4']))).toEqual([{ trnm: 'CNSRLST' }]);
    const afterList = codec.decode(sessionFrame('conditionListOk'));
    // The key table asks for the waiting search again, now that the list is here.
    expect(afterList).toEqual([{ type: 'resubscribe', keys: ['02|4'] }]);
    expect(parse(codec.subscribe(['02|4']))).toEqual([{ trnm: 'CNSRREQ', seq: '4', search_type: '1', stex_tp: 'K' }]);
    const ack = codec.decode(sessionFrame('conditionLiveOk'));
    expect(ack).toEqual([
      { type: 'subscribed', keys: ['02|4'] },
      { type: 'data', key: '02|4', message: { kind: 'conditionSnapshot', seq: '4', symbols: ['005930'], rows: [{ jmcode: 'A005930' }] } },
    ]);
    // Listed already on this connection: the next live search goes out at once.
    expect(parse(codec.subscribe(['02|1']))).toEqual([{ trnm: 'CNSRREQ', seq: '1', search_type: '1', stex_tp: 'K' }]);
  });

  it('delivers the list to the list key', () => {
    const codec = makeCodec();
    expect(parse(codec.subscribe(['CNSRLST|']))).toEqual([{ trnm: 'CNSRLST' }]);
    const events = codec.decode(sessionFrame('conditionListOk'));
    expect(events).toEqual([
      { type: 'subscribed', keys: ['CNSRLST|'] },
      {
        type: 'data',
        key: 'CNSRLST|',
        message: {
          kind: 'conditionList',
          conditions: [
            { seq: '0', name: '조건1' },
            { seq: '1', name: '조건2' },
            { seq: '2', name: '조건3' },
          ],
        },
      },
    ]);
  });

  it('a null match list is an empty snapshot; a refused seq rejects only its key', () => {
    const codec = makeCodec();
    codec.subscribe(['02|1', '02|9']);
    expect(codec.decode(sessionFrame('conditionListOk'))).toEqual([{ type: 'resubscribe', keys: ['02|1', '02|9'] }]);
    codec.subscribe(['02|1', '02|9']); // as the key table does on that event
    expect(dataOf(codec.decode('{"trnm":"CNSRREQ","seq":"1","return_code":0,"data":null}'))[0].message).toMatchObject({ symbols: [] });
    const [r] = codec.decode('{"trnm":"CNSRREQ","seq":"9 ","return_code":900004,"return_msg":"존재하지 않는 일련번호입니다.(seq=9)"}');
    expect(r).toMatchObject({ type: 'rejected', keys: ['02|9'], error: { code: '900004' } });
  });

  it('releases a live condition with CNSRCLR', () => {
    const codec = makeCodec();
    codec.subscribe(['02|1']);
    codec.decode(sessionFrame('conditionListOk'));
    codec.decode('{"trnm":"CNSRREQ","seq":"1","return_code":0,"data":null}');
    expect(parse(codec.release(['02|1']))).toEqual([{ trnm: 'CNSRCLR', seq: '1' }]);
    expect(codec.decode(sessionFrame('conditionClearOk'))).toEqual([{ type: 'released', keys: ['02|1'] }]);
  });
});
