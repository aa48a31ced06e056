/**
 * A record's rowKey from its primary-key fields. One field: its value as a string; several: a JSON array of their
 * values (unambiguous when a value holds a comma).
 */
export function rowKeyOf(record: Record<string, unknown>, primaryKey: string[]): string {
  const values = primaryKey.map((field) => {
    const value = record[field];
    if (value === undefined || value === null || value === '')
      throw new Error(`a record has no primary key field ${field}: ${JSON.stringify(record).slice(0, 120)}`);
    return value;
  });
  return values.length === 1 ? String(values[0]) : JSON.stringify(values);
}
