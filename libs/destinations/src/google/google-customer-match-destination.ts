import type { DestinationKindDefinition } from '../catalog/destination-kind';
import { countryProblems } from '../catalog/country-problems';
import { GoogleCustomerMatchAdapter } from './google-customer-match-adapter';
import {
  googleCustomerMatchConfigSchema,
  googleCustomerMatchSecretsSchema,
  googleSecretsProblems,
  type GoogleCustomerMatchConfig,
  type GoogleCustomerMatchSecrets,
} from './google-customer-match-config';

export const googleCustomerMatchDestination: DestinationKindDefinition<GoogleCustomerMatchConfig, GoogleCustomerMatchSecrets> = {
  kind: 'google_customer_match',
  configSchema: googleCustomerMatchConfigSchema,
  secretsSchema: googleCustomerMatchSecretsSchema,
  extraProblems: (config, secrets) => [...countryProblems(config.defaultCountry), ...googleSecretsProblems(secrets)],
  create: (spec, deps) => new GoogleCustomerMatchAdapter(spec.config, spec.secrets, deps),
};
