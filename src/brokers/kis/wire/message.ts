/** Every message a KIS feed decodes, and the dispatch from a record's kind to its mapping. */
import { KisRecord } from './record';
import { KisFeedKind } from './tr-ids';
import { MapContext, Mapped } from '../mapped';
import { KisTrade, KisTradeRecord, toTrade } from './trade';
import { KisOrderBook, KisBookRecord, toOrderBook } from './book';
import { KisExpectedRecord, KisExpectedTrade, toExpectedTrade } from './expected';
import { KisMarketStatus, KisStatusRecord, toMarketStatus } from './market-status';
import { KisNoticeRecord, KisOrderEvent, toOrderEvent } from './notice';

export type KisMessage = KisTrade | KisOrderBook | KisExpectedTrade | KisMarketStatus | KisOrderEvent;

/**
 * What the codec hands the session for each record: the record decoded by its layout, which
 * feed kind it is, and (for records without a code) the symbol its key names. The feed maps it
 * to the model (mapping.ts), as every broker's feed does.
 */
export interface KisWireRecord {
  readonly kind: KisFeedKind;
  readonly record: KisRecord;
  readonly symbol?: string;
}

/** Maps a named record to its model event; `symbol` stands in for records without a code. */
export function toMessage(kind: KisFeedKind, record: KisRecord, ctx: MapContext, symbol?: string): Mapped<KisMessage> {
  switch (kind) {
    case 'trade':
      return toTrade(record as KisTradeRecord, ctx);
    case 'book':
      return toOrderBook(record as KisBookRecord, ctx);
    case 'expected':
      return toExpectedTrade(record as KisExpectedRecord, ctx);
    case 'status':
      return toMarketStatus(record as KisStatusRecord, ctx, symbol);
    case 'notice':
      return toOrderEvent(record as KisNoticeRecord, ctx);
  }
}
