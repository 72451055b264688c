import { isPushFrame } from '../../brokers/weex/codec';
/**
 * WEEX in the `rx-market stream weex <stream>` CLI: trades, book (synced books only), orders,
 * positions.
 */
import { Observable, filter, map, merge, throwError } from 'rxjs';
import { FeedError } from '../../core/errors';
import { BrokerModule, CliStream, StreamLine } from '../broker-module';
import { WeexFeed, weexFromEnv } from '../../brokers/weex/feed';
import { weexEnvVars } from '../../brokers/weex/options';
import { checkDepth } from '../../brokers/weex/keys';

const perSymbol = (symbols: readonly string[], open: (symbol: string) => Observable<StreamLine>): Observable<StreamLine> =>
  symbols.length === 0
    ? throwError(() => new FeedError({ kind: 'config', broker: 'weex', message: 'weex: name at least one symbol, e.g. BTCUSDT' }))
    : merge(...symbols.map(open));

const streams: Record<string, CliStream<WeexFeed>> = {
  trades: {
    description: 'trades (side from the buyer-is-maker flag)',
    takesSymbols: true,
    open: (feed, symbols) => perSymbol(symbols, (s) => feed.trades$(s)),
  },
  book: {
    description: 'order book, printed only while synced (--depth 15|200, default 15)',
    takesSymbols: true,
    open: (feed, symbols, flags) =>
      perSymbol(symbols, (s) =>
        feed.orderBook$(s, { depth: checkDepth(flags.depth ?? 15) }).pipe(
          filter((state) => state.status === 'synced'),
          map((state) => state.book!),
        ),
      ),
  },
  orders: {
    description: 'order updates on the account (needs WEEX_API_KEY, WEEX_SECRET_KEY, WEEX_PASSPHRASE)',
    takesSymbols: false,
    open: (feed) => feed.orders$(),
  },
  positions: {
    description: 'position updates on the account (contract market; needs credentials)',
    takesSymbols: false,
    open: (feed) => feed.positions$(),
  },
};

/** WEEX for the CLI, the simulator and the dashboard. */
export const weexModule: BrokerModule<WeexFeed> = {
  name: 'weex',
  envVars: weexEnvVars,
  hasCredentials: (env) => Boolean(env.WEEX_API_KEY && env.WEEX_SECRET_KEY && env.WEEX_PASSPHRASE),
  feedFromEnv: (env, session) => weexFromEnv(env, session),
  streams,
  isDataFrame: isPushFrame,
  // Loaded on demand: `rx-market stream` never needs a server.
  startServer: (options) => import('../servers/weex/server').then((m) => m.startWeexServer(options)),
};
