import { isRealFrame } from '../../brokers/kiwoom/wire/envelope';
/**
 * Kiwoom in the app: the contract streams with --exchange and --depth, and its extras: the KRX
 * events (`etf-nav`, `expected`, `elw-greeks`, `elw-indicators`, `program`, `vi`), `index`,
 * `status`, and `raw --type CODE` (any real-time type, its fields by name).
 */
import { Observable, map, merge, throwError } from 'rxjs';
import { FeedError } from '../../core/errors';
import { BrokerModule, CliStream, StreamFlags, StreamLine } from '../broker-module';
import { Exchange, exchanges } from '../../brokers/kiwoom/endpoints';
import { KiwoomFeed, kiwoomEnvVars, kiwoomFromEnv } from '../../brokers/kiwoom/feed';
import { wideTypes } from '../../brokers/kiwoom/keys';
import { RealCode, isRealCode, realCodes } from '../../brokers/kiwoom/wire/real-types';
import { AnyRealRecord } from '../../brokers/kiwoom/wire/record';

function usage(message: string): Observable<never> {
  return throwError(() => new FeedError({ kind: 'config', broker: 'kiwoom', fatal: true, message: `kiwoom: ${message}` }));
}

function venue(flags: StreamFlags): Exchange | undefined {
  if (flags.exchange === undefined) return undefined;
  const v = flags.exchange.toUpperCase();
  if (!(exchanges as readonly string[]).includes(v)) {
    throw new FeedError({
      kind: 'config',
      broker: 'kiwoom',
      fatal: true,
      message: `kiwoom: --exchange must be one of ${exchanges.join(', ')}, got ${JSON.stringify(flags.exchange)}`,
    });
  }
  return v as Exchange;
}

/** A record as a raw NDJSON line: `{kind:'raw', broker, type, symbol, ...fields}`. */
export function rawLine(r: AnyRealRecord): StreamLine {
  const { symbol: _ignored, ...fields } = r.fields as Record<string, unknown>;
  const line: StreamLine & Record<string, unknown> = {
    kind: 'raw',
    broker: 'kiwoom',
    type: r.type,
    symbol: r.symbol,
    ...fields,
    ...(Object.keys(r.extra).length > 0 ? { extra: r.extra } : {}),
    raw: r,
  };
  return line;
}

function raw(feed: KiwoomFeed, symbols: readonly string[], flags: StreamFlags): Observable<StreamLine> {
  const code = flags.type;
  if (code === undefined || !isRealCode(code)) {
    return usage(`raw needs --type CODE, one of ${realCodes.join(', ')}`);
  }
  const exchange = venue(flags);
  const open = (item: string): Observable<StreamLine> =>
    feed.stream$(code as RealCode, item, { exchange }).pipe(map((r) => rawLine(r as AnyRealRecord)));
  if (symbols.length === 0) {
    return wideTypes.has(code) ? open('') : usage(`raw --type ${code} needs an item (a stock, sector or condition code)`);
  }
  return merge(...symbols.map(open));
}

/** A KRX event stream of one or more stocks, with --exchange. */
function krx(
  description: string,
  open: (feed: KiwoomFeed, symbols: readonly string[], exchange: Exchange | undefined) => Observable<StreamLine>,
): CliStream<KiwoomFeed> {
  return { description, takesSymbols: true, open: (feed, symbols, flags) => open(feed, symbols, venue(flags)) };
}

const extras: Record<string, CliStream<KiwoomFeed>> = {
  'etf-nav': krx('ETF net asset value and premium to NAV (0G): ETF codes such as 069500', (f, s, exchange) => f.etfNav$(s, { exchange })),
  expected: krx('expected auction match, price and size (0H), during call auctions and VIs', (f, s, exchange) =>
    f.expectedTrades$(s, { exchange }),
  ),
  'elw-greeks': krx('ELW theoretical price, implied volatility and greeks (0m)', (f, s, exchange) => f.elwGreeks$(s, { exchange })),
  'elw-indicators': krx('ELW parity, premium, gearing, break-even and capital support (0u)', (f, s, exchange) =>
    f.elwIndicators$(s, { exchange }),
  ),
  program: krx('program trading since the open: buy, sell, net in shares and million KRW (0w)', (f, s, exchange) =>
    f.programTrading$(s, { exchange }),
  ),
  vi: {
    description: 'volatility interruptions triggered and released (1h); all stocks without symbols',
    takesSymbols: false,
    open: (feed, symbols) => feed.volatilityInterruptions$(symbols.length > 0 ? symbols : undefined),
  },
  index: {
    description: 'sector and market indices (0J): items such as 001 (KOSPI, the default), 101 (KOSDAQ)',
    takesSymbols: false,
    open: (feed, symbols) => feed.index$(symbols.length > 0 ? symbols : '001'),
  },
  status: {
    description: 'market session notices (0s), market-wide',
    takesSymbols: false,
    open: (feed, symbols) => feed.marketStatus$(symbols.length > 0 ? symbols : undefined),
  },
  raw: {
    description: `any real-time type with its fields named: --type ${realCodes.join('|')} [items...]`,
    takesSymbols: false,
    open: raw,
  },
};

/** Kiwoom for the CLI, the simulator and the dashboard. */
export const kiwoomModule: BrokerModule<KiwoomFeed> = {
  name: 'kiwoom',
  envVars: kiwoomEnvVars,
  hasCredentials: (env) => Boolean(env.KIWOOM_APPKEY && env.KIWOOM_SECRETKEY),
  feedFromEnv: (env, session) => kiwoomFromEnv(env, session),
  contract: {
    trades: 'trades (0B): price, size, aggressor side, direction vs. previous close (--exchange KRX|NXT|SOR)',
    book: 'order book (0D): up to 10 levels a side, best first (--depth N keeps N)',
    quotes: 'best ask and bid (0C)',
    orders: "orders and fills on the token's account (00)",
    positions: "holdings of the token's account after each change (04)",
  },
  withFlags: (feed, flags) => {
    const exchange = venue(flags);
    return {
      ...feed,
      trades$: (s) => feed.trades$(s, { exchange }),
      orderBook$: (s) => feed.orderBook$(s, { exchange, depth: flags.depth }),
      quotes$: (s) => feed.quotes$(s, { exchange }),
    };
  },
  extras,
  isDataFrame: isRealFrame,
  // Loaded on demand: `rx-market stream` never needs a server.
  startServer: (options) => import('../servers/kiwoom/server').then((m) => m.startKiwoomServer(options)),
};
