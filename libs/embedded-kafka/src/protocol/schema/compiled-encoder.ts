import type { ByteWriter } from '../primitives/byte-writer';
import { encodeTaggedFields } from './struct-encoder';
import type { FieldPlan, StructPlan } from './struct-plan';

type Fields = Record<string, unknown>;
export type StructEncoder = (w: ByteWriter, value: Fields | null | undefined) => void;

/*
 * Each StructPlan (one struct, one version) is turned once into a straight-line JavaScript function, the way avsc
 * and protobufjs do it: fixed property names instead of keyed lookups over a field list, and decoded objects that
 * all share one shape. That makes Metadata/Produce encoding several times faster than walking the plan per message.
 * The source is built only from our own static tables (names are JSON-quoted), never from request data.
 * Tagged-field sections stay on the generic walkers in struct-encoder/struct-decoder.
 */
const encoders = new WeakMap<StructPlan, StructEncoder>();
const EMPTY: Fields = Object.freeze({}) as Fields;

export function compiledEncoder(plan: StructPlan): StructEncoder {
  let encoder = encoders.get(plan);
  if (!encoder) {
    encoder = buildEncoder(plan);
    encoders.set(plan, encoder);
  }
  return encoder;
}

function buildEncoder(plan: StructPlan): StructEncoder {
  const defaults = plan.fields.map((f) => () => f.defaultValue());
  const nested = plan.fields.map((f) => (f.struct ? compiledEncoder(f.struct) : undefined));
  const lines = ['const o = value == null ? EMPTY : value;', 'let v;'];
  plan.fields.forEach((field, i) => {
    lines.push(`v = o[${JSON.stringify(field.name)}];`);
    lines.push(field.nullable ? `if (v === undefined) v = d[${i}]();` : `if (v == null) v = d[${i}]();`);
    lines.push(encodeStatement(field, i));
  });
  if (plan.flexible && plan.tagged.length === 0) {
    // Most flexible structs define no tagged fields: write the empty section inline unless unknown ones came in.
    lines.push('const u = o._unknownTaggedFields; if (u === undefined || u.length === 0) w.writeUnsignedVarInt(0); else tagged(w, o);');
  } else if (plan.flexible) {
    lines.push('tagged(w, o);');
  }
  const factory = new Function('d', 's', 'tagged', 'EMPTY', `return function encode(w, value) {\n${lines.join('\n')}\n};`);
  return factory(defaults, nested, (w: ByteWriter, o: Fields) => encodeTaggedFields(w, plan, o), EMPTY) as StructEncoder;
}

function encodeStatement(field: FieldPlan, i: number): string {
  if (field.isArray) {
    const length = field.compact ? 'w.writeCompactArrayLength' : 'w.writeArrayLength';
    const element =
      field.kind === 'struct'
        ? `s[${i}](w, v[j]);`
        : `{ let e = v[j]; if (e == null) e = ${zeroLiteral(field)}; ${writeScalar(field, 'e')} }`;
    return `if (v === null) ${length}(null); else { const n = v.length; ${length}(n); for (let j = 0; j < n; j++) ${element} }`;
  }
  if (field.kind === 'struct') {
    return field.nullable ? `if (v === null) w.writeInt8(-1); else { w.writeInt8(1); s[${i}](w, v); }` : `s[${i}](w, v);`;
  }
  return writeScalar(field, 'v');
}

function writeScalar(field: FieldPlan, v: string): string {
  switch (field.kind) {
    case 'bool':
      return `w.writeBool(${v});`;
    case 'int8':
      return `w.writeInt8(${v});`;
    case 'int16':
      return `w.writeInt16(${v});`;
    case 'uint16':
      return `w.writeUInt16(${v});`;
    case 'int32':
      return `w.writeInt32(${v});`;
    case 'uint32':
      return `w.writeUInt32(${v});`;
    case 'int64':
      return `w.writeInt64(typeof ${v} === 'bigint' ? ${v} : BigInt(${v}));`;
    case 'float64':
      return `w.writeFloat64(${v});`;
    case 'uuid':
      return `w.writeUuid(${v});`;
    case 'string':
      return field.compact ? `w.writeCompactString(${v});` : `w.writeString(${v});`;
    case 'bytes':
    case 'records':
      return field.compact ? `w.writeCompactBytes(${v});` : `w.writeBytes(${v});`;
    case 'struct':
      throw new Error(`struct field ${field.name} is not a scalar`);
  }
}

/** Array elements are never nullable in Kafka; a missing one is written as the type's zero value. */
function zeroLiteral(field: FieldPlan): string {
  switch (field.kind) {
    case 'bool':
      return 'false';
    case 'int64':
      return '0n';
    case 'string':
      return "''";
    case 'bytes':
    case 'records':
      return 'Buffer.alloc(0)';
    case 'uuid':
      return 'Buffer.alloc(16)';
    default:
      return '0';
  }
}
