export { startBroker, KAFKA_DEFAULT_MAX_REQUEST_BYTES, type BrokerOptions, type RunningBroker } from './broker';
export type { FsyncPolicy } from './storage';
// Test support, re-exported by libs/testing: the broker's compatibility suites use it too.
export { eventually } from './test-support/eventually';
