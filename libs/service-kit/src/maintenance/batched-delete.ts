/**
 * Runs deleteBatch(batchSize) until a batch deletes fewer rows than asked, each batch its own short statement, so
 * no pass holds many row locks or a long transaction; returns how many rows the batches deleted.
 */
export async function deleteInBatches(deleteBatch: (batchSize: number) => Promise<number>, batchSize: number): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = await deleteBatch(batchSize);
    total += deleted;
    if (deleted < batchSize) return total;
  }
}
