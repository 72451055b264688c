export * from './format';
export * from './writer';
export * from './reader';
export * from './observable';
export * from './replayer';
export * from './recorder';
