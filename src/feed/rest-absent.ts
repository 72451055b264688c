/**
 * The browser build's REST: none. Broker REST APIs are for servers — KIS and WEEX sign every call
 * with the app secret, and none of the three promises CORS to web pages — so the browser build of
 * the root entry (package.json `exports` "browser" condition) leaves the REST clients and the
 * catch-up machinery out, and a REST call there fails with a config `FeedError` saying why.
 * Browsers get catch-up from the NATS gateway instead, which runs it once for every consumer.
 */
import { Observable, throwError } from 'rxjs';
import { FeedError } from '../core/errors';
import { RestBudget } from '../core/rest-budget';
import { RestTransport } from '../core/rest';
import { MarketRest } from './rest-source';

export function restAbsentError(broker: string): FeedError {
  return new FeedError({
    kind: 'config',
    broker,
    message: `${broker}: REST is not in the browser build (broker REST needs a server: secrets, CORS); run catch-up on a server, e.g. the NATS gateway`,
  });
}

/** A transport whose every call fails with that error (for clients that expose theirs). */
export function absentTransport(broker: string, budget: RestBudget): RestTransport {
  return { broker, budget, call: () => throwError(() => restAbsentError(broker)) };
}

/** A REST side whose every call fails with that error. */
export function absentRest(broker: string, budget: RestBudget): MarketRest & { readonly transport: RestTransport } {
  const none = (): Observable<never> => throwError(() => restAbsentError(broker));
  return {
    broker,
    budget,
    transport: absentTransport(broker, budget),
    quotes: none,
    orderBook: none,
    trades: none,
    account: none,
    openOrders: none,
  };
}
