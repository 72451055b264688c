import { isDataFrame } from '../../brokers/kis/wire/envelope';
/** `rx-market stream kis <stream>`: the KIS streams the CLI, the simulator and the dashboard use. */
import { Observable, map, merge } from 'rxjs';
import { FeedError } from '../../core/errors';
import { BrokerModule, CliStream, StreamFlags, StreamLine } from '../broker-module';
import { kisEnvVars } from '../../brokers/kis/options';
import { KisFeed, KisStreamOptions, kisFromEnv } from '../../brokers/kis/feed';
import { parseExchange } from '../../brokers/kis/wire/tr-ids';

function streamOptions(flags: StreamFlags): KisStreamOptions {
  if (flags.exchange === undefined) return {};
  const exchange = parseExchange(flags.exchange);
  if (exchange === undefined) {
    throw new FeedError({ kind: 'config', broker: 'kis', message: `--exchange must be KRX, NXT or UN for kis, got ${JSON.stringify(flags.exchange)}` });
  }
  return { exchange };
}

/** One stream per symbol, merged. */
function perSymbol(description: string, open: (feed: KisFeed, symbol: string, flags: StreamFlags) => Observable<StreamLine>): CliStream<KisFeed> {
  return {
    description,
    takesSymbols: true,
    open: (feed, symbols, flags) => {
      streamOptions(flags); // bad flags fail before anything connects
      return merge(...symbols.map((s) => open(feed, s, flags)));
    },
  };
}

export const kisModule: BrokerModule<KisFeed> = {
  name: 'kis',
  envVars: kisEnvVars,
  hasCredentials: (env) => Boolean(env.KIS_APPKEY && env.KIS_APPSECRET),
  feedFromEnv: (env, session) => kisFromEnv(env, session),
  isDataFrame,
  streams: {
    trades: perSymbol('trades (H0**CNT0)', (feed, s, flags) => feed.trades$(s, streamOptions(flags))),
    book: perSymbol('10-level order book (H0**ASP0); --depth N keeps the best N levels', (feed, s, flags) =>
      feed.orderBook$(s, { ...streamOptions(flags), ...(flags.depth !== undefined ? { depth: flags.depth } : {}) }),
    ),
    expected: perSymbol('expected auction match (H0**ANC0)', (feed, s, flags) =>
      feed.expected$(s, streamOptions(flags)).pipe(map((e): StreamLine => ({ ...e }))),
    ),
    status: perSymbol('market operation notices (H0**MKO0)', (feed, s, flags) => feed.marketStatus$(s, streamOptions(flags))),
    orders: { description: 'order receipts and fills (H0STCNI0, decrypted); needs KIS_HTS_ID', takesSymbols: false, open: (feed) => feed.account$() },
  },
  // Loaded on demand: `rx-market stream` never needs a server.
  startServer: (options) => import('../servers/kis/server').then((m) => m.startKisServer(options)),
};
