export * from './test-database';
export * from './test-source-database';
export * from './test-broker';
export * from './topic-collector';
export * from './service-scaffold.spec-helper';
export * from './service-child-process';
export * from './recording-http-server';
export { freePort } from './free-port';
export * from './dedicated-postgres';
