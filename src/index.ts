/**
 * rx-market: broker and exchange real-time feeds as typed RxJS streams.
 *
 *   import { kiwoom } from 'rx-market';
 *   kiwoom().trades$('005930').subscribe((t) => console.log(t.price, t.size, t.side));
 */
export * from './model';
export * from './core';
export * from './feed';
export * from './brokers';
export * from './operators';
