/** Helpers users import from 'rx-market/testing'. */
export { ScriptedSocket } from './fake-socket';
export type { ScriptedConnection, SentFrame } from './fake-socket';
export { toyProtocol, toyCodec, toy } from './toy-protocol';
export { during } from './during';
export * from './strategy-kit';
export { KisServer, startKisServer } from '../brokers/kis/server';
export type { KisServerOptions, KisServerCounters } from '../brokers/kis/server';
export { startWeexServer } from '../brokers/weex/server';
export type { WeexServer, WeexServerOptions, UpgradeRecord as WeexUpgradeRecord } from '../brokers/weex/server';
export { startKiwoomServer } from '../brokers/kiwoom/server';
export type { KiwoomServer, KiwoomServerOptions, KiwoomServerCounters, TokenMode as KiwoomTokenMode } from '../brokers/kiwoom/server';
