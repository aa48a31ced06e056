/** A JSON Schema (draft-07, as ajv reads it). Properties marked `"secret": true` or `"writeOnly": true` are secrets. */
export type JsonSchema = Readonly<Record<string, unknown>>;

/** Where a read stands: opaque to the caller, saved as JSON and handed back on the next read. `null` = from the start. */
export type Cursor = Readonly<Record<string, unknown>> | null;

export interface ConfigProblem {
  /** JSON Pointer into the config, e.g. `/auth/token`. */
  path: string;
  message: string;
}

export type CheckResult = { ok: true } | { ok: false; message: string; problems?: ConfigProblem[] };

export interface StreamDescriptor {
  name: string;
  /** JSON Schema of one record's `data` (an object schema whose properties are the stream's fields). */
  schema: JsonSchema;
  /** Fields an incremental read can be ordered and resumed by (e.g. `updated_at`). */
  cursorCandidates: string[];
  /** The field(s) that identify a row in the source. */
  primaryKey: string[];
}

/** One source row, as a record message or one of a records message's records carries it. */
export interface SourceRecord {
  data: Record<string, unknown>;
  /** Stable identity of the source row (for dedupe and for tracing a trait back to its row). */
  rowKey: string;
  /**
   * True when the row has no key of its own and `rowKey` only says where it was read (a file's name and row
   * number): another row may stand there next time, so the caller must not treat it as the row's identity.
   */
  positional?: boolean;
}

export interface RecordMessage extends SourceRecord {
  type: 'record';
  stream: string;
}

/**
 * Several records of one stream, in order, as one message: the same as a record message each. For a source that
 * reads pages (a keyset page, an API page), it saves the async iteration step and the message object per row.
 */
export interface RecordsMessage {
  type: 'records';
  stream: string;
  records: SourceRecord[];
}

/**
 * Every record emitted before a checkpoint is covered by its cursor: resuming from it re-reads none of them and
 * skips none of the later ones. The caller commits the records and the cursor together.
 */
export interface CheckpointMessage {
  type: 'checkpoint';
  cursor: Cursor;
}

/** How many records this read will emit in all, when the source knows (a row count, a file size): the run's ETA. */
export interface EstimateMessage {
  type: 'estimate';
  total: number;
}

/**
 * This read emits every row the source holds for the stream (a full-table pass, such as a Singer tap's
 * ACTIVATE_VERSION): once the run ends, the rows earlier runs read and this one did not are gone from the source.
 * Emit it only when the whole pass happens within this read, never for a pass resumed from another read's cursor.
 */
export interface FullPassMessage {
  type: 'full-pass';
}

export type ReadMessage = RecordMessage | RecordsMessage | CheckpointMessage | EstimateMessage | FullPassMessage;

export interface ReadOptions {
  /** Stops the read when aborted (a cancelled run); the iterable then ends or throws an AbortError. */
  signal?: AbortSignal;
}

export interface Connector<C = Record<string, unknown>> {
  readonly name: string;
  readonly configSchema: JsonSchema;
  /** Problems of a config against `configSchema`, each at a JSON Pointer (`/auth/token`); [] when valid. */
  validateConfig(config: unknown): ConfigProblem[];
  /** Can the source be reached with these settings? Never throws: failures are `{ ok: false, message }`. */
  check(config: C): Promise<CheckResult>;
  discover(config: C): Promise<StreamDescriptor[]>;
  read(config: C, stream: string, cursor: Cursor, options?: ReadOptions): AsyncIterable<ReadMessage>;
}
