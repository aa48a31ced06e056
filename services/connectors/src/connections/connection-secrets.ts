import { REDACTED, secretPaths, type JsonSchema } from '@tessera/connector-sdk';

function read(config: unknown, keys: string[]): unknown {
  let at: unknown = config;
  for (const key of keys) {
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return at;
}

/**
 * Secrets are write-only: an API client sends back what it read, with `***` where a secret was. Each secret the
 * incoming config leaves at `***` keeps its stored value (a new one replaces it; an absent one is removed).
 */
export function restoreSecrets(
  schema: JsonSchema,
  incoming: Record<string, unknown>,
  stored: Record<string, unknown> | null,
): Record<string, unknown> {
  const config = structuredClone(incoming);
  for (const keys of secretPaths(schema)) {
    if (read(config, keys) !== REDACTED) continue;
    const parent = read(config, keys.slice(0, -1)) as Record<string, unknown>;
    const kept = stored === null ? undefined : read(stored, keys);
    if (kept === undefined) delete parent[keys[keys.length - 1]];
    else parent[keys[keys.length - 1]] = kept;
  }
  return config;
}
