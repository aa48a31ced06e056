import { compileJsonSchema, jsonSchemaProblems } from '@tessera/config';
import { FIELD_MAPPING_SCHEMA, parseCast, splitFieldMapping } from './field-mapping';

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

  it("carries a date cast's format in the cast, and refuses a format without the date cast or one it does not know", () => {
    const fields = { End: { to: 'contract_end_date', cast: 'date' as const, format: 'DD.MM.YYYY' as const } };
    expect(jsonSchemaProblems(validate, fields)).toEqual([]);
    expect(splitFieldMapping(fields).casts).toEqual({ End: 'date:DD.MM.YYYY' });
    for (const bad of [
      { to: 'x', format: 'DD.MM.YYYY' },
      { to: 'x', cast: 'number', format: 'DD.MM.YYYY' },
      { to: 'x', cast: 'date', format: 'D.M.YY' },
    ])
      expect(jsonSchemaProblems(validate, { End: bad }).map((p) => p.path)).toContain('/End');
  });

  it("carries a number cast's format, and refuses it on another cast", () => {
    const fields = { Spend: { to: 'spend', cast: 'number' as const, format: '1.234,56' as const } };
    expect(jsonSchemaProblems(validate, fields)).toEqual([]);
    expect(splitFieldMapping(fields).casts).toEqual({ Spend: 'number:1.234,56' });
    for (const bad of [
      { to: 'x', format: '1.234,56' },
      { to: 'x', cast: 'date', format: '1 234,56' },
      { to: 'x', cast: 'number', format: '1.234.56' },
    ])
      expect(jsonSchemaProblems(validate, { Spend: bad }).map((p) => p.path)).toContain('/Spend');
  });

  it('parses the casts the contract carries, and nothing else', () => {
    expect(parseCast('number')).toEqual({ cast: 'number' });
    expect(parseCast('date:MM/DD/YYYY')).toEqual({ cast: 'date', format: 'MM/DD/YYYY' });
    expect(parseCast('number:1 234,56')).toEqual({ cast: 'number', format: '1 234,56' });
    for (const unknown of ['uuid', 'number:DD.MM.YYYY', 'date:1.234,56', 'boolean:1.234,56', 'date:D.M.YY', 'date:DD.MM.YYYY:x', ''])
      expect(parseCast(unknown)).toBeUndefined();
  });
});
