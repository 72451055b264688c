import { isPushFrame } from '../../brokers/weex/codec';
/** WEEX in the app: the contract streams (book with --depth 1-200, trimmed locally below the wire's 15/200) and its extras `tickers`, `candles`, `fills`. */
import { FeedError } from '../../core/errors';
import { BrokerModule } from '../broker-module';
import { WeexFeed, weexFromEnv } from '../../brokers/weex/feed';
import { weexEnvVars } from '../../brokers/weex/options';
import { checkBookLevels } from '../../brokers/weex/keys';

/** WEEX for the CLI, the simulator and the dashboard. */
export const weexModule: BrokerModule<WeexFeed> = {
  name: 'weex',
  envVars: weexEnvVars,
  hasCredentials: (env) => Boolean(env.WEEX_API_KEY && env.WEEX_SECRET_KEY && env.WEEX_PASSPHRASE),
  feedFromEnv: (env, session) => weexFromEnv(env, session),
  contract: {
    trades: 'trades (side from the buyer-is-maker flag)',
    book: 'order book, synced books only (--depth 1-200, default 15; WEEX streams 15 or 200, others trimmed locally)',
    quotes: 'best bid and ask (bookTicker; spot market)',
    orders: 'order updates on the account (needs WEEX_API_KEY, WEEX_SECRET_KEY, WEEX_PASSPHRASE)',
    positions: 'positions on the account with unrealizedPnl at the ticker mark price (contract market; needs credentials)',
    balances: 'balances per coin after each change (needs credentials)',
  },
  withFlags: (feed, flags) => {
    if (flags.exchange !== undefined) throw new FeedError({ kind: 'config', broker: 'weex', message: 'weex takes no --exchange flag' });
    const { levels: depth } = checkBookLevels(flags.depth ?? 15);
    return { ...feed, orderBook$: (s) => feed.orderBook$(s, { depth }) };
  },
  extras: {
    tickers: {
      description: '24h tickers: change (price), changePercent (%), changeRatio (fraction), cumulative volume and turnover',
      takesSymbols: true,
      open: (feed, symbols) => feed.tickers$(symbols),
    },
    fills: { description: "executions of the user's orders (needs credentials)", takesSymbols: false, open: (feed) => feed.fills$() },
  },
  isDataFrame: isPushFrame,
  // Loaded on demand: `rx-market stream` never needs a server.
  startServer: (options) => import('../servers/weex/server').then((m) => m.startWeexServer(options)),
};
