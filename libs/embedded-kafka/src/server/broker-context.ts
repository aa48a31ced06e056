import type { Logger } from 'pino';
import type { GroupCoordinator, GroupDescriber, GroupOffsetManager } from '../group';
import type { BrokerMetrics } from '../metrics';
import type { LogStore } from '../storage';
import type { FetchWaiters } from './fetch-waiters';
import type { TopicProvisioner } from './topic-provisioner';

/** Broker-wide settings the handlers answer with. */
export interface BrokerConfig {
  brokerId: number;
  clusterId: string;
  /** Host and port clients are told to connect to (Metadata, FindCoordinator). */
  advertisedHost: string;
  advertisedPort: number;
  autoCreateTopics: boolean;
  defaultPartitions: number;
  maxRequestBytes: number;
  groupInitialRebalanceDelayMs: number;
  groupMinSessionTimeoutMs: number;
  groupMaxSessionTimeoutMs: number;
  dataDir: string;
}

/** Everything a request handler may use; one per broker. */
export interface BrokerContext {
  readonly config: BrokerConfig;
  readonly store: LogStore;
  readonly coordinator: GroupCoordinator;
  readonly groupOffsets: GroupOffsetManager;
  readonly groupDescriber: GroupDescriber;
  readonly fetchWaiters: FetchWaiters;
  readonly topics: TopicProvisioner;
  readonly metrics: BrokerMetrics;
  readonly logger: Logger;
}
