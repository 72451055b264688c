import { asyncScheduler, concatMap, defer, Observable, SchedulerLike, Subscription, timer } from 'rxjs';
import { BrokerServer } from '../broker-module';
import { MarketEvent } from '../../model/market';
import { initialMarket, MarketOptions, marketConfig, stepMarket } from './market';
import { createRng } from './rng';
import { initialNxt, stepNxt } from './nxt';
import { atKstTime, parseSessionTime } from './calendar';

export interface SimulationOptions extends MarketOptions {
  /** Same seed, same market. Default 1. */
  readonly seed?: number;
  /** Drives the steps; a TestScheduler runs the market in virtual time. Default asyncScheduler. */
  readonly scheduler?: SchedulerLike;
  /**
   * KRX markets run in simulated time that starts at this KST time of day on the current KST date,
   * so a demo at night still shows an open market ('HH:MM' or 'HH:MM:SS'; default '09:00'); false
   * uses the scheduler's clock as is. WEEX always uses the scheduler's clock (24/7).
   */
  readonly sessionStart?: string | false;
  /** Simulated seconds per real second. Default 1. */
  readonly speed?: number;
}

/**
 * A simulated market as a cold stream of normalized events: every subscriber gets its own market,
 * stepping every `stepMs` on the scheduler (the first step at subscription), stamped with the
 * market clock (KRX: simulated time from the session start; WEEX: the scheduler's). It never completes.
 *
 *   subscribe ─► book book status ── trade book quote ── book ── trade trade book quote order ...
 */
export function simulateMarket(options: SimulationOptions = {}): Observable<MarketEvent> {
  return defer(() => {
    const scheduler = options.scheduler ?? asyncScheduler;
    const config = marketConfig(options);
    const rng = createRng(options.seed ?? 1);
    let state = initialMarket(config, rng);
    const t0 = scheduler.now();
    const speed = options.speed ?? 1;
    if (!(speed > 0)) throw new RangeError(`speed must be positive, got ${speed}`);
    const start = config.calendar && options.sessionStart !== false ? atKstTime(t0, parseSessionTime(options.sessionStart ?? '09:00')) : t0;
    const clock = (): number => start + Math.round((scheduler.now() - t0) * speed);
    // NXT beside KRX (KIS): its own generator, so the KRX events of a seed stay as they were.
    const nxtRng = config.profile.nxt ? createRng(((options.seed ?? 1) * 7919 + 17) >>> 0) : undefined;
    let nxt = initialNxt(config);
    return timer(0, config.stepMs, scheduler).pipe(
      concatMap(() => {
        const now = clock();
        const next = stepMarket(config, state, rng, now);
        state = next.state;
        if (!nxtRng) return next.events;
        const venue = stepNxt(config, nxt, state, nxtRng, now);
        nxt = venue.state;
        return [...next.events.map(onKrx), ...venue.events];
      }),
    );
  });
}

/** KRX's trades and books marked with their venue, where NXT trades beside it. */
function onKrx(e: MarketEvent): MarketEvent {
  return (e.kind === 'trade' || e.kind === 'book') && e.exchange === undefined ? { ...e, exchange: 'KRX' } : e;
}

/** Publishes every event of a market through a broker's loopback server, which encodes it for subscribed clients. */
export function driveServer(server: Pick<BrokerServer, 'publish'>, events$: Observable<MarketEvent>): Subscription {
  return events$.subscribe((event) => server.publish(event));
}
