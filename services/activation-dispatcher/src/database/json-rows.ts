/**
 * A batch of rows as one `json` parameter that SQL reads back with json_to_recordset, for the set-based writes whose
 * rows carry jsonb documents (profiles, delivery payloads). One JSON.stringify of the rows replaces the array
 * literal per column of @tessera/persistence's unnest builders, which quote every JSON text character by character
 * (about 40 µs a row for a profile of 1-2 KB against about 8: docs/benchmarks.md, issue 14's CPU per change).
 * Postgres converts each field with its column type's input function, as it does each array element, so the rows
 * written are the same; a JSON null or a missing key is NULL.
 */
export interface JsonRowColumn {
  name: string;
  /** A Postgres type name, trusted SQL written in code. */
  type: string;
}

export function jsonRows(
  columns: readonly JsonRowColumn[],
  rows: readonly Record<string, unknown>[],
  alias: string,
  parameter = 1,
): { from: string; value: string } {
  const definitions = columns.map((c) => `${c.name} ${c.type}`).join(', ');
  return { from: `json_to_recordset($${parameter}::json) AS ${alias}(${definitions})`, value: JSON.stringify(rows) };
}
