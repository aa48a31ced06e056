import type { ByteReader } from '../primitives/byte-reader';
import { decodeTaggedFields } from './struct-decoder';
import type { FieldPlan, StructPlan } from './struct-plan';

type Fields = Record<string, unknown>;
export type StructDecoder = (r: ByteReader, buf: Buffer) => Fields;

/* Decoding counterpart of compiled-encoder.ts (see there for why the plans are compiled). */
const decoders = new WeakMap<StructPlan, StructDecoder>();

export function compiledDecoder(plan: StructPlan): StructDecoder {
  let decoder = decoders.get(plan);
  if (!decoder) {
    decoder = buildDecoder(plan);
    decoders.set(plan, decoder);
  }
  return decoder;
}

function buildDecoder(plan: StructPlan): StructDecoder {
  const nested = plan.fields.map((f) => (f.struct ? compiledDecoder(f.struct) : undefined));
  const lines: string[] = [];
  plan.fields.forEach((field, i) => lines.push(readStatement(field, i)));
  // Every decoded object of this struct/version gets the same property order, hence one hidden class.
  const props = plan.fields.map((f, i) => `${JSON.stringify(f.name)}: t${i}`);
  plan.absent.forEach((f, i) => props.push(`${JSON.stringify(f.name)}: absent[${i}]()`));
  if (plan.flexible) plan.tagged.forEach((f, i) => props.push(`${JSON.stringify(f.name)}: taggedDefaults[${i}]()`));
  lines.push(`const o = { ${props.join(', ')} };`);
  if (plan.flexible) lines.push('tagged(r, buf, o);');
  lines.push('return o;');
  const factory = new Function('s', 'absent', 'taggedDefaults', 'tagged', `return function decode(r, buf) {\n${lines.join('\n')}\n};`);
  return factory(
    nested,
    plan.absent.map((f) => () => f.defaultValue()),
    plan.tagged.map((f) => () => f.defaultValue()),
    (r: ByteReader, buf: Buffer, o: Fields) => decodeTaggedFields(r, buf, plan, o),
  ) as StructDecoder;
}

function readStatement(field: FieldPlan, i: number): string {
  if (field.isArray) {
    const length = field.compact ? `r.readCompactArrayLength(${field.nullable})` : `r.readArrayLength(${field.nullable})`;
    const element = field.kind === 'struct' ? `s[${i}](r, buf)` : readScalar(field, false);
    return `let t${i} = null; { const n = ${length}; if (n !== null) { t${i} = new Array(n); for (let j = 0; j < n; j++) t${i}[j] = ${element}; } }`;
  }
  if (field.kind === 'struct') {
    return field.nullable ? `const t${i} = r.readInt8() < 0 ? null : s[${i}](r, buf);` : `const t${i} = s[${i}](r, buf);`;
  }
  return `const t${i} = ${readScalar(field, field.nullable)};`;
}

function readScalar(field: FieldPlan, nullable: boolean): string {
  switch (field.kind) {
    case 'bool':
      return 'r.readBool()';
    case 'int8':
      return 'r.readInt8()';
    case 'int16':
      return 'r.readInt16()';
    case 'uint16':
      return 'r.readUInt16()';
    case 'int32':
      return 'r.readInt32()';
    case 'uint32':
      return 'r.readUInt32()';
    case 'int64':
      return 'r.readInt64()';
    case 'float64':
      return 'r.readFloat64()';
    case 'uuid':
      return 'r.readUuid()';
    case 'string':
      return field.compact ? `r.readCompactString(${nullable})` : `r.readString(${nullable})`;
    case 'bytes':
    case 'records':
      return field.compact ? `r.readCompactBytes(${nullable})` : `r.readBytes(${nullable})`;
    case 'struct':
      throw new Error(`struct field ${field.name} is not a scalar`);
  }
}
