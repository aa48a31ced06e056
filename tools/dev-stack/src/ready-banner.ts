import { maskUrlPassword } from '@tessera/config';
import type { DevStackEndpoints } from './dev-stack';

export const READY_HEADLINE = 'Tessera is ready.';

/** What a developer needs after `npm start`: where each service answers and the credentials to call them. */
export function formatReadyBanner(endpoints: DevStackEndpoints): string {
  const width = Math.max(...endpoints.services.map((s) => s.name.length), 'Kafka brokers'.length) + 2;
  const row = (label: string, value: string) => `  ${label.padEnd(width)}${value}`;
  return [
    '',
    READY_HEADLINE,
    '',
    ...endpoints.services.map((s) => row(s.name, `${s.url}  (/readyz /metrics /openapi.json)`)),
    '',
    row(
      'Kafka brokers',
      `${endpoints.kafkaBrokers}${!endpoints.embeddedKafka ? '  (external)' : endpoints.kafkaKind === 'apache' ? '  (Apache Kafka, local)' : '  (embedded)'}`,
    ),
    // The embedded superuser's URL is the developer's way in (psql), like the tokens below; an external one is
    // somebody's real credential, so its password stays masked.
    row(
      'Postgres',
      endpoints.embeddedPostgres ? `${endpoints.databaseUrl}  (embedded)` : `${maskUrlPassword(endpoints.databaseUrl)}  (external)`,
    ),
    row('Dev write key', endpoints.secrets.writeKey),
    row('Admin token', endpoints.secrets.adminToken),
    row('Read token', endpoints.secrets.readToken),
    '',
    'APIs take "Authorization: Bearer <admin token>", or the read token on GET. Press Ctrl-C to stop everything.',
    '',
  ].join('\n');
}
