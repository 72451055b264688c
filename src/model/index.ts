export * from './market';
export * from './time';
export * from './krx';
