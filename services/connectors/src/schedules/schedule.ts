import { parseExpression } from 'cron-parser';

/** When a connection syncs by itself: every N minutes, hourly at a minute, daily at a time, or a cron expression. */
export type Schedule =
  | { kind: 'interval'; minutes: number }
  | { kind: 'hourly'; minute?: number }
  | { kind: 'daily'; at: string }
  | { kind: 'cron'; expression: string };

export const SCHEDULE_SCHEMA = {
  oneOf: [
    { type: 'null' },
    {
      type: 'object',
      additionalProperties: false,
      required: ['kind', 'minutes'],
      properties: { kind: { const: 'interval' }, minutes: { type: 'integer', minimum: 1, maximum: 527_040 } },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['kind'],
      properties: { kind: { const: 'hourly' }, minute: { type: 'integer', minimum: 0, maximum: 59 } },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['kind', 'at'],
      properties: { kind: { const: 'daily' }, at: { type: 'string', pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' } },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['kind', 'expression'],
      properties: { kind: { const: 'cron' }, expression: { type: 'string', minLength: 1, maxLength: 200 } },
    },
  ],
} as const;

/** The cron expression a calendar schedule stands for (null for an interval). */
function cronOf(schedule: Schedule): string | null {
  switch (schedule.kind) {
    case 'interval':
      return null;
    case 'hourly':
      return `${schedule.minute ?? 0} * * * *`;
    case 'daily': {
      const [hours, minutes] = schedule.at.split(':').map(Number);
      return `${minutes} ${hours} * * *`;
    }
    case 'cron':
      return schedule.expression;
  }
}

/**
 * The first due instant strictly after `fromMs`, in the connection's IANA timezone (a daily 02:30 follows the
 * zone's clock across DST changes). After downtime the caller passes "now", so missed runs collapse into one.
 */
export function nextRunAt(schedule: Schedule, timezone: string, fromMs: number): number {
  const cron = cronOf(schedule);
  if (cron === null) return fromMs + (schedule as { minutes: number }).minutes * 60_000;
  return parseExpression(cron, { currentDate: new Date(fromMs), tz: timezone })
    .next()
    .getTime();
}

/** Why a schedule or timezone cannot be used (a bad cron expression, an unknown zone), or null. */
export function scheduleProblem(schedule: Schedule | null, timezone: string): { path: string; message: string } | null {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
  } catch {
    return { path: '/timezone', message: `is not an IANA timezone: ${timezone}` };
  }
  if (schedule === null) return null;
  try {
    nextRunAt(schedule, timezone, Date.now());
    return null;
  } catch (error) {
    return {
      path: '/schedule/expression',
      message: `is not a cron expression: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}
