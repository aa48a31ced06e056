import type { StreamPlan } from '../connections/stream-plan';
import { contactsPlan } from '../test-support/contacts-plan';
import { attributesJson } from './attributes-json';

const plan = contactsPlan;

/** The object these attributes are: the plan's fields the row has, then the brand and the scoped identifier. */
function stringified(p: StreamPlan, data: Record<string, unknown>, brand: string | null, scoped: string | null): string {
  const attributes: Record<string, unknown> = {};
  for (const field of p.fields) if (Object.hasOwn(data, field)) attributes[field] = data[field];
  if (brand !== null) attributes.brand = brand;
  if (scoped !== null) attributes[p.settings.identifierField] = scoped;
  return JSON.stringify(attributes);
}

describe('attributesJson', () => {
  const cases: Array<[string, StreamPlan, Record<string, unknown>, string | null, string | null]> = [
    ['every field', plan({}), { Id: 42, Email: 'a@x.io', Tier: 'gold', End: '2027-01-31', Secret: 'no' }, null, null],
    ['fields the row lacks, or holds undefined', plan({}), { Id: 'c-1', Tier: undefined, End: null }, null, null],
    ['no field at all', plan({}), { Other: 1 }, null, null],
    ['a field that is only on the prototype', plan({ mapping: { constructor: 'x', toString: 'y' } }), { Id: 'c-1' }, null, null],
    [
      'values JSON must escape, numbers, nested values, a Date',
      plan({}),
      { Id: 'q"\\\n\u2028é', Email: { a: [1, 'b'] }, Tier: 1.5, End: new Date(0) },
      null,
      null,
    ],
    ['a brand after the fields', plan({ brandField: 'Brand' }), { Id: '7', Email: 'a@x.io', Brand: 'north' }, 'north', 'north:7'],
    [
      'a brand without a scoped identifier',
      plan({ brandField: 'Brand', identifierField: 'Email' }),
      { Id: 7, Email: 'a@x.io' },
      'north',
      null,
    ],
    [
      'a mapped brand field, in place',
      plan({ mapping: { brand: 'x', Email: 'email' }, brandField: 'brand' }),
      { brand: ' south ', Email: 'e', Id: 3 },
      'south',
      'south:3',
    ],
    [
      'a mapped brand field the row lacks',
      plan({ mapping: { brand: 'x', Email: 'email' }, brandField: 'B' }),
      { B: 'north', Id: 3 },
      'north',
      null,
    ],
  ];
  it.each(cases)('is JSON.stringify of the attributes object: %s', (_, p, data, brand, scoped) => {
    expect(attributesJson(p, data, brand, scoped)).toBe(stringified(p, data, brand, scoped));
  });
});
