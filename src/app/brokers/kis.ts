import { isDataFrame } from '../../brokers/kis/wire/envelope';
/** KIS in the app: the contract streams with --exchange and --depth, and its extras `expected` and `status`. */
import { map } from 'rxjs';
import { FeedError } from '../../core/errors';
import { BrokerModule, StreamFlags, StreamLine } from '../broker-module';
import { kisEnvVars } from '../../brokers/kis/options';
import { KisFeed, KisStreamOptions, kisFromEnv } from '../../brokers/kis/feed';
import { parseExchange } from '../../brokers/kis/wire/tr-ids';

function streamOptions(flags: StreamFlags): KisStreamOptions {
  if (flags.exchange === undefined) return {};
  const exchange = parseExchange(flags.exchange);
  if (exchange === undefined) {
    throw new FeedError({
      kind: 'config',
      broker: 'kis',
      message: `--exchange must be KRX, NXT or UN for kis, got ${JSON.stringify(flags.exchange)}`,
    });
  }
  return { exchange };
}

export const kisModule: BrokerModule<KisFeed> = {
  name: 'kis',
  envVars: kisEnvVars,
  hasCredentials: (env) => Boolean(env.KIS_APPKEY && env.KIS_APPSECRET),
  feedFromEnv: (env, session) => kisFromEnv(env, session),
  isDataFrame,
  contract: {
    trades: 'trades (H0**CNT0) (--exchange KRX|NXT|UN)',
    book: '10-level order book (H0**ASP0); --depth N keeps the best N levels',
    quotes: "best bid and ask with sizes: the book's best levels (KIS has no quote stream)",
    orders: 'order receipts and fills (H0STCNI0, decrypted); needs KIS_HTS_ID',
  },
  withFlags: (feed, flags) => {
    const o = streamOptions(flags); // bad flags fail before anything connects
    return {
      ...feed,
      trades$: (s) => feed.trades$(s, o),
      orderBook$: (s) => feed.orderBook$(s, { ...o, ...(flags.depth !== undefined ? { depth: flags.depth } : {}) }),
      quotes$: (s) => feed.quotes$(s, o),
    };
  },
  extras: {
    expected: {
      description: 'expected auction match (H0**ANC0), as ExpectedTrade',
      takesSymbols: true,
      open: (feed, symbols, flags) => feed.expected$(symbols, streamOptions(flags)).pipe(map((e): StreamLine => ({ ...e }))),
    },
    status: {
      description: 'market operation notices per stock (H0**MKO0)',
      takesSymbols: true,
      open: (feed, symbols, flags) => feed.marketStatus$(symbols, streamOptions(flags)),
    },
  },
  // Loaded on demand: `rx-market stream` never needs a server.
  startServer: (options) => import('../servers/kis/server').then((m) => m.startKisServer(options)),
};
