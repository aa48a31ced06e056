import { KafkaRuntimeTables1732230000000 } from '@tessera/service-kit';
import { ActivationSchema1734200000000 } from './activation-schema.migration';

/** Applied in order at start, inside this service's own schema. Append new migrations; never edit applied ones. */
export const ACTIVATION_DISPATCHER_MIGRATIONS = [KafkaRuntimeTables1732230000000, ActivationSchema1734200000000];
