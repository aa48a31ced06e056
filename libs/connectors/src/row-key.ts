/**
 * A record's rowKey from its primary-key fields, or undefined when one of them is empty. One field: its value as a
 * string; several: a JSON array of their values (unambiguous when a value holds a comma).
 */
export function rowKeyFrom(record: Record<string, unknown>, primaryKey: readonly string[]): string | undefined {
  if (primaryKey.length === 0) return undefined;
  const values: unknown[] = [];
  for (const field of primaryKey) {
    const value = record[field];
    if (value === undefined || value === null || value === '') return undefined;
    values.push(value);
  }
  return values.length === 1 ? String(values[0]) : JSON.stringify(values);
}

/** {@link rowKeyFrom} for sources whose every record must have its key. */
export function rowKeyOf(record: Record<string, unknown>, primaryKey: readonly string[]): string {
  const key = rowKeyFrom(record, primaryKey);
  if (key !== undefined) return key;
  const field = primaryKey.find((f) => record[f] === undefined || record[f] === null || record[f] === '') ?? primaryKey[0];
  throw new Error(`a record has no primary key field ${field}: ${JSON.stringify(record).slice(0, 120)}`);
}
