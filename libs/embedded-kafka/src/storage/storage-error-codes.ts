/**
 * The Kafka error codes storage answers with. Kept local so storage does not depend on the protocol layer's
 * progress; the numbers are Kafka's (org.apache.kafka.common.protocol.Errors).
 */
export const StorageErrorCode = {
  NONE: 0,
  OFFSET_OUT_OF_RANGE: 1,
  CORRUPT_MESSAGE: 2,
  UNKNOWN_TOPIC_OR_PARTITION: 3,
  MESSAGE_TOO_LARGE: 10,
  INVALID_TOPIC_EXCEPTION: 17,
  TOPIC_ALREADY_EXISTS: 36,
  INVALID_PARTITIONS: 37,
  INVALID_CONFIG: 40,
  OUT_OF_ORDER_SEQUENCE_NUMBER: 45,
  INVALID_PRODUCER_EPOCH: 47,
  INVALID_TXN_STATE: 48,
  KAFKA_STORAGE_ERROR: 56,
  INVALID_RECORD: 87,
} as const;
