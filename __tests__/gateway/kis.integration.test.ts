/**
 * The gateway on KIS: `rx-market gateway --broker kis` holds the one session of the approval key
 * (the loopback KIS server refuses a second with OPSP8996), consumers share it, fills are durable,
 * a late joiner gets the current book first. The cases are in support/broker-cases.ts.
 */
import { KisServer } from '../../src/app/servers/kis/server';
import { trIdInfo } from '../../src/brokers/kis/wire/tr-ids';
import { book, fill, trade } from '../../src/testing';
import { BrokerRig, gatewayCases } from './support/broker-cases';
import { T0 } from './support/helpers';

/** Registered keys are `TR_ID|code`; the venue (UN, KRX, NXT) is the feed's choice. */
const isKey = (key: string, stream: 'trade' | 'book', symbol: string): boolean => {
  const [trId, code] = key.split('|');
  return code === symbol && trIdInfo(trId)?.kind === stream;
};

async function kisRig(): Promise<BrokerRig> {
  const server = await KisServer.start({ pingIntervalMs: 0 });
  return {
    env: server.env,
    publish: (event) => server.publish(event),
    sessions: () => server.counters.approvals,
    registered: (stream, symbol) => server.registrations().some((keys) => keys.some((k) => isKey(k, stream, symbol))),
    registrations: (stream, symbol) =>
      server.requests.filter((r) => r.trType === '1' && isKey(`${r.trId}|${r.trKey}`, stream, symbol)).length,
    accountRegistered: () => server.registrations().some((keys) => keys.some((k) => trIdInfo(k.split('|')[0])?.kind === 'notice')),
    close: () => server.close(),
  };
}

const orderId = (n: number): string => String(n).padStart(10, '0');

describe('gateway on KIS', () => {
  gatewayCases({
    broker: 'kis',
    symbol: '005930',
    bookSymbol: '000660',
    startServer: kisRig,
    trade: (symbol, price, size, n) => trade({ broker: 'kis', symbol, price, size, side: 'buy', timestamp: T0 + n * 1_000 }),
    book: (symbol, bid, ask, n) => book({ broker: 'kis', symbol, bids: [[bid, 10]], asks: [[ask, 20]], timestamp: T0 + n * 1_000 }),
    fill: (n) =>
      fill({ broker: 'kis', symbol: '005930', orderId: orderId(n), side: 'buy', price: 70_000, qty: n, timestamp: T0 + n * 1_000 }),
    orderId,
  });
});
