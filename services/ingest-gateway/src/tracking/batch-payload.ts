import { BadRequestException } from '@nestjs/common';
import { BATCH_LIMIT_EVENTS, EVENT_LIMIT_BYTES, describeBytes } from '../http/body-limits';
import { callProblem, clockProblem } from './call-requirements';
import { batchItemType, describe, isPlainObject, objectKeyProblem, textKeyProblem, type BatchDefaults } from './segment-event-mapper';

export interface ItemProblem {
  index: number;
  message: string;
  /** JSON Pointer of the offending value, when it is inside the item. */
  path?: string;
}

export interface CheckedBatch {
  items: Record<string, unknown>[];
  defaults: BatchDefaults;
}

/** At most this many problems are listed; the message names the first. */
const MAX_LISTED_PROBLEMS = 20;

/**
 * The batch shape the gateway must enforce: `batch` is a non-empty array of at most 2,500 objects, each a call that
 * can be processed at all (call-requirements.ts). Anything subtler is validation's job. One bad item refuses the
 * whole batch (nothing is produced), so the client can fix and resend it without duplicating the good ones.
 */
export function checkBatch(body: Record<string, unknown>): CheckedBatch {
  const { batch } = body;
  if (!Array.isArray(batch)) throw new BadRequestException('"batch" must be an array of events');
  if (batch.length === 0) throw new BadRequestException('"batch" is empty; send at least one event');
  if (batch.length > BATCH_LIMIT_EVENTS) {
    throw new BadRequestException(`"batch" holds ${batch.length} events; the limit is ${BATCH_LIMIT_EVENTS} per request`);
  }
  const batchLevel =
    textKeyProblem({ sentAt: body.sentAt }) ?? objectKeyProblem(body, '', ['context', 'integrations']) ?? clockProblem(body, ['sentAt']);
  if (batchLevel) throw new BadRequestException({ message: batchLevel.message, details: [batchLevel] });
  const problems: ItemProblem[] = [];
  for (let index = 0; index < batch.length && problems.length < MAX_LISTED_PROBLEMS; index++) {
    const item: unknown = batch[index];
    if (!isPlainObject(item)) {
      problems.push({ index, message: `batch[${index}] must be a JSON object, got ${describe(item)}` });
      continue;
    }
    const problem = callProblem(item, batchItemType(item), `/batch/${index}`);
    if (problem) problems.push({ index, path: problem.path, message: `batch[${index}]: ${problem.message}` });
  }
  if (problems.length > 0) throw batchProblems(problems);
  return {
    items: batch as Record<string, unknown>[],
    defaults: { context: body.context, integrations: body.integrations, sentAt: body.sentAt },
  };
}

/**
 * The 32 KB per-event limit inside a batch, measured on each event's encoded size (which every value already has,
 * so the check costs nothing). The encoding drops JSON's field names and punctuation around the known fields, so it
 * is at most a few hundred bytes more lenient than measuring the item's JSON. A body within the limit cannot hold an
 * event over it, so smaller bodies skip the check.
 */
export function checkEventSizes(encodedSizes: readonly number[], bodyBytes: number): void {
  if (bodyBytes <= EVENT_LIMIT_BYTES) return;
  const problems: ItemProblem[] = [];
  for (let index = 0; index < encodedSizes.length && problems.length < MAX_LISTED_PROBLEMS; index++) {
    if (encodedSizes[index] > EVENT_LIMIT_BYTES) {
      problems.push({
        index,
        message: `batch[${index}] is over the ${describeBytes(EVENT_LIMIT_BYTES)} per event limit (${encodedSizes[index]} bytes encoded)`,
      });
    }
  }
  if (problems.length > 0) throw batchProblems(problems);
}

function batchProblems(problems: ItemProblem[]): BadRequestException {
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more, see details)` : '';
  return new BadRequestException({ message: `${problems[0].message}${more}`, details: problems });
}
