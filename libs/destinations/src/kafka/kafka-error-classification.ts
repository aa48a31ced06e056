import type { SendResult } from '../destination';

/** Broker error types that no retry can fix while the config stays as it is. */
const AUTH_TYPES = new Set([
  'TOPIC_AUTHORIZATION_FAILED',
  'CLUSTER_AUTHORIZATION_FAILED',
  'SASL_AUTHENTICATION_FAILED',
  'TRANSACTIONAL_ID_AUTHORIZATION_FAILED',
  'ILLEGAL_SASL_STATE',
  'UNSUPPORTED_SASL_MECHANISM',
]);
const TERMINAL_TYPES = new Set([
  'MESSAGE_TOO_LARGE',
  'RECORD_LIST_TOO_LARGE',
  'INVALID_RECORD',
  'INVALID_TOPIC_EXCEPTION',
  'TOPIC_DELETION_DISABLED',
  'POLICY_VIOLATION',
]);

interface KafkaJsLikeError {
  name?: string;
  message?: string;
  type?: string;
  cause?: unknown;
  errors?: unknown[];
}

/** The error and everything it wraps (kafkajs nests the broker's answer in retry and aggregate errors). */
function chain(error: unknown): KafkaJsLikeError[] {
  const out: KafkaJsLikeError[] = [];
  const stack: unknown[] = [error];
  while (stack.length > 0 && out.length < 20) {
    const e = stack.pop() as KafkaJsLikeError | undefined;
    if (!e || typeof e !== 'object') continue;
    out.push(e);
    if (e.cause) stack.push(e.cause);
    if (Array.isArray(e.errors)) stack.push(...e.errors);
  }
  return out;
}

/**
 * Credentials refused or ACLs missing: auth_failed, in words. A record the broker will never take: terminal.
 * Everything else (brokers down, leader elections, timeouts, unknown topic while it is being created): retry.
 */
export function classifyKafkaError(error: unknown, topic: string): SendResult {
  const errors = chain(error);
  const message = (error as Error)?.message ?? String(error);
  const auth = errors.find((e) => e.name === 'KafkaJSSASLAuthenticationError' || (e.type && AUTH_TYPES.has(e.type)));
  if (auth) return { outcome: 'auth_failed', error: `the Kafka cluster rejected the credentials: ${auth.message ?? auth.type}` };
  const terminal = errors.find((e) => e.type && TERMINAL_TYPES.has(e.type));
  if (terminal) return { outcome: 'terminal', error: `the Kafka cluster refused the records: ${terminal.type}: ${terminal.message}` };
  // Still a retry (someone may be creating it), but in words a user can act on: the broker's own text names no topic.
  if (errors.some((e) => e.type === 'UNKNOWN_TOPIC_OR_PARTITION')) {
    return { outcome: 'retry', error: `topic "${topic}" does not exist on the cluster (Tessera does not create it): ${message}` };
  }
  return { outcome: 'retry', error: `could not produce to Kafka: ${message}` };
}
