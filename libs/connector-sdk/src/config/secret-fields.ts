import type { JsonSchema } from '../connector';

export const REDACTED = '***';

/**
 * The key paths (`['auth', 'token']`) of the properties a schema marks `"secret": true` or `"writeOnly": true`,
 * nested objects included. Arrays of keys rather than dotted text, so a key holding a dot stays one key.
 */
export function secretPaths(schema: JsonSchema, base: readonly string[] = []): string[][] {
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  return Object.entries(properties).flatMap(([key, sub]) => {
    const path = [...base, key];
    if (sub.secret === true || sub.writeOnly === true) return [path];
    return sub.type === 'object' ? secretPaths(sub, path) : [];
  });
}

/** A copy of `config` with every secret that is set replaced by `***`: what an API or a log may show. */
export function redactSecrets<C>(schema: JsonSchema, config: C): C {
  if (config === null || typeof config !== 'object') return config;
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const copy: Record<string, unknown> = { ...(config as Record<string, unknown>) };
  for (const [key, sub] of Object.entries(properties)) {
    if (!(key in copy) || copy[key] === undefined) continue;
    if (sub.secret === true || sub.writeOnly === true) copy[key] = REDACTED;
    else if (sub.type === 'object') copy[key] = redactSecrets(sub, copy[key]);
  }
  return copy as C;
}
