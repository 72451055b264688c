import { findBroker } from '../../src/app/brokers';

/** What a replay sends on: data frames only, never the recorded session's acks and heartbeats. */
describe('BrokerModule.isDataFrame', () => {
  const cases: Record<string, { data: string[]; control: string[] }> = {
    kiwoom: {
      data: ['{"trnm":"REAL","data":[{"type":"0B","item":"005930","values":{"10":"+60700"}}]}', '{"data":[],"trnm":"REAL"}'],
      control: [
        '{"trnm":"LOGIN","return_code":0,"return_msg":"","sor_yn":"Y"}',
        '{"trnm":"PING"}',
        '{"trnm":"REG","return_code":0,"return_msg":""}',
        '{"trnm":"SYSTEM","code":"R10002","message":"..."}',
        'not json',
      ],
    },
    kis: {
      data: ['0|H0STCNT0|001|005930^093354^71900', '1|H0STCNI0|001|V8F/1anMlw1SiDvJa80N'],
      control: ['{"header":{"tr_id":"PINGPONG","datetime":"20260914093000"}}', '{"header":{"tr_id":"H0STCNT0"},"body":{"rt_cd":"0"}}'],
    },
    weex: {
      data: ['{"e":"depth","E":1,"s":"BTCUSDT","U":1,"u":2,"b":[],"a":[]}', '{"e":"orders","E":1,"v":3,"d":[]}'],
      control: ['{"id":"1","result":true}', '{"event":"ping","time":"1"}', '{"id":"7","method":"PONG"}', '{"e":"connected"}', '[]'],
    },
  };

  for (const [name, { data, control }] of Object.entries(cases)) {
    it(`${name}: sends pushes, holds back acks and heartbeats`, () => {
      const module = findBroker(name)!;
      expect(data.map((f) => module.isDataFrame(f))).toEqual(data.map(() => true));
      expect(control.map((f) => module.isDataFrame(f))).toEqual(control.map(() => false));
    });
  }
});
