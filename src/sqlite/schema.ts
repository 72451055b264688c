/**
 * The SQLite schema of stored events: one table per event kind, one column per model field, an
 * index on (symbol, timestamp) each. Kinds the model does not name (a broker's tickers, candles)
 * go to `events` as JSON. Columns are nullable where the model field is optional: absent stays NULL.
 */
import { MarketEvent } from '../model/market';

export type SqlValue = string | number | null;

/** One column: its name, SQLite type and how it is read from an event. */
export interface Column {
  readonly name: string;
  readonly type: 'TEXT' | 'REAL' | 'INTEGER';
  readonly read: (event: any) => SqlValue;
}

export interface Table {
  readonly name: string;
  readonly columns: readonly Column[];
}

const opt = (v: unknown): SqlValue =>
  v === undefined || v === null ? null : typeof v === 'number' || typeof v === 'string' ? v : String(v);
const text = (name: string, field = name): Column => ({ name, type: 'TEXT', read: (e) => opt(e[field]) });
const real = (name: string, field = name): Column => ({ name, type: 'REAL', read: (e) => opt(e[field]) });
const flag = (name: string, field = name): Column => ({
  name,
  type: 'INTEGER',
  read: (e) => (e[field] === undefined ? null : e[field] ? 1 : 0),
});
const json = (name: string, field = name): Column => ({ name, type: 'TEXT', read: (e) => JSON.stringify(e[field] ?? null) });

const base: readonly Column[] = [
  text('broker'),
  text('symbol'),
  text('time'),
  { name: 'timestamp', type: 'INTEGER', read: (e) => opt(e.timestamp) },
];
const figures: readonly Column[] = [
  real('change'),
  real('change_percent', 'changePercent'),
  real('cumulative_volume', 'cumulativeVolume'),
  real('cumulative_turnover', 'cumulativeTurnover'),
];

/** Tables by the model's `kind`. */
export const tables: Readonly<Record<string, Table>> = {
  trade: {
    name: 'trades',
    columns: [
      ...base,
      real('price'),
      real('size'),
      text('side'),
      text('exchange'),
      text('trade_id', 'tradeId'),
      text('direction'),
      ...figures,
      text('time_source', 'timeSource'),
    ],
  },
  book: {
    name: 'books',
    columns: [
      ...base,
      { name: 'best_bid', type: 'REAL', read: (e) => opt(e.bids?.[0]?.price) },
      { name: 'best_ask', type: 'REAL', read: (e) => opt(e.asks?.[0]?.price) },
      json('bids'),
      json('asks'),
      real('total_bid_size', 'totalBidSize'),
      real('total_ask_size', 'totalAskSize'),
      text('exchange'),
    ],
  },
  quote: {
    name: 'quotes',
    columns: [
      ...base,
      real('best_bid', 'bestBid'),
      real('best_ask', 'bestAsk'),
      real('best_bid_size', 'bestBidSize'),
      real('best_ask_size', 'bestAskSize'),
      text('exchange'),
      ...figures,
    ],
  },
  order: {
    name: 'orders',
    columns: [
      ...base,
      text('order_id', 'orderId'),
      text('original_order_id', 'originalOrderId'),
      text('side'),
      text('status'),
      real('order_qty', 'orderQty'),
      real('order_price', 'orderPrice'),
      real('filled_qty', 'filledQty'),
      real('unfilled_qty', 'unfilledQty'),
      real('fill_price', 'fillPrice'),
      real('fill_qty', 'fillQty'),
      text('account'),
    ],
  },
  position: {
    name: 'positions',
    columns: [
      ...base,
      real('qty'),
      real('avg_price', 'avgPrice'),
      real('available_qty', 'availableQty'),
      real('last_price', 'lastPrice'),
      text('account'),
    ],
  },
  balance: {
    name: 'balances',
    columns: [...base, text('asset'), real('available'), real('locked'), real('total'), text('account')],
  },
  index: {
    name: 'index_ticks',
    columns: [...base, real('value'), real('change'), text('direction')],
  },
  status: {
    name: 'market_status',
    columns: [...base, text('phase'), text('code'), flag('halted')],
  },
};

/** Everything else with a `kind`: the whole event as JSON. */
export const otherEvents: Table = {
  name: 'events',
  columns: [...base, text('kind'), { name: 'json', type: 'TEXT', read: (e) => JSON.stringify(withoutRaw(e)) }],
};

/** The optional `raw` column (the broker's decoded record as JSON), added to every table when asked for. */
export const rawColumn: Column = { name: 'raw', type: 'TEXT', read: (e) => (e.raw === undefined ? null : JSON.stringify(e.raw)) };

export const SCHEMA_VERSION = 1;

/** The table an event is stored in. */
export function tableOf(event: Pick<MarketEvent, 'kind'> | { readonly kind: string }): Table {
  return tables[event.kind] ?? otherEvents;
}

/** CREATE statements for every table and its (symbol, timestamp) index; idempotent. */
export function createStatements(withRaw: boolean): readonly string[] {
  const all = [...Object.values(tables), otherEvents];
  return [
    'CREATE TABLE IF NOT EXISTS rxm_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)',
    ...all.flatMap((t) => {
      const cols = columnsOf(t, withRaw);
      return [
        `CREATE TABLE IF NOT EXISTS ${t.name} (${cols.map((c) => `${c.name} ${c.type}`).join(', ')})`,
        `CREATE INDEX IF NOT EXISTS ${t.name}_symbol_time ON ${t.name} (symbol, timestamp)`,
      ];
    }),
  ];
}

/** A table's columns, with `raw` last when asked for. */
export function columnsOf(table: Table, withRaw: boolean): readonly Column[] {
  return withRaw ? [...table.columns, rawColumn] : table.columns;
}

/** `INSERT INTO <table> (...) VALUES (?, ...)` for a table. */
export function insertStatement(table: Table, withRaw: boolean): string {
  const cols = columnsOf(table, withRaw);
  return `INSERT INTO ${table.name} (${cols.map((c) => c.name).join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`;
}

/** The values of an event's row, in column order. */
export function rowOf(columns: readonly Column[], event: object): SqlValue[] {
  return columns.map((c) => c.read(event));
}

function withoutRaw(e: Record<string, unknown>): Record<string, unknown> {
  const { raw: _raw, ...rest } = e;
  return rest;
}
