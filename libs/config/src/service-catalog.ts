/**
 * The one place that says which services exist, where they listen by default and which Postgres schema each owns.
 * The dev stack, the deploy files (and the test that checks them) and every service's config read it from here,
 * so a port or schema can never drift between them.
 */
export interface ServiceDescriptor {
  /** Kebab-case name; also the Kafka client id, the metric prefix (as snake_case) and the deploy name. */
  readonly name: string;
  readonly defaultPort: number;
  /** Postgres schema the service owns; no other service reads it. */
  readonly schema: string;
  readonly description: string;
}

export const SERVICE_CATALOG = {
  'ingest-gateway': {
    name: 'ingest-gateway',
    defaultPort: 8080,
    schema: 'ingest',
    description: 'Segment-compatible HTTP tracking API and connector record intake; owns sources and write keys',
  },
  validation: {
    name: 'validation',
    defaultPort: 8081,
    schema: 'validation',
    description: 'Tracking-plan validation, dedupe window and the rejections DLQ with replay',
  },
  'identity-resolver': {
    name: 'identity-resolver',
    defaultPort: 8082,
    schema: 'identity',
    description: 'Identity graph: links identifiers into profiles and logs every merge with its reason',
  },
  'profile-merger': {
    name: 'profile-merger',
    defaultPort: 8083,
    schema: 'profile',
    description: 'Customer 360 profiles with source and field priority survivorship and computed fields',
  },
  'segment-evaluator': {
    name: 'segment-evaluator',
    defaultPort: 8084,
    schema: 'segments',
    description: 'Segment definitions, real-time membership evaluation and preview counts',
  },
  'activation-dispatcher': {
    name: 'activation-dispatcher',
    defaultPort: 8085,
    schema: 'activation',
    description: 'Destinations (webhook, file export, Kafka topic), syncs and the delivery log',
  },
  connectors: {
    name: 'connectors',
    defaultPort: 8086,
    schema: 'connectors',
    description: 'Connections to business systems, scheduled exactly-once syncs into cdp.records.raw, run history',
  },
} as const satisfies Record<string, ServiceDescriptor>;

export type ServiceName = keyof typeof SERVICE_CATALOG;

/** Pipeline order, which is also the order the dev stack starts them in. */
export const SERVICE_NAMES: readonly ServiceName[] = [
  'ingest-gateway',
  'validation',
  'identity-resolver',
  'profile-merger',
  'segment-evaluator',
  'activation-dispatcher',
  'connectors',
];

export function isServiceName(value: string): value is ServiceName {
  return Object.prototype.hasOwnProperty.call(SERVICE_CATALOG, value);
}

/** Looks a service up by name; throws for names that are not in the catalog (e.g. a typo in a CLI argument). */
export function getServiceDescriptor(name: string): ServiceDescriptor {
  if (!isServiceName(name)) {
    throw new Error(`Unknown service "${name}"; expected one of: ${SERVICE_NAMES.join(', ')}`);
  }
  return SERVICE_CATALOG[name];
}
