/**
 * The project's one polling wait for tests: calls `probe` until it returns something other than undefined or
 * false, and resolves to that, so it waits on a condition (`() => rows.length === 3`) or for a value
 * (`() => rows.find(...)`). A probe that throws fails the wait at once. After `timeoutMs` it rejects, naming `what`.
 * It lives with the broker because the broker depends on no other project; libs/testing re-exports it for the rest.
 */
export async function eventually<T>(
  probe: () => T | Promise<T>,
  timeoutMs = 20_000,
  what = 'condition',
  intervalMs = 50,
): Promise<Exclude<T, undefined | false>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value as Exclude<T, undefined | false>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
