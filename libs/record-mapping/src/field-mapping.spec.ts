import { compileJsonSchema, jsonSchemaProblems } from '@tessera/config';
import { FIELD_MAPPING_SCHEMA, splitFieldMapping } from './field-mapping';

describe('field mapping', () => {
  const validate = compileJsonSchema(FIELD_MAPPING_SCHEMA);

  it('splits tags, custom attribute names and casts into the records contract maps', () => {
    const fields = {
      Email: 'email',
      CustomerId: 'crm_id',
      Zd: 'id:zendesk',
      Tier: 'loyalty_tier',
      End: { to: 'contract_end_date', cast: 'date' as const },
      Spend: { to: 'Spend', cast: 'number' as const },
    };
    expect(jsonSchemaProblems(validate, fields)).toEqual([]);
    expect(splitFieldMapping(fields)).toEqual({
      mapping: { Email: 'email', CustomerId: 'crm_id', Zd: 'id:zendesk' },
      renames: { Tier: 'loyalty_tier', End: 'contract_end_date' },
      casts: { End: 'date', Spend: 'number' },
    });
  });

  it('refuses a target that is neither a tag nor an attribute name, and an unknown cast, at their paths', () => {
    const problems = jsonSchemaProblems(validate, { A: 'has space', B: { to: 'x', cast: 'uuid' }, C: { cast: 'date' } });
    expect(problems.map((p) => p.path)).toEqual(expect.arrayContaining(['/A', '/B', '/C']));
  });
});
