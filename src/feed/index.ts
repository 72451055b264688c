export * from './market-feed';
export * from './controls';
export * from './symbols';
