export * from './market';
export * from './time';
