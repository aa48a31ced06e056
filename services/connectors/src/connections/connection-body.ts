import { compileJsonSchema, jsonSchemaProblems } from '@tessera/config';
import { invalidBody } from '@tessera/service-kit';
import { SCHEDULE_SCHEMA, scheduleProblem, type Schedule } from '../schedules/schedule';
import { compileStreamPlan, STREAM_SETTINGS_SCHEMA, type StreamSettings } from './stream-plan';

/** A connection as the admin API takes it (POST and PUT). */
export interface ConnectionBody {
  id?: string;
  name?: string;
  connector: string;
  config: Record<string, unknown>;
  /** The source id the records carry; the profile-merger's source priorities are set per source id. Default: the connection id. */
  sourceId?: string;
  streams: StreamSettings[];
  schedule: Schedule | null;
  timezone: string;
  unsetMissingOnFullRefresh: boolean;
  enabled: boolean;
}

const ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$';

const validate = compileJsonSchema({
  type: 'object',
  additionalProperties: false,
  required: ['connector', 'config', 'streams'],
  properties: {
    id: { type: 'string', pattern: ID_PATTERN },
    name: { type: 'string', minLength: 1, maxLength: 200 },
    connector: { type: 'string', minLength: 1, maxLength: 100 },
    config: { type: 'object' },
    sourceId: { type: 'string', pattern: ID_PATTERN },
    streams: { type: 'array', minItems: 1, maxItems: 100, items: STREAM_SETTINGS_SCHEMA },
    schedule: SCHEDULE_SCHEMA,
    timezone: { type: 'string', minLength: 1, maxLength: 64 },
    unsetMissingOnFullRefresh: { type: 'boolean' },
    enabled: { type: 'boolean' },
  },
});

type Problem = { path: string; message: string };

/**
 * Checks a connection body's shape, its stream names (distinct), identifier fields and schedule; a problem is a 400
 * naming each field by JSON Pointer (`/streams/0/name`). The connector config is checked against the connector's own schema by the caller.
 */
export function parseConnectionBody(input: unknown): ConnectionBody {
  const problems: Problem[] = jsonSchemaProblems(validate, input);
  if (problems.length > 0) throw invalidBody(problems);
  const body = input as Partial<ConnectionBody> & Pick<ConnectionBody, 'connector' | 'config' | 'streams'>;
  const seen = new Set<string>();
  body.streams.forEach((stream, i) => {
    if (seen.has(stream.name)) problems.push({ path: `/streams/${i}/name`, message: `repeats the stream ${stream.name}` });
    seen.add(stream.name);
    const compiled = compileStreamPlan(stream, `/streams/${i}`);
    if ('problem' in compiled) problems.push(compiled.problem);
  });
  const schedule = body.schedule ?? null;
  const timezone = body.timezone ?? 'UTC';
  const scheduled = scheduleProblem(schedule, timezone);
  if (scheduled) problems.push(scheduled);
  if (problems.length > 0) throw invalidBody(problems);
  return { ...body, schedule, timezone, unsetMissingOnFullRefresh: body.unsetMissingOnFullRefresh ?? false, enabled: body.enabled ?? true };
}
