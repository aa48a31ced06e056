/**
 * One row of a file. `row` is 1-based: the CSV record after the header (a quoted field spanning lines is one
 * row), or the NDJSON line. A row the parser cannot read carries `error` instead of `data`.
 */
export type ParsedRow = { row: number; data: Record<string, unknown> } | { row: number; error: string };
