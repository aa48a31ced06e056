import type { EnvSpec } from '../environment-validation';
import type { ServiceName } from '../service-catalog';
import { describeEnvironmentSpec, type EnvironmentVariableDoc } from '../shared-environment';
import { ACTIVATION_DISPATCHER_ENV_SPEC } from './activation-dispatcher-environment';
import { CONNECTORS_ENV_SPEC } from './connectors-environment';
import { GATEWAY_ENV_SPEC } from './ingest-gateway-environment';
import { SEGMENT_EVALUATOR_ENV_SPEC } from './segment-evaluator-environment';
import { VALIDATION_ENV_SPEC } from './validation-environment';

export interface ServiceEnvironment {
  /** Validators of the service's own variables; main.ts passes them to loadServiceConfigOrExit. */
  readonly spec: EnvSpec;
  /** Variables meant for the dev stack only (a well-known write key): production deploy files must not set them. */
  readonly developmentOnly: readonly string[];
}

const NONE: ServiceEnvironment = { spec: {}, developmentOnly: [] };

/**
 * Every service's own variables, by catalog name: the one table the deploy-file test reads, so docker-compose.yml
 * and deploy/k8s set exactly what each service validates. A service that adds a variable adds it here.
 */
export const SERVICE_ENVIRONMENTS: Readonly<Record<ServiceName, ServiceEnvironment>> = {
  'ingest-gateway': { spec: GATEWAY_ENV_SPEC, developmentOnly: ['TESSERA_DEV_WRITE_KEY'] },
  validation: { spec: VALIDATION_ENV_SPEC, developmentOnly: [] },
  'identity-resolver': NONE,
  'profile-merger': NONE,
  'segment-evaluator': { spec: SEGMENT_EVALUATOR_ENV_SPEC, developmentOnly: [] },
  'activation-dispatcher': { spec: ACTIVATION_DISPATCHER_ENV_SPEC, developmentOnly: [] },
  connectors: { spec: CONNECTORS_ENV_SPEC, developmentOnly: [] },
};

/** The service's own variables (not the shared ones), with what each means and defaults to. */
export function describeServiceEnvironment(name: ServiceName): Array<EnvironmentVariableDoc & { developmentOnly: boolean }> {
  const { spec, developmentOnly } = SERVICE_ENVIRONMENTS[name];
  return describeEnvironmentSpec(spec).map((doc) => ({ ...doc, developmentOnly: developmentOnly.includes(doc.name) }));
}
