import { SingerProtocolError } from './singer-protocol.error';

/**
 * The Singer messages a tap prints on stdout, one JSON object per line (the Singer spec, SPEC.md):
 * SCHEMA { stream, schema, key_properties, bookmark_properties? }, RECORD { stream, record, version?, time_extracted? },
 * STATE { value }, ACTIVATE_VERSION { stream, version }.
 */
export type SingerMessage =
  | { type: 'SCHEMA'; stream: string; schema: Record<string, unknown>; key_properties?: string[] }
  | { type: 'RECORD'; stream: string; record: Record<string, unknown>; version?: number }
  | { type: 'STATE'; value: Record<string, unknown> }
  | { type: 'ACTIVATE_VERSION'; stream: string; version: number };

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * One stdout line as a message. Anything else fails the read rather than be skipped: logs belong on stderr, and a
 * line we do not understand (a BATCH message, a truncated record) may hold rows we would silently lose.
 */
export function parseSingerLine(text: string, line: number): SingerMessage {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    throw new SingerProtocolError(line, 'not JSON', text);
  }
  const fail = (reason: string): never => {
    throw new SingerProtocolError(line, reason, text);
  };
  if (!isObject(message)) return fail('not a JSON object');
  switch (message.type) {
    case 'SCHEMA':
      if (typeof message.stream !== 'string' || !isObject(message.schema)) fail('a SCHEMA needs a stream and a schema');
      if (message.key_properties !== undefined && !Array.isArray(message.key_properties)) fail('key_properties is not an array');
      break;
    case 'RECORD':
      if (typeof message.stream !== 'string' || !isObject(message.record)) fail('a RECORD needs a stream and a record object');
      break;
    case 'STATE':
      if (!isObject(message.value)) fail('a STATE value must be a JSON object (it is our cursor)');
      break;
    case 'ACTIVATE_VERSION':
      if (typeof message.stream !== 'string' || typeof message.version !== 'number')
        fail('an ACTIVATE_VERSION needs a stream and a version');
      break;
    default:
      fail(`unknown message type ${JSON.stringify(message.type)}`);
  }
  return message as SingerMessage;
}
