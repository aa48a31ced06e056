/**
 * Tells infrastructure failures (retry the whole batch, never dead-letter) from failures caused by the data
 * (isolate the message and dead-letter it). Postgres SQLSTATE classes: 08 connection, 40 transaction rollback
 * (serialization, deadlock), 53 insufficient resources, 57 operator intervention (shutdown), 58 system error.
 */
const TRANSIENT_SQLSTATE_CLASSES = new Set(['08', '40', '53', '57', '58']);
const TRANSIENT_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH']);

export function isTransientError(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const e = err as { code?: unknown; name?: unknown; message?: unknown; retriable?: unknown };
  if (typeof e.code === 'string') {
    if (/^[0-9A-Z]{5}$/.test(e.code)) return TRANSIENT_SQLSTATE_CLASSES.has(e.code.slice(0, 2));
    if (TRANSIENT_NODE_CODES.has(e.code)) return true;
  }
  if (typeof e.name === 'string' && e.name.startsWith('KafkaJS')) return true;
  if (
    typeof e.message === 'string' &&
    /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(e.message)
  ) {
    return true;
  }
  return false;
}
