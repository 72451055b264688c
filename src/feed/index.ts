export * from './market-feed';
