import type { Client } from 'pg';
import type { StreamDescriptor } from '@tessera/connector-sdk';
import { connectSource, messageOf, scrubSecrets } from './postgres-client';
import type { PostgresConfig, PostgresStreamConfig } from './postgres-config';
import { streamColumns, streamPrimaryKey } from './postgres-catalog';
import { jsonSchemaOfType } from './postgres-types';

/** Types a replication key can have (what discover offers as cursor candidates besides the configured one). */
const ORDERED_TYPES = new Set(['timestamptz', 'timestamp', 'date', 'int2', 'int4', 'int8', 'numeric']);

/** Connects, then checks every stream: its table or query runs, its replication and primary key columns exist. */
export async function checkPostgres(config: PostgresConfig): Promise<void> {
  await withSource(config, async (client) => {
    for (const stream of config.streams) {
      const columns = new Set((await streamColumns(client, stream)).map((c) => c.name));
      const primaryKey = await streamPrimaryKey(client, stream);
      const missing = [stream.replicationKey, ...primaryKey].filter((c) => !columns.has(c));
      if (missing.length > 0) throw new Error(`stream ${stream.name}: no column ${missing.join(', ')} (it has ${[...columns].join(', ')})`);
    }
  });
}

/** The configured streams with their columns as JSON Schema, their primary key and cursor candidates. */
export async function discoverPostgres(config: PostgresConfig): Promise<StreamDescriptor[]> {
  return withSource(config, async (client) => {
    const streams: StreamDescriptor[] = [];
    for (const stream of config.streams) streams.push(await describeStream(client, stream));
    return streams;
  });
}

async function describeStream(client: Client, stream: PostgresStreamConfig): Promise<StreamDescriptor> {
  const columns = await streamColumns(client, stream);
  const others = columns.filter((c) => c.name !== stream.replicationKey && ORDERED_TYPES.has(c.typeName)).map((c) => c.name);
  return {
    name: stream.name,
    schema: { type: 'object', properties: Object.fromEntries(columns.map((c) => [c.name, jsonSchemaOfType(c.typeName, c.nullable)])) },
    primaryKey: await streamPrimaryKey(client, stream),
    cursorCandidates: [stream.replicationKey, ...others],
  };
}

async function withSource<T>(config: PostgresConfig, work: (client: Client) => Promise<T>): Promise<T> {
  const client = await connectSource(config);
  try {
    return await work(client);
  } catch (error) {
    throw new Error(scrubSecrets(messageOf(error), config));
  } finally {
    await client.end().catch(() => undefined);
  }
}
