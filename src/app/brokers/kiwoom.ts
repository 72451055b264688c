import { isRealFrame } from '../../brokers/kiwoom/wire/envelope';
/**
 * Kiwoom in the `rx-market stream kiwoom <stream>` CLI: trades, book, quotes, orders (00),
 * balance (04) and `raw --type CODE` (any real-time type, its fields by name).
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
    throw new FeedError({ kind: 'config', broker: 'kiwoom', fatal: true, message: `kiwoom: --exchange must be one of ${exchanges.join(', ')}` });
  }
  return v as Exchange;
}

const perSymbol = (symbols: readonly string[], open: (symbol: string) => Observable<StreamLine>): Observable<StreamLine> =>
  symbols.length === 0 ? usage('name at least one stock code, e.g. 005930') : merge(...symbols.map(open));

/** A record as a raw NDJSON line: `{kind:'raw', broker, type, symbol, ...fields}`. */
export function rawLine(r: AnyRealRecord): StreamLine {
  const { symbol: _ignored, ...fields } = r.fields as Record<string, unknown>;
  return {
    kind: 'raw',
    broker: 'kiwoom',
    type: r.type,
    symbol: r.symbol,
    ...fields,
    ...(Object.keys(r.extra).length > 0 ? { extra: r.extra } : {}),
    raw: r,
  };
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

const streams: Record<string, CliStream<KiwoomFeed>> = {
  trades: {
    description: 'trades (0B): price, size, aggressor side, direction vs. previous close',
    takesSymbols: true,
    open: (feed, symbols, flags) => perSymbol(symbols, (s) => feed.trades$(s, { exchange: venue(flags) })),
  },
  book: {
    description: 'order book (0D): up to 10 levels a side, best first (--depth N keeps N)',
    takesSymbols: true,
    open: (feed, symbols, flags) => perSymbol(symbols, (s) => feed.orderBook$(s, { exchange: venue(flags), depth: flags.depth })),
  },
  quotes: {
    description: 'best ask and bid (0C)',
    takesSymbols: true,
    open: (feed, symbols, flags) => perSymbol(symbols, (s) => feed.quotes$(s, { exchange: venue(flags) })),
  },
  orders: {
    description: "orders and fills on the token's account (00)",
    takesSymbols: false,
    open: (feed) => feed.account$(),
  },
  balance: {
    description: "holdings of the token's account after each change (04)",
    takesSymbols: false,
    open: (feed) => feed.balance$(),
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
  streams,
  isDataFrame: isRealFrame,
  // Loaded on demand: `rx-market stream` never needs a server.
  startServer: (options) => import('../servers/kiwoom/server').then((m) => m.startKiwoomServer(options)),
};
