/**
 * The CLI streams every broker has, found through `MarketFeed` only: `trades`, `book`, `quotes`,
 * `orders`, and `positions`/`balances` where the feed has them. A broker plug adds its extras.
 */
import { Observable, throwError } from 'rxjs';
import { FeedError } from '../core/errors';
import { MarketFeed } from '../feed/market-feed';
import { BrokerModule, CliStream, ContractStreamName, StreamFlags, StreamLine, contractStreamNames } from './broker-module';

/** A contract stream of a feed, or a config FeedError when the feed does not have it. */
export function openContractStream(name: ContractStreamName, feed: MarketFeed, symbols: readonly string[]): Observable<StreamLine> {
  if (!takesSymbols[name] && symbols.length > 0) {
    return throwError(
      () => new FeedError({ kind: 'config', broker: feed.broker, message: `${name} is the account's stream and takes no symbols` }),
    );
  }
  switch (name) {
    case 'trades':
      return feed.trades$(symbols);
    case 'book':
      return feed.orderBook$(symbols);
    case 'quotes':
      return feed.quotes$(symbols);
    case 'orders':
      return feed.orders$();
    case 'positions':
      return feed.positions$ ? feed.positions$() : missing(feed, name);
    case 'balances':
      return feed.balances$ ? feed.balances$() : missing(feed, name);
  }
}

function missing(feed: MarketFeed, name: string): Observable<never> {
  return throwError(() => new FeedError({ kind: 'config', broker: feed.broker, message: `${feed.broker} has no ${name} stream` }));
}

const takesSymbols: Readonly<Record<ContractStreamName, boolean>> = {
  trades: true,
  book: true,
  quotes: true,
  orders: false,
  positions: false,
  balances: false,
};

/** The feed with the CLI's flags applied, or a config error for flags the broker does not take. */
function flagged<F extends MarketFeed>(module: BrokerModule<F>, feed: F, flags: StreamFlags): MarketFeed {
  const { type, ...rest } = flags;
  if (type !== undefined) {
    throw new FeedError({ kind: 'config', broker: module.name, message: `--type is for the raw stream, not the contract streams` });
  }
  if (module.withFlags) return module.withFlags(feed, rest);
  const given = Object.entries(rest)
    .filter(([, v]) => v !== undefined)
    .map(([k]) => `--${k}`);
  if (given.length > 0) {
    throw new FeedError({ kind: 'config', broker: module.name, message: `${module.name} takes no ${given.join(', ')} flag` });
  }
  return feed;
}

/** Every CLI stream of a broker: the contract ones it has, then its extras. */
export function cliStreams<F extends MarketFeed>(module: BrokerModule<F>): Readonly<Record<string, CliStream<F>>> {
  const out: Record<string, CliStream<F>> = {};
  for (const name of contractStreamNames) {
    const description = module.contract[name];
    if (description === undefined) continue;
    out[name] = {
      description,
      takesSymbols: takesSymbols[name],
      open: (feed, symbols, flags) => openContractStream(name, flagged(module, feed, flags), symbols),
    };
  }
  for (const [name, stream] of Object.entries(module.extras)) {
    if (name in out) throw new Error(`${module.name}: the extra stream "${name}" shadows a contract stream`);
    out[name] = stream;
  }
  return out;
}
