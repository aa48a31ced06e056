import { BadRequestException } from '@nestjs/common';
import { BATCH_LIMIT_EVENTS, EVENT_LIMIT_BYTES, describeBytes } from '../http/body-limits';
import { isPlainObject, type BatchDefaults } from './segment-event-mapper';

export interface ItemProblem {
  index: number;
  message: string;
}

export interface CheckedBatch {
  items: Record<string, unknown>[];
  defaults: BatchDefaults;
}

/** At most this many problems are listed; the message names the first. */
const MAX_LISTED_PROBLEMS = 20;

/**
 * The batch shape the gateway must enforce: `batch` is a non-empty array of at most 2,500 objects, each at most
 * 32 KB as JSON. Anything subtler (type, identifiers, event names) is validation's job. One bad item refuses the
 * whole batch (nothing is produced), so the client can fix and resend it without duplicating the good ones.
 */
export function checkBatch(body: Record<string, unknown>, bodyBytes: number): CheckedBatch {
  const { batch } = body;
  if (!Array.isArray(batch)) throw new BadRequestException('"batch" must be an array of events');
  if (batch.length === 0) throw new BadRequestException('"batch" is empty; send at least one event');
  if (batch.length > BATCH_LIMIT_EVENTS) {
    throw new BadRequestException(`"batch" holds ${batch.length} events; the limit is ${BATCH_LIMIT_EVENTS} per request`);
  }
  const problems: ItemProblem[] = [];
  // A body within the per-event limit cannot hold an event over it, so only larger bodies pay for measuring.
  const measure = bodyBytes > EVENT_LIMIT_BYTES;
  for (let index = 0; index < batch.length && problems.length < MAX_LISTED_PROBLEMS; index++) {
    const item: unknown = batch[index];
    if (!isPlainObject(item)) {
      problems.push({ index, message: `batch[${index}] must be a JSON object, got ${describe(item)}` });
    } else if (measure) {
      const size = Buffer.byteLength(JSON.stringify(item), 'utf8');
      if (size > EVENT_LIMIT_BYTES) {
        problems.push({ index, message: `batch[${index}] is ${size} bytes; the limit is ${describeBytes(EVENT_LIMIT_BYTES)} per event` });
      }
    }
  }
  if (problems.length > 0) {
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more, see details)` : '';
    throw new BadRequestException({ message: `${problems[0].message}${more}`, details: problems });
  }
  return {
    items: batch as Record<string, unknown>[],
    defaults: { context: body.context, integrations: body.integrations, sentAt: body.sentAt },
  };
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}
