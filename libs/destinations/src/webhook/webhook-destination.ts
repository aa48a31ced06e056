import type { DestinationKindDefinition } from '../catalog/destination-kind';
import { WebhookAdapter } from './webhook-adapter';
import { webhookConfigSchema, webhookExtraProblems, webhookSecretsSchema, type WebhookConfig, type WebhookSecrets } from './webhook-config';

export const webhookDestination: DestinationKindDefinition<WebhookConfig, WebhookSecrets> = {
  kind: 'webhook',
  configSchema: webhookConfigSchema,
  secretsSchema: webhookSecretsSchema,
  extraProblems: (config) => webhookExtraProblems(config),
  create: (spec, deps) => new WebhookAdapter(spec.config, spec.secrets, deps),
};
