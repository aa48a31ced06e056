/**
 * JSON Schema of POST /v1/records. A record names its attributes' meaning through `mapping`
 * (attribute -> semantic tag); a batch-level `mapping` applies to every record and a record's own entries win.
 */
export const SEMANTIC_TAG_PATTERN =
  '^(email|phone|given-name|surname|address|city|state|postal|birthdate|gender|user_id|anonymous_id|crm_id|email_sha256|id:[a-z][a-z0-9_]{0,62})$';

const mapping = {
  type: 'object',
  maxProperties: 500,
  propertyNames: { minLength: 1, maxLength: 200 },
  additionalProperties: { type: 'string', pattern: SEMANTIC_TAG_PATTERN },
} as const;

const optionalText = (maxLength: number) => ({ type: 'string', minLength: 1, maxLength }) as const;

export interface RecordInput {
  recordId: string;
  objectType?: string;
  messageId?: string;
  observedAt?: string;
  mapping?: Record<string, string>;
  attributes: Record<string, unknown>;
}

export interface RecordsBody {
  writeKey?: string;
  /** Free-form name of the sending system (e.g. "salesforce"); the authenticated source id is what the pipeline uses. */
  source?: string;
  mapping?: Record<string, string>;
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
