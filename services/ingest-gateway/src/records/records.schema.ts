import { FIELD_MAPPING_SCHEMA, type FieldMapping } from '@tessera/record-mapping';

/**
 * JSON Schema of POST /v1/records. A record's `mapping` says where each attribute goes, as a connection's field
 * mapping does (@tessera/record-mapping): a semantic or identifier tag, any profile attribute name, optionally
 * with a cast. A batch-level `mapping` applies to every record and a record's own entries win, field by field.
 */
const mapping = FIELD_MAPPING_SCHEMA;

const optionalText = (maxLength: number) => ({ type: 'string', minLength: 1, maxLength }) as const;

export interface RecordInput {
  recordId: string;
  objectType?: string;
  messageId?: string;
  observedAt?: string;
  mapping?: FieldMapping;
  attributes: Record<string, unknown>;
}

export interface RecordsBody {
  writeKey?: string;
  /** Free-form name of the sending system (e.g. "salesforce"); the authenticated source id is what the pipeline uses. */
  source?: string;
  mapping?: FieldMapping;
  records: RecordInput[];
}

export const RECORDS_BODY_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['records'],
  properties: {
    writeKey: { type: 'string' },
    source: optionalText(200),
    mapping,
    records: {
      type: 'array',
      minItems: 1,
      maxItems: 2500,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['recordId', 'attributes'],
        properties: {
          recordId: optionalText(256),
          objectType: optionalText(100),
          messageId: optionalText(200),
          observedAt: optionalText(64),
          mapping,
          attributes: { type: 'object' },
        },
      },
    },
  },
} as const;
