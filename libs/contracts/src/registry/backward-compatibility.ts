import type { Type } from 'avsc';

/**
 * Checks that reader can read data written with writer (Avro schema resolution): avsc's createResolver
 * refuses a missing default, a removed enum symbol without a default, or a type change; then random
 * writer values must decode into valid reader values, with every field both schemas share unchanged.
 * Returns the problems found; empty means compatible.
 */
export function backwardCompatibilityProblems(reader: Type, writer: Type, samples = 50): string[] {
  let resolver;
  try {
    resolver = reader.createResolver(writer);
  } catch (error) {
    return [`cannot resolve: ${(error as Error).message}`];
  }
  const problems: string[] = [];
  for (let i = 0; i < samples && problems.length === 0; i++) {
    const written = writer.random() as unknown as Record<string, unknown>;
    let read: Record<string, unknown>;
    try {
      read = reader.fromBuffer(writer.toBuffer(written), resolver) as Record<string, unknown>;
    } catch (error) {
      problems.push(`cannot read ${JSON.stringify(written)}: ${(error as Error).message}`);
      break;
    }
    if (!reader.isValid(read)) problems.push(`decoded value is not valid for the reader: ${JSON.stringify(read)}`);
    for (const field of sharedFieldsWithSameType(reader, writer)) {
      if (JSON.stringify(read[field]) !== JSON.stringify(written[field])) problems.push(`field ${field} changed value while resolving`);
    }
  }
  return problems;
}

function sharedFieldsWithSameType(reader: Type, writer: Type): string[] {
  const fieldsOf = (t: Type) =>
    new Map(((t as unknown as { fields?: { name: string; type: Type }[] }).fields ?? []).map((f) => [f.name, f.type]));
  const writerFields = fieldsOf(writer);
  return [...fieldsOf(reader)].filter(([name, type]) => writerFields.get(name)?.equals(type)).map(([name]) => name);
}
