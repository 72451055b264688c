/**
 * The weex_client guide's data storage (tickers into SQLite), on any broker: trades and quotes of
 * the symbols stored in one SQLite file, in batched transactions (see rx-market/sqlite).
 *
 *   npx tsx examples/guides/run.ts sqlite-storage --broker weex BTCUSDT
 */
import { Observable, merge } from 'rxjs';
import { MarketFeed, Symbols } from '../../src';
import { SqliteBatch, SqliteDatabase, toSqlite } from '../../src/sqlite';

export function storeMarket(feed: Pick<MarketFeed, 'trades$' | 'quotes$'>, symbols: Symbols, db: SqliteDatabase): Observable<SqliteBatch> {
  return merge(feed.trades$(symbols), feed.quotes$(symbols)).pipe(toSqlite(db));
}
