import type { DefaultLiteral, FieldSpec, MessageSpec, PrimitiveType } from './message-spec';
import { versionIn } from './version-range';

/**
 * A message table resolved for one version: only the fields that exist in it, with nullability, compactness and
 * defaults decided up front, so the hot encode/decode loops never look at version strings.
 */
export interface FieldPlan {
  readonly name: string;
  /** Element type for arrays, the type itself otherwise; 'struct' for nested structs. */
  readonly kind: PrimitiveType | 'struct';
  readonly isArray: boolean;
  readonly nullable: boolean;
  /** Compact (varint-length) encoding: flexible version, unless the field opts out (RequestHeader.ClientId). */
  readonly compact: boolean;
  readonly struct?: StructPlan;
  readonly tag?: number;
  readonly spec: FieldSpec;
  /** Default value for this version; arrays and structs get a fresh copy per use. */
  defaultValue(): unknown;
}

export interface StructPlan {
  readonly flexible: boolean;
  /** Fields in the fixed layout, in order. */
  readonly fields: readonly FieldPlan[];
  /** Tagged fields present in this version, by ascending tag. */
  readonly tagged: readonly FieldPlan[];
  readonly taggedByTag: ReadonlyMap<number, FieldPlan>;
  /** Fields that exist in other versions only: decoding fills them with defaults. */
  readonly absent: readonly FieldPlan[];
}

export function planMessage(spec: MessageSpec, version: number): StructPlan {
  return planStruct(spec.fields, version, versionIn(spec.flexibleVersions, version));
}

function planStruct(specs: readonly FieldSpec[], version: number, flexible: boolean): StructPlan {
  const fields: FieldPlan[] = [];
  const tagged: FieldPlan[] = [];
  const absent: FieldPlan[] = [];
  for (const spec of specs) {
    const plan = planField(spec, version, flexible);
    if (!versionIn(spec.versions, version)) absent.push(plan);
    else if (versionIn(spec.taggedVersions, version)) tagged.push(plan);
    else fields.push(plan);
  }
  tagged.sort((a, b) => (a.tag ?? 0) - (b.tag ?? 0));
  return { flexible, fields, tagged, taggedByTag: new Map(tagged.map((f) => [f.tag ?? 0, f])), absent };
}

function planField(spec: FieldSpec, version: number, flexible: boolean): FieldPlan {
  const isArray = spec.type.startsWith('[]');
  const kind = (isArray ? spec.type.slice(2) : spec.type) as PrimitiveType | 'struct';
  if (kind === 'struct' && !spec.fields) throw new Error(`struct field ${spec.name} has no fields`);
  const struct = kind === 'struct' && spec.fields ? planStruct(spec.fields, version, flexible) : undefined;
  const nullable = versionIn(spec.nullableVersions, version) && versionIn(spec.versions, version);
  const literal = spec.default;
  return {
    name: spec.name,
    kind,
    isArray,
    nullable,
    compact: flexible && spec.flexibleVersions !== 'none',
    struct,
    tag: spec.tag,
    spec,
    defaultValue: () => defaultFor(kind, isArray, nullable, literal, struct),
  };
}

/**
 * Kafka's defaults: the table's literal if any, else null for fields nullable in this version (the contract lets
 * handlers omit nullable fields), else the zero value of the type.
 */
export function defaultFor(
  kind: PrimitiveType | 'struct',
  isArray: boolean,
  nullable: boolean,
  literal: DefaultLiteral | undefined,
  struct: StructPlan | undefined,
): unknown {
  if (literal === null || (literal === undefined && nullable)) return null;
  if (isArray) return [];
  switch (kind) {
    case 'bool':
      return literal === undefined ? false : literal === true || literal === 'true';
    case 'int8':
    case 'int16':
    case 'uint16':
    case 'int32':
    case 'uint32':
    case 'float64':
      return literal === undefined ? 0 : Number(literal);
    case 'int64':
      return literal === undefined ? 0n : BigInt(literal);
    case 'string':
      return literal === undefined ? '' : String(literal);
    case 'bytes':
    case 'records':
      return Buffer.alloc(0);
    case 'uuid':
      return Buffer.alloc(16);
    case 'struct':
      return defaultStruct(struct);
  }
}

export function defaultStruct(struct: StructPlan | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!struct) return out;
  for (const f of struct.fields) out[f.name] = f.defaultValue();
  for (const f of struct.tagged) out[f.name] = f.defaultValue();
  for (const f of struct.absent) out[f.name] = f.defaultValue();
  return out;
}
