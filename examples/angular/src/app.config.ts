import type { ApplicationConfig } from '@angular/core';
import { provideMarket, type MarketSource } from './market.service';

/**
 * The app's feed, chosen by configuration: gateway mode here. The page logs in to NATS as a
 * consumer (nats-server's permissions let it read market subjects and publish its interest only);
 * the broker session and its secrets stay with `rx-market gateway` on the server side. For a
 * direct broker feed instead: `{ mode: 'broker', feed: () => kiwoom({ ...credentials from your backend }) }`.
 */
export const market: MarketSource = {
  mode: 'gateway',
  gateway: {
    servers: 'ws://127.0.0.1:8080', // nats-server's `websocket` listener (wss:// behind TLS in production)
    broker: 'kiwoom',
    user: 'consumer',
    pass: 'CHANGE-ME-consumer', // a NATS consumer login, not a broker secret
  },
};

export const appConfig: ApplicationConfig = {
  providers: [provideMarket(market)],
};
