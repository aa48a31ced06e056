import type { FieldPlan, StructPlan } from '../protocol/schema/struct-plan';
import { UNKNOWN_TAGGED_FIELDS } from '../protocol/schema/unknown-tagged-field';

export type SampleVariant = 'values' | 'nulls';

/**
 * Builds a representative body for one version of a table, for round-trip tests: every field present in the
 * version gets a non-default value (or null where nullable, in the 'nulls' variant), arrays get two elements,
 * tagged fields are set, flexible structs carry an unknown tagged field, and absent fields hold their defaults
 * (which is what decoding yields for them).
 */
export function sampleBody(plan: StructPlan, variant: SampleVariant, seed = 1): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let i = seed;
  for (const field of plan.fields) out[field.name] = sampleField(field, variant, i++);
  for (const field of plan.tagged) out[field.name] = sampleField(field, variant, i++);
  for (const field of plan.absent) out[field.name] = field.defaultValue();
  if (plan.flexible && variant === 'values') {
    out[UNKNOWN_TAGGED_FIELDS] = [{ tag: 90 + (seed % 5), data: Buffer.from([0xca, 0xfe, seed & 0xff]) }];
  }
  return out;
}

function sampleField(field: FieldPlan, variant: SampleVariant, n: number): unknown {
  if (field.nullable && variant === 'nulls') return null;
  if (field.isArray) {
    if (field.kind === 'struct') {
      return [sampleBody(field.struct as StructPlan, variant, n + 1), sampleBody(field.struct as StructPlan, variant, n + 7)];
    }
    return [sampleScalar(field, n), sampleScalar(field, n + 1)];
  }
  if (field.kind === 'struct') return sampleBody(field.struct as StructPlan, variant, n + 3);
  return sampleScalar(field, n);
}

function sampleScalar(field: FieldPlan, n: number): unknown {
  switch (field.kind) {
    case 'bool':
      return true;
    case 'int8':
      return 10 + (n % 100);
    case 'int16':
      return 300 + n;
    case 'uint16':
      return 65000 + n;
    case 'int32':
      return 70000 + n;
    case 'uint32':
      return 4000000000 + n;
    case 'int64':
      return 5000000000n + BigInt(n);
    case 'float64':
      return 1.5 + n;
    case 'string':
      // Non-ASCII so byte length and character count differ.
      return `${field.name}-${n}-é`;
    case 'bytes':
    case 'records':
      return Buffer.from([n & 0xff, 1, 2, 3, 0xff]);
    case 'uuid':
      return Buffer.alloc(16, n & 0xff);
    case 'struct':
      throw new Error('struct is not a scalar');
  }
}
