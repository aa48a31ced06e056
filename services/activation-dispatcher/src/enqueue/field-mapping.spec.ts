import { applySnapshot, emptyProfile } from '../projection/profile-state';
import { mapFields, validateMapping } from './field-mapping';

describe('field mapping', () => {
  const profile = {
    ...applySnapshot(emptyProfile('p'), {
      profileId: 'p',
      version: 1,
      status: 'active',
      mergedInto: null,
      isTest: false,
      values: JSON.stringify({ 'traits.plan': 'pro', email: 'a@x.io', 'consent.Marketing': true, 'event_count.Order Completed': 2 }),
      identifiers: [
        { type: 'email', value: 'a@x.io' },
        { type: 'email', value: 'b@x.io' },
      ],
    }),
    computed: { 'computed.orders_30d': 4 },
  };

  it('reads traits, values, computed traits, identifiers and consent under the mapped names; unset sources are left out', () => {
    expect(
      mapFields(
        {
          plan: 'traits.plan',
          mail: 'identifier.email',
          mails: 'identifiers.email',
          orders: 'computed.orders_30d',
          mkt: 'consent.marketing',
          n: 'event_count.Order Completed',
          gone: 'traits.nope',
          proto: 'traits.constructor',
        },
        profile,
      ),
    ).toEqual({ plan: 'pro', mail: 'a@x.io', mails: ['a@x.io', 'b@x.io'], orders: 4, mkt: true, n: 2 });
  });

  it('names the path of every problem', () => {
    expect(validateMapping({ ok: 'email', '1bad': 'email', x: 'favourite.colour', y: 3 })).toEqual([
      { path: '/mapping/1bad', message: expect.stringContaining('output names') },
      { path: '/mapping/x', message: expect.stringContaining('unknown source "favourite.colour"') },
      { path: '/mapping/y', message: 'must be a source name (string)' },
    ]);
    expect(validateMapping([])).toEqual([{ path: '/mapping', message: 'must be an object of output name -> source' }]);
  });
});
