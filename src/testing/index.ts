/** Helpers users import from 'rx-market/testing'. */
export { ScriptedSocket } from './fake-socket';
export type { ScriptedConnection, SentFrame } from './fake-socket';
export { toyProtocol, toyCodec, toy } from './toy-protocol';
export { during } from './during';
export * from './strategy-kit';
export { marketFeedOf } from './market-feed-of';
export { KisServer, startKisServer } from '../app/servers/kis/server';
export type { KisServerOptions, KisServerCounters } from '../app/servers/kis/server';
export { startWeexServer } from '../app/servers/weex/server';
export type { WeexServer, WeexServerOptions, UpgradeRecord as WeexUpgradeRecord } from '../app/servers/weex/server';
export { startKiwoomServer } from '../app/servers/kiwoom/server';
export type { KiwoomServer, KiwoomServerOptions, KiwoomServerCounters, TokenMode as KiwoomTokenMode } from '../app/servers/kiwoom/server';
