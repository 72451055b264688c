import * as t from 'io-ts';
import { DecimalString, IntLike, TimeField } from './primitives';

/**
 * Private V3 pushes: `{"e":"<account|positions|orders|fill>","E":<ms>,"v":<version>,
 * "msgEvent":"OrderUpdate",...,"d":[records]}`. Records are strict on the fields the model needs
 * and keep every other field (io-ts `type` passes unknown properties through), so `raw` holds all
 * of them. Ids are 18-digit strings and stay strings.
 */

const envelope = <E extends string, C extends t.Mixed>(e: E, record: C) =>
  t.intersection([t.type({ e: t.literal(e), E: IntLike, d: t.array(record) }), t.partial({ v: IntLike, msgEvent: t.string })]);

/**
 * A balance: spot sends `equity/available/frozen`; contract sends the collateral record
 * (`amount`, `legacyAmount`, `cum*Amount`, ...).
 */
export const WireBalance = t.intersection([
  t.type({ coin: t.string }),
  t.partial({
    equity: DecimalString,
    available: DecimalString,
    frozen: DecimalString,
    amount: DecimalString,
    legacyAmount: DecimalString,
    marginMode: t.string,
    updatedTime: TimeField,
    createdTime: TimeField,
  }),
]);
export type WireBalance = t.TypeOf<typeof WireBalance>;

/** A contract position; there is no average price on the wire: it is openValue / size. */
export const WirePosition = t.intersection([
  t.type({ symbol: t.string, side: t.keyof({ LONG: null, SHORT: null }), size: DecimalString }),
  t.partial({
    id: t.string,
    coin: t.string,
    marginMode: t.string,
    separatedMode: t.string,
    leverage: DecimalString,
    openValue: DecimalString,
    openFee: DecimalString,
    fundingFee: DecimalString,
    isolatedMargin: DecimalString,
    createdTime: TimeField,
    updatedTime: TimeField,
  }),
]);
export type WirePosition = t.TypeOf<typeof WirePosition>;

/** An order; `price` is "0"/"0.0" for market orders, `cumFill*` are cumulative. */
export const WireOrder = t.intersection([
  t.type({ id: t.string, symbol: t.string, orderSide: t.keyof({ BUY: null, SELL: null }), size: DecimalString, status: t.string }),
  t.partial({
    price: DecimalString,
    clientOrderId: t.string,
    type: t.string,
    timeInForce: t.string,
    positionSide: t.string,
    reduceOnly: t.boolean,
    cumFillSize: DecimalString,
    cumFillValue: DecimalString,
    cumFillFee: DecimalString,
    latestFillPrice: DecimalString,
    cancelReason: t.string,
    createdTime: TimeField,
    updatedTime: TimeField,
  }),
]);
export type WireOrder = t.TypeOf<typeof WireOrder>;

/** A fill; its price is fillValue / fillSize (there is no price field). */
export const WireFill = t.intersection([
  t.type({
    id: t.string,
    symbol: t.string,
    orderId: t.string,
    orderSide: t.keyof({ BUY: null, SELL: null }),
    fillSize: DecimalString,
    fillValue: DecimalString,
  }),
  t.partial({
    fillFee: DecimalString,
    direction: t.string,
    positionSide: t.string,
    realizePnl: DecimalString,
    createdTime: TimeField,
    updatedTime: TimeField,
  }),
]);
export type WireFill = t.TypeOf<typeof WireFill>;

export const AccountPush = envelope('account', WireBalance);
export type AccountPush = t.TypeOf<typeof AccountPush>;
export const PositionsPush = envelope('positions', WirePosition);
export type PositionsPush = t.TypeOf<typeof PositionsPush>;
export const OrdersPush = envelope('orders', WireOrder);
export type OrdersPush = t.TypeOf<typeof OrdersPush>;
export const FillPush = envelope('fill', WireFill);
export type FillPush = t.TypeOf<typeof FillPush>;

export type PrivatePush = AccountPush | PositionsPush | OrdersPush | FillPush;
