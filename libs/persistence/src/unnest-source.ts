import { arrayLiteral, elementEncoding } from './array-literal';
import { quoteIdentifier } from './sql-identifier';
import { elementType, type UnnestColumn } from './unnest-parameters';

/**
 * The rows of a set-based statement as parameters plus the SQL that reads them back as a relation.
 *
 * Each column travels as one array literal string (see array-literal.ts). A bytea column whose values are all
 * Buffers (or null) does not: inside an array pg would hex-encode every payload and escape it again, and
 * Postgres would parse the hex back. Instead its buffers go concatenated as ONE bytea parameter, which pg sends
 * in binary, with two integer arrays (1-based start, length; NULL for a null element), and SQL slices it:
 *   substring($3::bytea FROM "u"."c2" FOR "u"."c3")
 * Slicing a plain in-memory bytea is a copy of the slice only, so the cost stays linear in the batch.
 */
export interface UnnestRows {
  /** `*` for plain columns; otherwise the select list that names each column and slices the bytea ones. */
  select: string;
  /** `unnest($1::text[], ...)`, with `AS "u"("c1", ...)` when `select` is not `*`. */
  from: string;
  values: unknown[];
}

export function unnestRows(columns: readonly UnnestColumn[], rows: readonly Record<string, unknown>[], firstParameter = 1): UnnestRows {
  const values: unknown[] = [];
  const unnestArgs: string[] = [];
  const selectList: string[] = [];
  let sliced = false;
  const parameter = (value: unknown): string => {
    values.push(value);
    return `$${firstParameter + values.length - 1}`;
  };
  for (const column of columns) {
    const type = elementType(column.type);
    const name = quoteIdentifier(column.name, 'column name');
    const cells = rows.map((row) => row[column.name]);
    const packed = type === 'bytea' ? packBuffers(cells) : undefined;
    if (packed) {
      sliced = true;
      unnestArgs.push(`${parameter(packed.starts)}::integer[]`, `${parameter(packed.lengths)}::integer[]`);
      const start = `"u"."c${unnestArgs.length - 1}"`;
      const length = `"u"."c${unnestArgs.length}"`;
      selectList.push(`substring(${parameter(packed.blob)}::bytea FROM ${start} FOR ${length}) AS ${name}`);
    } else {
      unnestArgs.push(`${parameter(arrayLiteral(cells, elementEncoding(type)))}::${type}[]`);
      selectList.push(`"u"."c${unnestArgs.length}" AS ${name}`);
    }
  }
  const unnest = `unnest(${unnestArgs.join(', ')})`;
  if (!sliced) return { select: '*', from: unnest, values };
  const aliases = unnestArgs.map((_, index) => `"c${index + 1}"`).join(', ');
  return { select: selectList.join(', '), from: `${unnest} AS "u"(${aliases})`, values };
}

/** The rows as a FROM item named `alias` with one column per UnnestColumn, for UPDATE ... FROM and DELETE ... USING. */
export function unnestRelation(
  columns: readonly UnnestColumn[],
  rows: readonly Record<string, unknown>[],
  alias: string,
): { from: string; values: unknown[] } {
  const { select, from, values } = unnestRows(columns, rows);
  if (select !== '*') return { from: `(SELECT ${select} FROM ${from}) AS ${alias}`, values };
  const names = columns.map((column) => quoteIdentifier(column.name, 'column name')).join(', ');
  return { from: `${from} AS ${alias}(${names})`, values };
}

interface PackedBuffers {
  blob: Buffer;
  starts: string;
  lengths: string;
}

/** Undefined when some value is not binary (e.g. a `\x...` string): that column then goes as a text array as before. */
function packBuffers(cells: readonly unknown[]): PackedBuffers | undefined {
  const parts: Uint8Array[] = [];
  let total = 0;
  for (const cell of cells) {
    if (cell === null || cell === undefined) continue;
    if (!ArrayBuffer.isView(cell)) return undefined;
    const bytes = cell instanceof Uint8Array ? cell : new Uint8Array(cell.buffer, cell.byteOffset, cell.byteLength);
    parts.push(bytes);
    total += bytes.byteLength;
  }
  let starts = '{';
  let lengths = '{';
  let offset = 0;
  for (let i = 0; i < cells.length; i++) {
    const separator = i > 0 ? ',' : '';
    const cell = cells[i] as ArrayBufferView | null | undefined;
    if (cell === null || cell === undefined) {
      starts += `${separator}NULL`;
      lengths += `${separator}NULL`;
      continue;
    }
    starts += `${separator}${offset + 1}`;
    lengths += `${separator}${cell.byteLength}`;
    offset += cell.byteLength;
  }
  return { blob: Buffer.concat(parts, total), starts: `${starts}}`, lengths: `${lengths}}` };
}
