/**
 * What a loopback server's REST endpoints answer from: the simulator's own state, as it was
 * published through the server. Every event `publish()` sees is recorded here whether or not a
 * socket is listening, so during an outage the orders and fills keep accumulating and a REST
 * catch-up finds them, as on a real broker.
 *
 * Also the fault switchboard for tests of bad input: the next N REST answers can be an HTML
 * error page, a cut JSON body, a 5xx, a quota answer, no answer at all, or paging that never ends.
 */
import { IncomingMessage, ServerResponse } from 'http';
import { OrderBook, OrderEvent, Quote, Trade, MarketEvent } from '../../model';

/** A fault the next REST answers carry. */
export type RestFault = 'html' | 'badJson' | 'serverError' | 'quota' | 'hang' | 'endlessPaging';

export interface RestRequestRecord {
  /** Epoch ms the request arrived (Date.now). */
  readonly at: number;
  /** TR id or path. */
  readonly call: string;
}

/** A trade on the tape with the symbol's cumulative volume after it (KRX TRs send it). */
export interface TapeEntry {
  readonly trade: Trade;
  readonly volume: number;
}

export interface OrderRecord {
  /** The order as it stands now (latest event, without a fill of its own). */
  last: OrderEvent;
  /** When it was accepted. */
  readonly placedAt: number;
  filledQty: number;
  filledValue: number;
}

export interface RestState {
  record(event: MarketEvent): void;
  /** Orders of the day by id (in order of acceptance). */
  readonly orders: ReadonlyMap<string, OrderRecord>;
  /** Every fill of the day, in order; `filledQty` is the order's total after it. */
  readonly fills: readonly OrderEvent[];
  lastTrade(symbol: string): Trade | undefined;
  lastQuote(symbol: string): Quote | undefined;
  lastBook(symbol: string): OrderBook | undefined;
  /** Recent trades of a symbol, newest first (up to 1 000), with the day's cumulative volume. */
  trades(symbol: string): readonly TapeEntry[];
  /** The simulator's own net position per symbol, from its fills (signed quantity). */
  position(symbol: string): number;
  /** Requests served, in order (for spacing assertions). */
  readonly requests: readonly RestRequestRecord[];
  noteRequest(call: string): void;
  /** The next `count` REST answers carry `fault`. */
  inject(fault: RestFault, count?: number): void;
  /** Takes the fault for this request, if one is pending. */
  takeFault(): RestFault | undefined;
  /** Hanging requests, released (answered 503) on close. */
  hold(res: ServerResponse): void;
  close(): void;
}

const MAX_TRADES = 1_000;

export function createRestState(): RestState {
  const orders = new Map<string, OrderRecord>();
  const fills: OrderEvent[] = [];
  const trades = new Map<string, TapeEntry[]>();
  const volumes = new Map<string, number>();
  const quotes = new Map<string, Quote>();
  const books = new Map<string, OrderBook>();
  const positions = new Map<string, number>();
  const requests: RestRequestRecord[] = [];
  const faults: RestFault[] = [];
  const held = new Set<ServerResponse>();

  const onOrder = (o: OrderEvent): void => {
    let rec = orders.get(o.orderId);
    if (!rec) {
      rec = { last: o, placedAt: o.timestamp, filledQty: 0, filledValue: 0 };
      orders.set(o.orderId, rec);
    }
    // A notice sent again (the order's total did not grow) is transport, not a new fill.
    if (o.fillQty !== undefined && o.fillQty > 0 && o.filledQty > 0 && o.filledQty <= rec.filledQty) return;
    if (o.fillQty !== undefined && o.fillQty > 0) {
      rec.filledQty += o.fillQty;
      rec.filledValue += o.fillQty * (o.fillPrice ?? o.orderPrice);
      fills.push({ ...o, filledQty: rec.filledQty, unfilledQty: Math.max(0, o.orderQty - rec.filledQty) });
      const signed = o.side === 'buy' ? o.fillQty : -o.fillQty;
      positions.set(o.symbol, (positions.get(o.symbol) ?? 0) + signed);
    }
    rec.last = { ...o, filledQty: rec.filledQty, unfilledQty: Math.max(0, o.orderQty - rec.filledQty) };
  };

  return {
    record(event) {
      switch (event.kind) {
        case 'order':
          onOrder(event);
          return;
        case 'trade': {
          const list = trades.get(event.symbol) ?? [];
          const volume = (volumes.get(event.symbol) ?? 0) + event.size;
          volumes.set(event.symbol, volume);
          list.unshift({ trade: event, volume });
          if (list.length > MAX_TRADES) list.pop();
          trades.set(event.symbol, list);
          return;
        }
        case 'quote':
          quotes.set(event.symbol, event);
          return;
        case 'book':
          books.set(event.symbol, event);
          return;
        default:
          return;
      }
    },
    orders,
    fills,
    lastTrade: (s) => trades.get(s)?.[0]?.trade,
    lastQuote: (s) => quotes.get(s),
    lastBook: (s) => books.get(s),
    trades: (s) => trades.get(s) ?? [],
    position: (s) => positions.get(s) ?? 0,
    requests,
    noteRequest(call) {
      requests.push({ at: Date.now(), call });
    },
    inject(fault, count = 1) {
      for (let i = 0; i < count; i++) faults.push(fault);
    },
    takeFault: () => faults.shift(),
    hold(res) {
      held.add(res);
      res.on('close', () => held.delete(res));
    },
    close() {
      for (const res of held) {
        if (!res.headersSent) res.writeHead(503);
        res.end();
      }
      held.clear();
    },
  };
}

/** Reads a request body as text. */
export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => resolve(body));
    req.on('error', () => resolve(body));
  });
}

/**
 * Answers with the pending fault, if any: true when it did (the endpoint must not answer).
 * `endlessPaging` is the endpoint's business (it must say "more" forever), so it is returned.
 */
export function answerFault(state: RestState, res: ServerResponse, fault: RestFault | undefined): boolean {
  switch (fault) {
    case 'html':
      res.writeHead(502, { 'Content-Type': 'text/html' });
      res.end('<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>');
      return true;
    case 'badJson':
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"return_code":0,"oso":[{"ord_no":"00');
      return true;
    case 'serverError':
      res.writeHead(503, { 'Content-Type': 'application/json' });
      res.end('{}');
      return true;
    case 'hang':
      state.hold(res);
      return true;
    default:
      return false;
  }
}

/** HHMMSS of an epoch ms in KST. */
export function kstHhmmss(epochMs: number): string {
  return new Date(epochMs + 9 * 3600_000).toISOString().slice(11, 19).replace(/:/g, '');
}

/** YYYYMMDD of an epoch ms in KST. */
export function kstYmd(epochMs: number): string {
  return new Date(epochMs + 9 * 3600_000).toISOString().slice(0, 10).replace(/-/g, '');
}
