import { REDACTED } from '@tessera/connector-sdk';
import { restoreSecrets } from './connection-secrets';

const schema = {
  type: 'object',
  properties: {
    host: { type: 'string' },
    'api.key': { type: 'string', secret: true },
    auth: { type: 'object', properties: { user: { type: 'string' }, token: { type: 'string', writeOnly: true } } },
  },
};

describe('restoreSecrets', () => {
  const stored = { host: 'old', 'api.key': 'k-stored', auth: { user: 'ana', token: 't-stored' } };

  it('keeps the stored value of each secret sent back as ***, a key holding a dot included', () => {
    const incoming = { host: 'new', 'api.key': REDACTED, auth: { user: 'bo', token: REDACTED } };
    expect(restoreSecrets(schema, incoming, stored)).toEqual({
      host: 'new',
      'api.key': 'k-stored',
      auth: { user: 'bo', token: 't-stored' },
    });
    expect(incoming['api.key']).toBe(REDACTED);
  });

  it('takes a new secret as sent, and drops a *** that has nothing stored behind it', () => {
    expect(restoreSecrets(schema, { 'api.key': 'k-new', auth: { token: REDACTED } }, null)).toEqual({ 'api.key': 'k-new', auth: {} });
  });
});
