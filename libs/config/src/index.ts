export * from './service-catalog';
export * from './config-validation-error';
export * from './env-validators';
export * from './environment-validation';
export * from './shared-environment';
export * from './service-config';
export * from './secret-values';
export { makeValidator, EnvError, type ValidatorSpec, type CleanedEnv } from 'envalid';
