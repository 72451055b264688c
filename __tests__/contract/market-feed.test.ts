import { MarketFeed } from '../../src/feed/market-feed';
import { kiwoom, KiwoomFeed } from '../../src/brokers/kiwoom';
import { kis, KisFeed } from '../../src/brokers/kis';
import { weex, WeexFeed } from '../../src/brokers/weex';
import { brokers } from '../../src/app/brokers';

/**
 * The feed contract, checked by the compiler (`npm run typecheck` compiles this file) and at
 * run time: every broker's factory returns a MarketFeed, and the app's plugs describe exactly the
 * optional contract streams their feeds have.
 */

/** Compiles only when A is assignable to B. */
type Assignable<A, B> = [A] extends [B] ? true : false;
const yes = <T extends true>(): T => true as T;

// The factories' return types satisfy the contract.
yes<Assignable<ReturnType<typeof kiwoom>, MarketFeed>>();
yes<Assignable<ReturnType<typeof kis>, MarketFeed>>();
yes<Assignable<ReturnType<typeof weex>, MarketFeed>>();
yes<Assignable<KiwoomFeed | KisFeed | WeexFeed, MarketFeed>>();
// Names that meant different things on different brokers are gone for good.
yes<Assignable<'account$' | 'balance$', Exclude<'account$' | 'balance$', keyof KiwoomFeed | keyof KisFeed | keyof WeexFeed>>>();

const offline = { fetch: () => Promise.reject(new Error('offline')) };

function feeds(): Record<string, MarketFeed> {
  return {
    kiwoom: kiwoom({ appKey: 'k', secretKey: 's', ...offline }),
    kis: kis({ appKey: 'k', appSecret: 's', htsId: 'h', ...offline }),
    weex: weex({ apiKey: 'k', secretKey: 's', passphrase: 'p' }),
  };
}

describe('MarketFeed', () => {
  it('every broker feed has the contract streams and controls', () => {
    for (const [name, feed] of Object.entries(feeds())) {
      expect(feed.broker).toBe(name);
      for (const member of ['trades$', 'orderBook$', 'quotes$', 'orders$', 'close'] as const) expect(typeof feed[member]).toBe('function');
      for (const control of ['status$', 'errors$', 'subscriptions$', 'frames$'] as const)
        expect(typeof feed[control].subscribe).toBe('function');
      feed.close();
    }
  });

  it('each app plug lists exactly the optional streams its feed has (positions, balances)', () => {
    const all = feeds();
    for (const module of brokers) {
      const feed = all[module.name];
      expect(feed).toBeDefined();
      expect({ positions: 'positions' in module.contract, balances: 'balances' in module.contract }).toEqual({
        positions: typeof feed.positions$ === 'function',
        balances: typeof feed.balances$ === 'function',
      });
      feed.close();
    }
  });
});
