import { PlanSchemaError } from './plan-schema.error';
import { PlanValidatorCache } from './plan-validator-cache';
import type { TrackingPlan } from './tracking-plan';

const plan = (version: number, schema: Record<string, unknown>): TrackingPlan => ({
  sourceId: 's',
  version,
  mode: 'flag',
  namingConvention: null,
  allowUnplannedEvents: true,
  events: [{ name: 'Signed Up', schema }],
  createdAt: '',
  updatedAt: '',
});

describe('PlanValidatorCache', () => {
  it('compiles once per plan version and recompiles when the version changes', () => {
    const cache = new PlanValidatorCache();
    const v1 = plan(1, { type: 'object', properties: { email: { type: 'string', format: 'email' } } });
    expect(cache.compile(v1)).toBe(cache.compile(v1));
    expect(cache.check(v1, 'Signed Up', { email: 'nope' })).toEqual([
      { reason: 'schema_violation', detail: 'properties.email must match format "email"', path: 'properties.email' },
    ]);
    const v2 = plan(2, { type: 'object', additionalProperties: false });
    expect(cache.check(v2, 'Signed Up', { email: 'nope' })).toEqual([
      { reason: 'schema_violation', detail: 'properties.email must NOT have additional properties', path: 'properties.email' },
    ]);
    expect(cache.size()).toBe(1);
  });

  it('compiles a new version of a plan whose schema has a $id', () => {
    const cache = new PlanValidatorCache();
    const schema = { $id: 'https://example.com/signed-up.json', type: 'object', required: ['plan'] };
    expect(cache.check(plan(1, schema), 'Signed Up', {})).toHaveLength(1);
    expect(cache.check(plan(2, schema), 'Signed Up', { plan: 'pro' })).toEqual([]);
  });

  it('passes unplanned events when the plan allows them, and names a schema that does not compile', () => {
    const cache = new PlanValidatorCache();
    expect(cache.check(plan(1, {}), 'Something Else', {})).toEqual([]);
    expect(() => cache.compile(plan(3, { type: 'object', properties: { a: { type: 'strnig' } } }))).toThrow(PlanSchemaError);
  });
});
