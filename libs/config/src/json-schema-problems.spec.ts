import { compileJsonSchema, jsonPointer, jsonSchemaProblems } from './json-schema-problems';

const schema = {
  type: 'object',
  required: ['host', 'auth'],
  additionalProperties: false,
  properties: {
    host: { type: 'string' },
    password: { type: 'string', writeOnly: true },
    auth: { type: 'object', required: ['token'], properties: { token: { type: 'string', secret: true } } },
  },
};

describe('JSON Schema problems', () => {
  it('names each problem by JSON Pointer, the secret annotation accepted by strict ajv', () => {
    const validate = compileJsonSchema(schema);
    expect(jsonSchemaProblems(validate, { host: 1, auth: {}, 'odd key': true, 'a/b~c.d': true })).toEqual([
      { path: '/odd key', message: 'is not a known setting' },
      { path: '/a~1b~0c.d', message: 'is not a known setting' },
      { path: '/host', message: 'must be string' },
      { path: '/auth/token', message: 'is required' },
    ]);
    expect(jsonSchemaProblems(validate, { host: 'db', auth: { token: 'x' } })).toEqual([]);
  });

  it('puts the paths under the given base', () => {
    expect(jsonSchemaProblems(compileJsonSchema(schema), { host: 'db' }, '/config')).toEqual([
      { path: '/config/auth', message: 'is required' },
    ]);
  });

  it('escapes ~ and / in the keys it appends to a pointer (RFC 6901)', () => {
    expect(jsonPointer('/config/headers', 'X~Id', 'a/b', 0)).toBe('/config/headers/X~0Id/a~1b/0');
    expect(jsonPointer('')).toBe('');
  });
});
