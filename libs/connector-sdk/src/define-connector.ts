import { compileJsonSchema, jsonSchemaProblems } from '@tessera/config';
import type { CheckResult, ConfigProblem, Connector, Cursor, JsonSchema, ReadMessage, ReadOptions, StreamDescriptor } from './connector';
import { describeProblems, InvalidConfigError } from './invalid-config.error';

export interface ConnectorDefinition<C> {
  name: string;
  configSchema: JsonSchema;
  /** Reach the source; throw (or return `{ ok: false }`) when it cannot be reached. */
  check(config: C): Promise<CheckResult | void>;
  discover(config: C): Promise<StreamDescriptor[]>;
  read(config: C, stream: string, cursor: Cursor, options: ReadOptions): AsyncIterable<ReadMessage>;
}

/**
 * Wraps a definition so every entry point validates the config first, `check` never throws, and `read` refuses a
 * config the schema does not accept: the author writes only the source-specific parts.
 */
export function defineConnector<C>(definition: ConnectorDefinition<C>): Connector<C> {
  const validate = compileJsonSchema(definition.configSchema);
  const validateConfig = (config: unknown): ConfigProblem[] => jsonSchemaProblems(validate, config);
  const assertValid = (config: C): void => {
    const problems = validateConfig(config);
    if (problems.length > 0) throw new InvalidConfigError(definition.name, problems);
  };

  return {
    name: definition.name,
    configSchema: definition.configSchema,
    validateConfig,
    async check(config) {
      const problems = validateConfig(config);
      if (problems.length > 0) return { ok: false, message: `invalid config: ${describeProblems(problems)}`, problems };
      try {
        return (await definition.check(config)) ?? { ok: true };
      } catch (error) {
        return { ok: false, message: error instanceof Error ? error.message : String(error) };
      }
    },
    async discover(config) {
      assertValid(config);
      return definition.discover(config);
    },
    read(config, stream, cursor, options = {}) {
      assertValid(config);
      return definition.read(config, stream, cursor, options);
    },
  };
}
