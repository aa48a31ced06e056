import { ByteWriter } from '../primitives/byte-writer';
import type { FieldPlan, StructPlan } from './struct-plan';
import { defaultFor } from './struct-plan';
import type { UnknownTaggedField } from './unknown-tagged-field';

type Fields = Record<string, unknown>;

/**
 * Writes a plain object per a StructPlan. Missing (undefined) values, and nulls in non-nullable fields, become the
 * field default, so handlers can build one object shape for every version.
 */
export function encodeStruct(w: ByteWriter, plan: StructPlan, value: Fields | null | undefined): void {
  const obj: Fields = value ?? {};
  for (const field of plan.fields) encodeField(w, field, obj[field.name]);
  if (plan.flexible) encodeTaggedFields(w, plan, obj);
}

function encodeField(w: ByteWriter, field: FieldPlan, raw: unknown): void {
  const value = raw === undefined || (raw === null && !field.nullable) ? field.defaultValue() : raw;
  if (field.isArray) return encodeArray(w, field, value as unknown[] | null);
  if (field.kind === 'struct') return encodeOptionalStruct(w, field, value as Fields | null);
  encodeScalar(w, field, value);
}

function encodeArray(w: ByteWriter, field: FieldPlan, items: unknown[] | null): void {
  if (items === null) {
    if (field.compact) w.writeCompactArrayLength(null);
    else w.writeArrayLength(null);
    return;
  }
  if (field.compact) w.writeCompactArrayLength(items.length);
  else w.writeArrayLength(items.length);
  if (field.kind === 'struct') {
    for (const item of items) encodeStruct(w, field.struct as StructPlan, item as Fields);
    return;
  }
  for (const item of items) {
    const element = item === undefined || item === null ? defaultFor(field.kind, false, false, undefined, undefined) : item;
    encodeScalar(w, field, element);
  }
}

/** A single nested struct: nullable ones carry an int8 presence marker (-1 = null), like Kafka. */
function encodeOptionalStruct(w: ByteWriter, field: FieldPlan, value: Fields | null): void {
  if (field.nullable) {
    if (value === null) {
      w.writeInt8(-1);
      return;
    }
    w.writeInt8(1);
  }
  encodeStruct(w, field.struct as StructPlan, value);
}

function encodeScalar(w: ByteWriter, field: FieldPlan, value: unknown): void {
  switch (field.kind) {
    case 'bool':
      w.writeBool(Boolean(value));
      return;
    case 'int8':
      w.writeInt8(value as number);
      return;
    case 'int16':
      w.writeInt16(value as number);
      return;
    case 'uint16':
      w.writeUInt16(value as number);
      return;
    case 'int32':
      w.writeInt32(value as number);
      return;
    case 'uint32':
      w.writeUInt32(value as number);
      return;
    case 'int64':
      w.writeInt64(typeof value === 'bigint' ? value : BigInt(value as number));
      return;
    case 'float64':
      w.writeFloat64(value as number);
      return;
    case 'uuid':
      w.writeUuid(value as Buffer | null);
      return;
    case 'string':
      if (field.compact) w.writeCompactString(value as string | null);
      else w.writeString(value as string | null);
      return;
    case 'bytes':
    case 'records':
      if (field.compact) w.writeCompactBytes(value as Buffer | null);
      else w.writeBytes(value as Buffer | null);
      return;
    case 'struct':
      throw new Error(`struct field ${field.name} reached the scalar encoder`);
  }
}

/**
 * Known tagged fields are written only when they differ from their default (as Kafka does); unknown ones decoded
 * earlier are written back unchanged, all in ascending tag order.
 */
export function encodeTaggedFields(w: ByteWriter, plan: StructPlan, obj: Fields): void {
  const unknown = (obj._unknownTaggedFields as UnknownTaggedField[] | undefined) ?? [];
  const entries: UnknownTaggedField[] = [];
  for (const field of plan.tagged) {
    const value = obj[field.name];
    if (value === undefined || isDefault(field, value)) continue;
    const scratch = new ByteWriter(64);
    encodeField(scratch, field, value);
    entries.push({ tag: field.tag as number, data: scratch.toBuffer() });
  }
  for (const u of unknown) if (!plan.taggedByTag.has(u.tag)) entries.push(u);
  if (entries.length > 1) entries.sort((a, b) => a.tag - b.tag);
  w.writeUnsignedVarInt(entries.length);
  for (const e of entries) {
    w.writeUnsignedVarInt(e.tag);
    w.writeUnsignedVarInt(e.data.length);
    w.writeRaw(e.data);
  }
}

function isDefault(field: FieldPlan, value: unknown): boolean {
  return deepEqual(value, field.defaultValue());
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'bigint' || typeof b === 'bigint') {
    return (typeof a === 'bigint' || typeof a === 'number') && (typeof b === 'bigint' || typeof b === 'number')
      ? BigInt(a) === BigInt(b)
      : false;
  }
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Buffer.isBuffer(a) || Buffer.isBuffer(b)) return Buffer.isBuffer(a) && Buffer.isBuffer(b) && a.equals(b);
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  }
  const ao = a as Fields;
  const bo = b as Fields;
  // Only the expected keys matter: extra keys in the value (e.g. _unknownTaggedFields) make it non-default.
  const keys = new Set([...Object.keys(ao), ...Object.keys(bo)]);
  for (const k of keys) {
    if (k === '_unknownTaggedFields') {
      if ((ao[k] as unknown[] | undefined)?.length) return false;
      continue;
    }
    if (ao[k] === undefined) continue;
    if (!deepEqual(ao[k], bo[k])) return false;
  }
  return true;
}
