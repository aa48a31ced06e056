import { ErrorCode } from '../../protocol';
import type { BrokerContext } from '../broker-context';
import type { RequestHandler } from '../request-handler';
import { brokerConfigEntries, type ConfigEntry, topicConfigEntries } from '../broker-config-entries';

const TOPIC = 2;
const BROKER = 4;

interface Resource {
  resourceType: number;
  resourceName: string;
  configurationKeys: string[] | null;
}

/** DescribeConfigs for topics and this broker, with Kafka's config names (kafkajs admin, kcat and AdminClient ask). */
export const handleDescribeConfigs: RequestHandler = (ctx, { body }) => ({
  throttleTimeMs: 0,
  results: (body.resources as Resource[]).map((r) => describe(ctx, r, body.includeSynonyms === true)),
});

function describe(ctx: BrokerContext, resource: Resource, includeSynonyms: boolean) {
  const base = { resourceType: resource.resourceType, resourceName: resource.resourceName };
  let entries: ConfigEntry[];
  if (resource.resourceType === TOPIC) {
    const found = topicConfigEntries(ctx, resource.resourceName);
    if (!found)
      return {
        ...base,
        errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
        errorMessage: `Topic ${resource.resourceName} does not exist.`,
        configs: [],
      };
    entries = found;
  } else if (resource.resourceType === BROKER) {
    if (resource.resourceName !== '' && resource.resourceName !== String(ctx.config.brokerId)) {
      return {
        ...base,
        errorCode: ErrorCode.INVALID_REQUEST,
        errorMessage: `Unexpected broker id, expected ${ctx.config.brokerId}`,
        configs: [],
      };
    }
    entries = brokerConfigEntries(ctx);
  } else {
    return {
      ...base,
      errorCode: ErrorCode.INVALID_REQUEST,
      errorMessage: `Unsupported resource type ${resource.resourceType}`,
      configs: [],
    };
  }
  const keys = resource.configurationKeys;
  const selected = keys === null || keys.length === 0 ? entries : entries.filter((e) => keys.includes(e.name));
  return {
    ...base,
    errorCode: ErrorCode.NONE,
    errorMessage: null,
    configs: selected.map((e) => ({
      name: e.name,
      value: e.value,
      readOnly: e.readOnly,
      isDefault: e.source === 'default',
      configSource: SOURCE_CODES[e.source],
      isSensitive: false,
      synonyms: includeSynonyms ? [{ name: e.name, value: e.value, source: SOURCE_CODES[e.source] }] : [],
      configType: e.type,
      documentation: null,
    })),
  };
}

/** ConfigSource numbers of DescribeConfigsResponse. */
const SOURCE_CODES: Record<ConfigEntry['source'], number> = { topic: 1, broker: 4, default: 5 };
