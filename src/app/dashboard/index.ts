export * from './state';
export * from './screen';
export * from './format';
export * from './render';
export * from './summary';
export * from './sources';
export * from './paint';
export * from './app';
