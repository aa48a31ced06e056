export * from './destination';
export { createDestinationCatalog } from './catalog/destination-catalog';
export type { DestinationDeps } from './catalog/destination-kind';
export type { WebhookBody } from './webhook/webhook-body';
export type { WebhookConfig, WebhookSecrets } from './webhook/webhook-config';
export type { FileExportConfig, FileFormat } from './file/file-export-config';
export { STAGING_DIR as FILE_EXPORT_STAGING_DIR } from './file/segment-writer';
export type { KafkaTopicConfig, KafkaTopicSecrets } from './kafka/kafka-topic-config';
export {
  DELIVERY_RECORD_SCHEMA,
  DELIVERY_RECORD_CONTENT_TYPE,
  DELIVERY_RECORD_FINGERPRINT_HEX,
  decodeDeliveryRecord,
  type DeliveryRecord,
} from './kafka/delivery-record-schema';
export type { MetaAudienceConfig, MetaAudienceSecrets } from './meta/meta-audience-config';
export { parseMetaUsersForm, type MetaUsersBody, type MetaUsersResponse } from './meta/meta-payload';
export type { GoogleCustomerMatchConfig, GoogleCustomerMatchSecrets } from './google/google-customer-match-config';
export type { OfflineUserDataJobOperation, UserIdentifier } from './google/google-payload';
export {
  sha256Hex,
  normalizeEmailForMeta,
  normalizeEmailForGoogle,
  normalizePhoneForMeta,
  normalizePhoneForGoogle,
} from './hashing/identifier-normalization';
