/** The run was cancelled, or its lease went to another process: this process must stop without committing. */
export class RunLostError extends Error {
  constructor(runId: string) {
    super(`run ${runId} is no longer held by this process (cancelled, or its lease ran out and another took it)`);
    this.name = 'RunLostError';
  }
}
