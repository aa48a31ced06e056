export { startBroker, KAFKA_DEFAULT_MAX_REQUEST_BYTES, type BrokerOptions, type RunningBroker } from './broker';
export type { FsyncPolicy } from './storage';
