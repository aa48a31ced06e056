import { BadRequestException } from '@nestjs/common';
import { invalidBody, JsonBodyValidator } from './json-body-validator';

function rejection(validator: JsonBodyValidator<unknown>, body: unknown): { message: string; details: unknown[] } {
  try {
    validator.parse(body);
  } catch (err) {
    expect(err).toBeInstanceOf(BadRequestException);
    return (err as BadRequestException).getResponse() as { message: string; details: unknown[] };
  }
  throw new Error('expected a 400');
}

describe('JsonBodyValidator', () => {
  const validator = new JsonBodyValidator<{ name: string; size: number }>({
    type: 'object',
    required: ['name', 'size'],
    properties: { name: { type: 'string' }, size: { type: 'integer', minimum: 1 } },
    additionalProperties: false,
  });

  it('returns a body that matches the schema', () => {
    expect(validator.parse({ name: 'a', size: 2 })).toEqual({ name: 'a', size: 2 });
  });

  it('answers 400 naming every offending field by JSON Pointer, the ingest API shape', () => {
    const body = rejection(validator, { name: 3, size: 0, extra: true });
    expect(body.details).toEqual(
      expect.arrayContaining([
        { path: '/name', message: 'must be string' },
        { path: '/size', message: 'must be >= 1' },
        { path: '/extra', message: 'must NOT have additional properties' },
      ]),
    );
    expect(body.details).toHaveLength(3);
    expect(body.message).toMatch(/^body\/(name|size|extra) must/);
  });

  it('names the allowed values of an enum and a const', () => {
    const modes = new JsonBodyValidator({ type: 'object', properties: { mode: { enum: ['add', 'mirror', 3] }, kind: { const: 'date' } } });
    expect(rejection(modes, { mode: 'upsert' })).toEqual({
      message: 'body/mode must be one of add, mirror, 3',
      details: [{ path: '/mode', message: 'must be one of add, mirror, 3' }],
    });
    expect(rejection(modes, { kind: 'number' }).message).toBe('body/kind must be "date"');
  });

  it('names a missing field at its own path', () => {
    expect(rejection(validator, { name: 'a' })).toEqual({
      message: 'body/size is required',
      details: [{ path: '/size', message: 'is required' }],
    });
  });

  it('asks for one of the properties when every branch of an anyOf requires a different one', () => {
    const oneOf = new JsonBodyValidator<{ ids?: string[]; sourceId?: string }>({
      type: 'object',
      properties: { ids: { type: 'array', items: { type: 'string' } }, sourceId: { type: 'string' }, limit: { type: 'integer' } },
      anyOf: [{ required: ['ids'] }, { required: ['sourceId'] }],
    });
    expect(rejection(oneOf, { limit: 5 })).toEqual({
      message: 'body must have one of ids, sourceId',
      details: [{ path: '', message: 'must have one of ids, sourceId' }],
    });
    expect(rejection(oneOf, { sourceId: 7 }).details).toEqual([{ path: '/sourceId', message: 'must be string' }]);
    // a branch that asks for several properties keeps naming each
    const either = new JsonBodyValidator<object>({
      type: 'object',
      properties: { url: { type: 'string' }, host: { type: 'string' }, user: { type: 'string' } },
      anyOf: [{ required: ['url'] }, { required: ['host', 'user'] }],
    });
    expect(rejection(either, {}).details).toEqual([
      { path: '/url', message: 'is required' },
      { path: '/host', message: 'is required' },
      { path: '/user', message: 'is required' },
    ]);
  });

  it('escapes / and ~ in a property name it names (RFC 6901), so the pointer is one key', () => {
    expect(rejection(validator, { name: 'a', size: 1, 'a/b~c': true }).details).toEqual([
      { path: '/a~1b~0c', message: 'must NOT have additional properties' },
    ]);
  });

  it('stops at the first violation when asked (the ingest hot path)', () => {
    const first = new JsonBodyValidator<{ a: string; b: string }>(
      { type: 'object', properties: { a: { type: 'string' }, b: { type: 'string' } } },
      { allErrors: false },
    );
    expect(rejection(first, { a: 1, b: 2 }).details).toHaveLength(1);
  });

  it("gives a service's own checks the same 400: the message names the first unless one is given", () => {
    const details = [
      { path: '/rule/all/1/op', message: 'must be one of eq, neq' },
      { path: '/name', message: 'is required' },
    ];
    expect(invalidBody(details).getResponse()).toEqual({ message: 'body/rule/all/1/op must be one of eq, neq', details });
    expect(invalidBody(details, 'no such rule').getResponse()).toEqual({ message: 'no such rule', details });
  });
});
