const KAFKAJS_FAST_PATHS_VARIABLE = 'TESSERA_KAFKAJS_FAST_PATHS';

/** On unless the variable says 0 (or false); any other value is a mistake worth stopping for. */
export function kafkajsFastPathsEnabled(env: NodeJS.ProcessEnv): boolean {
  const raw = env[KAFKAJS_FAST_PATHS_VARIABLE];
  const value = raw?.trim().toLowerCase() ?? '';
  if (value === '' || value === '1' || value === 'true') return true;
  if (value === '0' || value === 'false') return false;
  throw new Error(`${KAFKAJS_FAST_PATHS_VARIABLE} must be 1 or 0, got ${JSON.stringify(raw)}`);
}
