import { randomBytes } from 'node:crypto';
import type { ConfigIssue } from './config-validation.error';
import { token } from './env-validators';
import type { EnvSource } from './environment-validation';
import type { ServiceDescriptor } from './service-catalog';

export const API_TOKEN_MIN_LENGTH_IN_PRODUCTION = 16;

/** `profile-merger` + `ADMIN_TOKEN` -> `PROFILE_MERGER_ADMIN_TOKEN`: a variable meant for one service only. */
export function serviceVariableName(serviceName: string, suffix: string): string {
  return `${serviceName.toUpperCase().replace(/-/g, '_')}_${suffix}`;
}

/** The per-service token variables; each overrides its TESSERA_* counterpart for that service alone. */
export function serviceTokenVariables(service: Pick<ServiceDescriptor, 'name'>): { admin: string; read: string } {
  return { admin: serviceVariableName(service.name, 'ADMIN_TOKEN'), read: serviceVariableName(service.name, 'READ_TOKEN') };
}

/**
 * Validators of the per-service token variables. Their names depend on the service, so they sit beside the shared
 * spec rather than in it; an empty value counts as unset (compose's `${PROFILE_MERGER_ADMIN_TOKEN:-}`).
 */
export function serviceTokenSpec(service: Pick<ServiceDescriptor, 'name'>) {
  const names = serviceTokenVariables(service);
  return {
    [names.admin]: token({ default: undefined, desc: `admin bearer token of ${service.name} only; overrides TESSERA_ADMIN_TOKEN` }),
    [names.read]: token({ default: undefined, desc: `read-only (GET) bearer token of ${service.name} only; overrides TESSERA_READ_TOKEN` }),
  };
}

/** Variables where an empty value means "not set" rather than "invalid". */
export function optionalTokenVariables(service: Pick<ServiceDescriptor, 'name'>): string[] {
  const names = serviceTokenVariables(service);
  return ['TESSERA_READ_TOKEN', names.admin, names.read];
}

export function withoutEmptyValues(source: EnvSource, names: readonly string[]): EnvSource {
  const copy = { ...source };
  for (const name of names) if (copy[name] === '') delete copy[name];
  return copy;
}

export interface ApiTokens {
  readonly adminToken: string;
  /** 'generated' outside production when no admin token variable is set: a random per-process token. */
  readonly adminTokenSource: 'environment' | 'generated';
  /** The variable the admin token came from (TESSERA_ADMIN_TOKEN or <SERVICE>_ADMIN_TOKEN); undefined when generated. */
  readonly adminTokenVariable: string | undefined;
  /** Bearer token accepted on GET and HEAD routes only; undefined disables read-only access. */
  readonly readToken: string | undefined;
  readonly readTokenVariable: string | undefined;
}

/**
 * The admin and read tokens of one service: `<SERVICE>_ADMIN_TOKEN` wins over TESSERA_ADMIN_TOKEN (and likewise for
 * the read token), so one leaked service token need not open every service. `env` holds the validated values.
 */
export function resolveApiTokens(
  service: Pick<ServiceDescriptor, 'name'>,
  env: Readonly<Record<string, unknown>>,
  isProduction: boolean,
): { tokens: ApiTokens; issues: ConfigIssue[] } {
  const names = serviceTokenVariables(service);
  const pick = (...variables: string[]) => {
    const variable = variables.find((name) => typeof env[name] === 'string');
    return { variable, value: variable === undefined ? undefined : (env[variable] as string) };
  };
  const admin = pick(names.admin, 'TESSERA_ADMIN_TOKEN');
  const read = pick(names.read, 'TESSERA_READ_TOKEN');
  const issues: ConfigIssue[] = [];
  if (isProduction && admin.value === undefined) {
    issues.push({
      variable: 'TESSERA_ADMIN_TOKEN',
      message: `TESSERA_ADMIN_TOKEN is required in production (bearer token for the admin APIs; ${names.admin} may replace it)`,
    });
  }
  for (const { variable, value } of [admin, read]) {
    if (isProduction && variable && value && value.length < API_TOKEN_MIN_LENGTH_IN_PRODUCTION) {
      issues.push({
        variable,
        message: `${variable} must be at least ${API_TOKEN_MIN_LENGTH_IN_PRODUCTION} characters in production, got a ${value.length}-character value`,
      });
    }
  }
  // Equal tokens would make every read-only client an admin.
  if (read.variable && read.value === admin.value) {
    issues.push({ variable: read.variable, message: `${read.variable} must differ from ${admin.variable}` });
  }
  return {
    tokens: {
      adminToken: admin.value ?? randomBytes(24).toString('hex'),
      adminTokenSource: admin.value === undefined ? 'generated' : 'environment',
      adminTokenVariable: admin.variable,
      readToken: read.value,
      readTokenVariable: read.variable,
    },
    issues,
  };
}
