/**
 * A decoded message body, or one to encode: the Kafka JSON field names in lowerCamelCase. Values are loosely typed
 * on purpose (the tables, not TypeScript, know each version's shape): int64 -> bigint, bytes/records -> Buffer,
 * uuid -> 16-byte Buffer, arrays of nested objects, null where nullable.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type MessageBody = Record<string, any>;
