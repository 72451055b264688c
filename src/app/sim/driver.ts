import { asyncScheduler, concatMap, defer, Observable, SchedulerLike, Subscription, timer } from 'rxjs';
import { BrokerServer } from '../broker-module';
import { MarketEvent } from '../../model/market';
import { initialMarket, MarketOptions, marketConfig, stepMarket } from './market';
import { createRng } from './rng';

export interface SimulationOptions extends MarketOptions {
  /** Same seed, same market. Default 1. */
  readonly seed?: number;
  /** Drives the steps; a TestScheduler runs the market in virtual time. Default asyncScheduler. */
  readonly scheduler?: SchedulerLike;
}

/**
 * A simulated market as a cold stream of normalized events: every subscriber gets its own market,
 * stepping every `stepMs` on the scheduler (the first step at subscription), stamped with the
 * scheduler's clock. It never completes.
 *
 *   subscribe ─► book book status ── trade book quote ── book ── trade trade book quote order ...
 */
export function simulateMarket(options: SimulationOptions = {}): Observable<MarketEvent> {
  return defer(() => {
    const scheduler = options.scheduler ?? asyncScheduler;
    const config = marketConfig(options);
    const rng = createRng(options.seed ?? 1);
    let state = initialMarket(config, rng);
    return timer(0, config.stepMs, scheduler).pipe(
      concatMap(() => {
        const next = stepMarket(config, state, rng, scheduler.now());
        state = next.state;
        return next.events;
      }),
    );
  });
}

/** Publishes every event of a market through a broker's loopback server, which encodes it for subscribed clients. */
export function driveServer(server: Pick<BrokerServer, 'publish'>, events$: Observable<MarketEvent>): Subscription {
  return events$.subscribe((event) => server.publish(event));
}
