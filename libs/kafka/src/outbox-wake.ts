/**
 * In-process wake-ups of the outbox relays that publish through a given pool. A transaction that NOTIFYs takes a
 * cluster-wide lock at COMMIT and holds it through its commit record's flush (Postgres keeps the notification queue in
 * commit order that way), so every service's notifying commits queue behind one another. A consumer whose relay runs
 * in its own process and pool wakes that relay directly after COMMIT instead, and its transaction does not NOTIFY.
 */
const relaysByPool = new WeakMap<object, Set<() => void>>();

/** Registers a relay's wake-up for commits through `pool`; returns its removal. */
export function onOutboxCommit(pool: object, wake: () => void): () => void {
  let wakes = relaysByPool.get(pool);
  if (!wakes) relaysByPool.set(pool, (wakes = new Set()));
  wakes.add(wake);
  return () => wakes.delete(wake);
}

/** Whether a relay of this process publishes what is written through `pool` (then a writer need not NOTIFY). */
export function hasOutboxRelay(pool: object): boolean {
  return (relaysByPool.get(pool)?.size ?? 0) > 0;
}

/** Wakes the relays of `pool`: rows were committed through it. */
export function outboxCommitted(pool: object): void {
  for (const wake of relaysByPool.get(pool) ?? []) wake();
}
