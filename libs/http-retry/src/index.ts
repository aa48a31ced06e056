export { parseRetryAfter } from './retry-after';
export { backoffDelayMs, type BackoffPolicy } from './backoff';
