/** One published version of a topic's schema, as embedded in the generated files. */
export interface ContractSchemaVersion {
  /** 1, 2, ... from the file name vN.avsc. */
  readonly version: number;
  /** The .avsc content (JSON); avsc parses it at start-up. */
  readonly schema: object;
}
