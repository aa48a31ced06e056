/** A connector that emits more records without a checkpoint than the service holds in memory. */
export class CheckpointTooFarError extends Error {
  constructor(connector: string, limit: number) {
    super(
      `the ${connector} connector emitted more than ${limit} records without a checkpoint (CONNECTORS_MAX_UNCHECKPOINTED_RECORDS); records are only committed with a cursor, so it must checkpoint more often`,
    );
    this.name = 'CheckpointTooFarError';
  }
}
