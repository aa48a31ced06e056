import type { DestinationKindDefinition } from '../catalog/destination-kind';
import { MetaAudienceAdapter } from './meta-audience-adapter';
import { countryProblems } from '../catalog/country-problems';
import {
  metaAudienceConfigSchema,
  metaAudienceSecretsSchema,
  type MetaAudienceConfig,
  type MetaAudienceSecrets,
} from './meta-audience-config';

export const metaAudienceDestination: DestinationKindDefinition<MetaAudienceConfig, MetaAudienceSecrets> = {
  kind: 'meta_audience',
  configSchema: metaAudienceConfigSchema,
  secretsSchema: metaAudienceSecretsSchema,
  extraProblems: (config) => countryProblems(config.defaultCountry),
  create: (spec, deps) => new MetaAudienceAdapter(spec.config, spec.secrets, deps),
};
