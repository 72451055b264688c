/** Pipe-able signal operators on the normalized model ('rx-market/operators'). */
export * from './bars';
export * from './vwap';
export * from './ema';
export * from './spread';
export * from './mid-price';
export * from './micro-price';
export * from './book-imbalance';
export * from './crossover';
export * from './latest-per-key';
export * from './position-pnl';
export * from './unique-trades';
export type { BookLike, CrossedOption } from './top-of-book';
