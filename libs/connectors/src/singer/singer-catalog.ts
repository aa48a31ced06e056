import type { JsonSchema, StreamDescriptor } from '@tessera/connector-sdk';

/** A Singer catalog (`--discover`'s output, `--catalog`'s input), as much of it as we read. */
export interface SingerCatalog {
  streams: SingerCatalogEntry[];
}

export interface SingerCatalogEntry {
  tap_stream_id?: string;
  /** The name RECORD messages carry (tap-postgres: the table; its tap_stream_id adds the database and schema). */
  stream?: string;
  schema: JsonSchema;
  key_properties?: string[];
  replication_key?: string;
  metadata?: Array<{ breadcrumb: string[]; metadata: Record<string, unknown> }>;
  [other: string]: unknown;
}

export const streamIdOf = (entry: SingerCatalogEntry): string => String(entry.tap_stream_id ?? entry.stream);
/** The names a tap's RECORDs for this entry may carry: taps differ on `stream` or `tap_stream_id`. */
export const recordStreamsOf = (entry: SingerCatalogEntry): string[] =>
  [entry.stream, entry.tap_stream_id].filter((n): n is string => typeof n === 'string');

/** A catalog stream as the SDK sees it: keys from key_properties (or table-key-properties), cursors from valid-replication-keys. */
export function toStreamDescriptor(entry: SingerCatalogEntry): StreamDescriptor {
  const top = topMetadata(entry);
  const fields = Object.keys((entry.schema.properties ?? {}) as object);
  const known = (names: unknown): string[] => (Array.isArray(names) ? names.map(String).filter((n) => fields.includes(n)) : []);
  const replicationKeys = top['valid-replication-keys'] ?? [entry.replication_key ?? top['replication-key']].filter(Boolean);
  return {
    name: streamIdOf(entry),
    schema: entry.schema,
    primaryKey: known(entry.key_properties ?? top['table-key-properties']),
    cursorCandidates: known(replicationKeys),
  };
}

export function parseCatalog(text: string): SingerCatalog {
  const catalog = JSON.parse(text) as SingerCatalog;
  if (!Array.isArray(catalog?.streams)) throw new Error('the tap printed a catalog without a streams array');
  return catalog;
}

export function findEntry(catalog: SingerCatalog, stream: string): SingerCatalogEntry {
  const entry = catalog.streams.find((e) => streamIdOf(e) === stream);
  if (!entry) throw new Error(`the tap's catalog has no stream ${stream} (it has ${catalog.streams.map(streamIdOf).join(', ')})`);
  return entry;
}

/**
 * The catalog a read runs with: only `stream` selected, in the stream's breadcrumb-[] metadata (the Singer way) and
 * in the legacy `schema.selected` some older taps read.
 */
export function selectOnly(catalog: SingerCatalog, stream: string): SingerCatalog {
  findEntry(catalog, stream);
  return {
    ...catalog,
    streams: catalog.streams.map((entry) => {
      const selected = streamIdOf(entry) === stream;
      const others = (entry.metadata ?? []).filter((m) => m.breadcrumb.length > 0);
      return {
        ...entry,
        schema: { ...entry.schema, selected },
        metadata: [{ breadcrumb: [], metadata: { ...topMetadata(entry), selected } }, ...others],
      };
    }),
  };
}

function topMetadata(entry: SingerCatalogEntry): Record<string, unknown> {
  return entry.metadata?.find((m) => m.breadcrumb.length === 0)?.metadata ?? {};
}
