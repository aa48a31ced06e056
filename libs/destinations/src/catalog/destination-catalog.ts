import type { ValidateFunction } from 'ajv';
import type { ConfigProblem, DestinationAdapter, DestinationCatalog, DestinationKind, DestinationSpec } from '../destination';
import { fileExportDestination } from '../file/file-export-destination';
import { googleCustomerMatchDestination } from '../google/google-customer-match-destination';
import { kafkaTopicDestination } from '../kafka/kafka-topic-destination';
import { metaAudienceDestination } from '../meta/meta-audience-destination';
import { webhookDestination } from '../webhook/webhook-destination';
import { compileSchema, problemsOf } from './config-problems';
import type { DestinationDeps, DestinationKindDefinition, ValidSpec } from './destination-kind';

const DEFINITIONS: readonly DestinationKindDefinition<never, never>[] = [
  webhookDestination,
  fileExportDestination,
  kafkaTopicDestination,
  metaAudienceDestination,
  googleCustomerMatchDestination,
] as unknown as DestinationKindDefinition<never, never>[];

interface CompiledKind {
  definition: DestinationKindDefinition<unknown, unknown>;
  config: ValidateFunction;
  secrets: ValidateFunction;
}

/**
 * Every kind of destination the dispatcher can deliver to. `deps` replaces fetch or the clock (tests, proxies);
 * by default Node's own fetch (undici) and Date.now.
 */
export function createDestinationCatalog(deps: Partial<DestinationDeps> = {}): DestinationCatalog {
  const resolved: DestinationDeps = { fetch: deps.fetch ?? ((input, init) => fetch(input, init)), now: deps.now ?? Date.now };
  const kinds = new Map<string, CompiledKind>(
    DEFINITIONS.map((d) => {
      const definition = d as unknown as DestinationKindDefinition<unknown, unknown>;
      return [
        definition.kind,
        { definition, config: compileSchema(definition.configSchema), secrets: compileSchema(definition.secretsSchema) },
      ];
    }),
  );

  function validate(kind: string, config: unknown, secrets: unknown): ConfigProblem[] {
    const compiled = kinds.get(kind);
    if (!compiled) return [{ path: '/kind', message: `must be one of ${[...kinds.keys()].join(', ')}` }];
    const problems = [...problemsOf(compiled.config, config ?? {}, '/config'), ...problemsOf(compiled.secrets, secrets ?? {}, '/secrets')];
    if (problems.length > 0) return problems;
    return compiled.definition.extraProblems?.(config ?? {}, secrets ?? {}) ?? [];
  }

  return {
    kinds: [...kinds.keys()] as DestinationKind[],
    validate,
    create(spec: DestinationSpec): DestinationAdapter {
      const problems = validate(spec.kind, spec.config, spec.secrets);
      if (problems.length > 0) {
        throw new Error(
          `destination ${spec.destinationId} (${spec.kind}) is misconfigured: ${problems.map((p) => `${p.path} ${p.message}`).join('; ')}`,
        );
      }
      return kinds.get(spec.kind)!.definition.create(spec as ValidSpec<unknown, unknown>, resolved);
    },
  };
}
