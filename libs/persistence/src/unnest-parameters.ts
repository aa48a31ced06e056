/** What the unnest statement builders share: column typing and turning rows into one array per column. */
export interface UnnestColumn {
  name: string;
  /** Postgres element type: text, bigint, integer, boolean, timestamptz, jsonb, uuid, numeric(12,2), bytea... */
  type: string;
}

export interface ParameterizedQuery {
  text: string;
  values: unknown[];
}

// Element types only: unnest flattens a multidimensional array, so array-valued columns must travel as jsonb.
const ELEMENT_TYPE = /^[a-z][a-z0-9_]*( [a-z][a-z0-9_]*)*(\(\d+(, ?\d+)?\))?$/;

export function elementType(type: string): string {
  const normalised = type.trim().toLowerCase();
  if (!ELEMENT_TYPE.test(normalised)) throw new Error(`Unsupported unnest column type "${type}" (arrays go as jsonb)`);
  return normalised;
}

/** `$1::text[], $2::bigint[]`, numbered from `firstParameter`. */
export function unnestArguments(columns: readonly UnnestColumn[], firstParameter = 1): string {
  return columns.map((column, index) => `$${firstParameter + index}::${elementType(column.type)}[]`).join(', ');
}

/**
 * One JS array per column, in column order; undefined becomes NULL, json(b) values are serialised. The builders
 * do not bind these (pg's element-by-element encoding of them is costly; see unnest-source.ts): this is the
 * reference encoding the equivalence test and the parameter benchmark compare against.
 */
export function columnArrays(columns: readonly UnnestColumn[], rows: readonly Record<string, unknown>[]): unknown[][] {
  return columns.map((column) => {
    const type = elementType(column.type);
    const asJson = type === 'json' || type === 'jsonb';
    return rows.map((row) => toParameter(row[column.name], asJson));
  });
}

function toParameter(value: unknown, asJson: boolean): unknown {
  if (value === undefined || value === null) return null;
  if (asJson) return JSON.stringify(value);
  if (typeof value === 'bigint') return value.toString();
  return value;
}
