import { MalformedRequestError } from '../malformed-request.error';
import { ByteReader } from '../primitives/byte-reader';
import type { FieldPlan, StructPlan } from './struct-plan';
import type { UnknownTaggedField } from './unknown-tagged-field';

type Fields = Record<string, unknown>;

/**
 * Reads one struct per a StructPlan. Fields absent from the version get their defaults; unknown tagged fields are
 * kept in `_unknownTaggedFields` (copied, so they never pin the frame).
 */
export function decodeStruct(r: ByteReader, buf: Buffer, plan: StructPlan): Fields {
  const obj: Fields = {};
  for (const field of plan.fields) obj[field.name] = decodeField(r, buf, field);
  for (const field of plan.absent) obj[field.name] = field.defaultValue();
  if (plan.flexible) {
    for (const field of plan.tagged) obj[field.name] = field.defaultValue();
    decodeTaggedFields(r, buf, plan, obj);
  }
  return obj;
}

function decodeField(r: ByteReader, buf: Buffer, field: FieldPlan): unknown {
  if (field.isArray) {
    const n = field.compact ? r.readCompactArrayLength(field.nullable) : r.readArrayLength(field.nullable);
    if (n === null) return null;
    const items = new Array<unknown>(n);
    if (field.kind === 'struct') {
      for (let i = 0; i < n; i++) items[i] = decodeStruct(r, buf, field.struct as StructPlan);
    } else {
      for (let i = 0; i < n; i++) items[i] = decodeScalar(r, field, false);
    }
    return items;
  }
  if (field.kind === 'struct') {
    if (field.nullable) {
      const marker = r.readInt8();
      if (marker < 0) return null;
    }
    return decodeStruct(r, buf, field.struct as StructPlan);
  }
  return decodeScalar(r, field, field.nullable);
}

function decodeScalar(r: ByteReader, field: FieldPlan, nullable: boolean): unknown {
  switch (field.kind) {
    case 'bool':
      return r.readBool();
    case 'int8':
      return r.readInt8();
    case 'int16':
      return r.readInt16();
    case 'uint16':
      return r.readUInt16();
    case 'int32':
      return r.readInt32();
    case 'uint32':
      return r.readUInt32();
    case 'int64':
      return r.readInt64();
    case 'float64':
      return r.readFloat64();
    case 'uuid':
      return r.readUuid();
    case 'string':
      return field.compact ? r.readCompactString(nullable) : r.readString(nullable);
    case 'bytes':
    case 'records':
      return field.compact ? r.readCompactBytes(nullable) : r.readBytes(nullable);
    case 'struct':
      throw new Error(`struct field ${field.name} reached the scalar decoder`);
  }
}

export function decodeTaggedFields(r: ByteReader, buf: Buffer, plan: StructPlan, obj: Fields): void {
  const count = r.readUnsignedVarInt();
  if (count > r.remaining) throw new MalformedRequestError(`${count} tagged fields cannot fit in ${r.remaining} bytes`);
  let unknown: UnknownTaggedField[] | undefined;
  for (let i = 0; i < count; i++) {
    const tag = r.readUnsignedVarInt();
    const size = r.readUnsignedVarInt();
    const start = r.offset;
    const data = r.readRaw(size, `tagged field ${tag}`);
    const field = plan.taggedByTag.get(tag);
    if (!field) {
      (unknown ??= []).push({ tag, data: Buffer.from(data) });
      continue;
    }
    const inner = new ByteReader(buf, start, start + size);
    obj[field.name] = decodeField(inner, buf, field);
    if (inner.remaining !== 0) {
      throw new MalformedRequestError(`tagged field ${tag} declared ${size} bytes but used ${size - inner.remaining}`);
    }
  }
  if (unknown) obj._unknownTaggedFields = unknown;
}
