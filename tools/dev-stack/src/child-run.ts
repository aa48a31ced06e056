export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** One run of a supervised child process: a service, the embedded broker or the embedded Postgres. */
export interface ChildRun {
  readonly pid: number;
  /** Resolves when the process has exited, for whatever reason. */
  readonly exited: Promise<ChildExit>;
  /** Set once the process has exited. */
  readonly exitInfo: ChildExit | undefined;
  /** Asks the process to stop the way it stops cleanly, and resolves when it has exited. */
  stop(): Promise<ChildExit>;
}

export function describeExit(exit: ChildExit): string {
  return exit.signal ? `killed by ${exit.signal}` : `exit code ${exit.code}`;
}
