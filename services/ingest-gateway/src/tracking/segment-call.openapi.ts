import type { SchemaObject } from '@nestjs/swagger';

/**
 * Documentation only (OpenAPI): the Segment call as SDKs send it. The gateway does not enforce these fields;
 * validation does, and rejects to the DLQ with a typed reason.
 */
export const SEGMENT_CALL_SCHEMA: SchemaObject = {
  type: 'object',
  description: 'One Segment call. Needs userId or anonymousId (checked by validation, not here). Max 32 KB.',
  properties: {
    writeKey: { type: 'string', description: 'The source write key, when not sent as the Basic-auth username' },
    type: { type: 'string', enum: ['track', 'identify', 'page', 'screen', 'group', 'alias'], description: 'Only read in /v1/batch items' },
    userId: { type: 'string' },
    anonymousId: { type: 'string' },
    event: { type: 'string', description: 'track' },
    name: { type: 'string', description: 'page, screen' },
    category: { type: 'string', description: 'page' },
    groupId: { type: 'string', description: 'group' },
    previousId: { type: 'string', description: 'alias' },
    properties: { type: 'object', additionalProperties: true },
    traits: { type: 'object', additionalProperties: true },
    context: { type: 'object', additionalProperties: true },
    integrations: { type: 'object', additionalProperties: true },
    timestamp: { type: 'string', format: 'date-time' },
    sentAt: { type: 'string', format: 'date-time' },
    originalTimestamp: { type: 'string', format: 'date-time' },
    messageId: { type: 'string', description: 'Stamped with a UUID when absent' },
  },
  example: { userId: 'u-1', event: 'Order Completed', properties: { revenue: 42.5, currency: 'USD' } },
};

export const SEGMENT_BATCH_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['batch'],
  properties: {
    writeKey: { type: 'string' },
    batch: { type: 'array', minItems: 1, maxItems: 2500, items: SEGMENT_CALL_SCHEMA },
    context: { type: 'object', additionalProperties: true, description: "Merged into each item (the item's keys win)" },
    integrations: { type: 'object', additionalProperties: true },
    sentAt: { type: 'string', format: 'date-time' },
  },
};

export const SUCCESS_SCHEMA: SchemaObject = { type: 'object', properties: { success: { type: 'boolean', enum: [true] } } };
