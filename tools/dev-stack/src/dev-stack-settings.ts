import { SERVICE_CATALOG, SERVICE_NAMES, serviceVariableName, type ServiceName } from '@tessera/config';
import path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

export interface DevStackSettings {
  /** Where the embedded broker and Postgres keep their data and the dev secrets live; git-ignored. */
  dataDir: string;
  /** Set: use this Kafka instead of starting the embedded broker. */
  externalKafkaBrokers?: string;
  /** Set: use this Postgres instead of starting the embedded one. */
  externalDatabaseUrl?: string;
  /** Port for the embedded broker (0 = free port). */
  kafkaPort: number;
  /** TESSERA_KAFKA: the broker `npm start` runs (embedded by default; apache needs Java 17+ and Maven). */
  kafkaKind: 'embedded' | 'apache';
  /** Port for the embedded Postgres (0 = free port). */
  postgresPort: number;
  /** HTTP port per service (0 = free port). */
  servicePorts: Record<ServiceName, number>;
  fixedWriteKey?: string;
  fixedAdminToken?: string;
  fixedReadToken?: string;
  logLevel: string;
  /** How long to wait for every /readyz before giving up. */
  readyTimeoutMs: number;
}

/** `ingest-gateway` -> `INGEST_GATEWAY_PORT`: overrides one service's port. */
export function servicePortVariable(name: ServiceName): string {
  return serviceVariableName(name, 'PORT');
}

/**
 * Everything the dev stack reads from its environment. TESSERA_DEV_EPHEMERAL_PORTS=1 puts every listener on a
 * free port (tests, or a machine where 5432/9092/808x are taken) unless a specific port variable says otherwise.
 */
export function readDevStackSettings(env: NodeJS.ProcessEnv = process.env): DevStackSettings {
  const ephemeral = env.TESSERA_DEV_EPHEMERAL_PORTS === '1' || env.TESSERA_DEV_EPHEMERAL_PORTS === 'true';
  const portFrom = (variable: string, fallback: number): number => {
    const raw = env[variable];
    if (raw === undefined || raw === '') return ephemeral ? 0 : fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 0 || value > 65535)
      throw new Error(`${variable} must be a port number 0-65535, got ${JSON.stringify(raw)}`);
    return value;
  };
  const servicePorts = Object.fromEntries(
    SERVICE_NAMES.map((name) => [name, portFrom(servicePortVariable(name), SERVICE_CATALOG[name].defaultPort)]),
  ) as Record<ServiceName, number>;
  return {
    dataDir: path.resolve(env.TESSERA_DATA_DIR || path.join(REPO_ROOT, '.data')),
    externalKafkaBrokers: env.KAFKA_BROKERS || undefined,
    externalDatabaseUrl: env.DATABASE_URL || undefined,
    kafkaPort: portFrom('TESSERA_KAFKA_PORT', 9092),
    kafkaKind: kafkaKindFrom(env.TESSERA_KAFKA),
    postgresPort: portFrom('TESSERA_POSTGRES_PORT', 5432),
    servicePorts,
    fixedWriteKey: env.TESSERA_DEV_WRITE_KEY || undefined,
    fixedAdminToken: env.TESSERA_ADMIN_TOKEN || undefined,
    fixedReadToken: env.TESSERA_READ_TOKEN || undefined,
    logLevel: env.LOG_LEVEL || 'info',
    readyTimeoutMs: Number(env.TESSERA_DEV_READY_TIMEOUT_MS || 180_000),
  };
}

function kafkaKindFrom(raw: string | undefined): 'embedded' | 'apache' {
  if (raw === undefined || raw === '' || raw === 'embedded') return 'embedded';
  if (raw === 'apache') return 'apache';
  throw new Error(`TESSERA_KAFKA must be embedded or apache, got ${JSON.stringify(raw)}`);
}
