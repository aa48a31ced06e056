export * from './destination';
