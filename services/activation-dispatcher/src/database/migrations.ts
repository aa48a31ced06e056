import { KafkaRuntimeTables1732230000000 } from '@tessera/service-kit';
import { ActivationCore1733600000000 } from './activation-core.migration';
import { ActivationTables1733500000000 } from './activation-tables.migration';
import { DeadDeliveriesIndex1734000000000 } from './dead-deliveries-index.migration';
import { DeliveryIndexes1733900000000 } from './delivery-indexes.migration';
import { DeliveryLease1733700000000 } from './delivery-lease.migration';
import { DeliveryWithdrawal1733800000000 } from './delivery-withdrawal.migration';
import { DeliveryWriteCost1734100000000 } from './delivery-write-cost.migration';

/** Applied in order at start, inside this service's own schema. Append new migrations; never edit applied ones. */
export const ACTIVATION_DISPATCHER_MIGRATIONS = [
  KafkaRuntimeTables1732230000000,
  ActivationTables1733500000000,
  ActivationCore1733600000000,
  DeliveryLease1733700000000,
  DeliveryWithdrawal1733800000000,
  DeliveryIndexes1733900000000,
  DeadDeliveriesIndex1734000000000,
  DeliveryWriteCost1734100000000,
];
