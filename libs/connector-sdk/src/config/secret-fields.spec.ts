import { redactSecrets, secretPaths } from './secret-fields';

const schema = {
  type: 'object',
  required: ['host', 'auth'],
  additionalProperties: false,
  properties: {
    host: { type: 'string' },
    password: { type: 'string', writeOnly: true },
    auth: {
      type: 'object',
      required: ['token'],
      properties: { user: { type: 'string' }, token: { type: 'string', secret: true } },
    },
  },
};

describe('secret fields', () => {
  it('lists the properties marked secret or writeOnly, nested ones included', () => {
    expect(secretPaths(schema)).toEqual([['password'], ['auth', 'token']]);
  });

  it('redacts the secrets that are set and leaves the rest and the input untouched', () => {
    const config = { host: 'db', auth: { user: 'ana', token: 't0k' } };
    expect(redactSecrets(schema, config)).toEqual({ host: 'db', auth: { user: 'ana', token: '***' } });
    expect(config.auth.token).toBe('t0k');
  });
});
