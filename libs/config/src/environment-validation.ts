import { cleanEnv, EnvMissingError, type CleanedEnv, type ValidatorSpec } from 'envalid';
import { ConfigValidationError, type ConfigIssue } from './config-validation.error';
import { describeValueSafely } from './secret-values';

export type EnvSpec = Record<string, ValidatorSpec<unknown>>;
export type EnvSource = Record<string, string | undefined>;

/** Turns one envalid error into a sentence that names the variable, what is expected and what was given. */
export function describeIssue(variable: string, error: Error, source: EnvSource, spec?: ValidatorSpec<unknown>): ConfigIssue {
  if (error instanceof EnvMissingError) {
    const hint = spec?.desc ? ` (${spec.desc})` : '';
    return { variable, message: `${variable} is required${hint}` };
  }
  const raw = source[variable] ?? '';
  const expectation = error.message.startsWith('must ') ? error.message : `is invalid (${error.message})`;
  return { variable, message: `${variable} ${expectation}, got ${describeValueSafely(variable, raw)}` };
}

/**
 * Validates `source` against `specs` and returns the cleaned values plus every issue found; envalid's own
 * reporter would print and call process.exit, which a library must not do.
 */
export function collectEnvironment<S extends EnvSpec>(specs: S, source: EnvSource): { env: CleanedEnv<S>; issues: ConfigIssue[] } {
  const issues: ConfigIssue[] = [];
  const env = cleanEnv(source, specs, {
    reporter: ({ errors }) => {
      for (const [variable, error] of Object.entries(errors as Record<string, Error | undefined>)) {
        if (error) issues.push(describeIssue(variable, error, source, specs[variable]));
      }
    },
  });
  return { env, issues };
}

/** Validates and returns the cleaned environment, or throws ConfigValidationError naming every bad variable. */
export function validateEnvironment<S extends EnvSpec>(specs: S, source: EnvSource = process.env): CleanedEnv<S> {
  const { env, issues } = collectEnvironment(specs, source);
  if (issues.length > 0) throw new ConfigValidationError(issues);
  return env;
}
