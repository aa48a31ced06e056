import type { JsonSchema } from '@tessera/connector-sdk';
import type { SingerCatalog } from './singer-catalog';

/**
 * When a tap's STATE becomes a checkpoint:
 * - `on-success` (default): once, after the tap exits 0. A failed run commits nothing and keeps the old state, as
 *   issue 15 asks; a long initial sync commits all its records at the end, in one go.
 * - `each-state`: every STATE, as the tap prints it (after every record before it). A failed run keeps what was
 *   committed up to the last STATE before the failure, which the Singer spec says is a safe place to resume.
 */
export type SingerStateCommit = 'on-success' | 'each-state';

export interface SingerConfig {
  /** The tap's executable, e.g. `/opt/taps/hubspot/bin/tap-hubspot`, or `node` with the script in `args`. */
  command: string;
  /** Arguments before the Singer ones (`--config`, `--state`, `--catalog`, `--discover`). */
  args?: string[];
  /** The tap's own config, written to a temp file passed as `--config`. */
  tapConfig?: Record<string, unknown>;
  /** The secret part of the tap's config (passwords, tokens): merged over `tapConfig` in the same file. */
  tapSecrets?: Record<string, unknown>;
  /** The catalog to run with; without one, each read runs `--discover` first. The read selects its stream in it. */
  catalog?: SingerCatalog;
  /** Older taps take the catalog as `--properties`. */
  catalogFlag?: 'catalog' | 'properties';
  /** Environment variables for the tap, beside PATH, HOME, LANG and TZ (nothing else of ours is passed on). */
  env?: Record<string, string>;
  secretEnv?: Record<string, string>;
  stateCommit?: SingerStateCommit;
}

const stringMap = { type: 'object', additionalProperties: { type: 'string' } };

export const SINGER_CONFIG_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['command'],
  additionalProperties: false,
  properties: {
    command: { type: 'string', minLength: 1 },
    args: { type: 'array', items: { type: 'string' } },
    tapConfig: { type: 'object' },
    tapSecrets: { type: 'object', secret: true },
    catalog: { type: 'object', required: ['streams'], properties: { streams: { type: 'array', items: { type: 'object' } } } },
    catalogFlag: { enum: ['catalog', 'properties'] },
    env: stringMap,
    secretEnv: { ...stringMap, secret: true },
    stateCommit: { enum: ['on-success', 'each-state'] },
  },
};
