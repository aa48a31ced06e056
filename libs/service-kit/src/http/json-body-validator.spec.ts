import { BadRequestException } from '@nestjs/common';
import { JsonBodyValidator } from './json-body-validator';

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

  it('answers 400 naming every offending field', () => {
    let caught: unknown;
    try {
      validator.parse({ name: 3, size: 0, extra: true });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(BadRequestException);
    const body = (caught as BadRequestException).getResponse() as { message: string; details: string[] };
    expect(body.details).toEqual(
      expect.arrayContaining(['/name must be string', '/size must be >= 1', '/ must NOT have additional properties']),
    );
    expect(body.message).toBe(`invalid request body: ${body.details.join('; ')}`);
  });
});
